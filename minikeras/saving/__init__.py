"""Saving and loading weights and models (HDF5 + JSON, never pickle; see docs/SECURITY.md)."""
from minikeras.saving.errors import ModelFileError  # noqa: F401
from minikeras.saving.hdf5 import load_weights, save_weights  # noqa: F401
from minikeras.saving.model_file import load_model, save_model  # noqa: F401
from minikeras.utils.object_registration import (  # noqa: F401
    CustomObjectScope, SafeModeError, SafeModeScope, custom_object_scope, get_custom_objects,
    get_registered_name, get_registered_object, register_keras_serializable)
