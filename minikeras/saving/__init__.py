"""Saving and loading weights and models (HDF5 + JSON, never pickle; see docs/SECURITY.md).

Importing this package registers its functions with ``minikeras.models.persistence``,
the hook ``Model.save`` / ``save_weights`` / ``load_weights`` and ``models.load_model`` call."""
from minikeras.models import persistence as _persistence
from minikeras.saving.errors import ModelFileError  # noqa: F401
from minikeras.saving.hdf5 import load_weights, save_weights  # noqa: F401
from minikeras.saving.model_file import load_model, save_model  # noqa: F401
from minikeras.utils.object_registration import (  # noqa: F401
    CustomObjectScope, SafeModeError, SafeModeScope, custom_object_scope, get_custom_objects,
    get_registered_name, get_registered_object, register_keras_serializable)

_persistence.register(save_model=save_model, load_model=load_model, save_weights=save_weights,
                      load_weights=load_weights)
