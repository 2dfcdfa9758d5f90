"""Engine-free utilities. Importing this package imports no engine (the backend itself
imports ``minikeras.utils.nest``), only numpy and the standard library."""
from minikeras.utils.data_utils import Sequence, get_file  # noqa: F401
from minikeras.utils.generic_utils import (  # noqa: F401
    CustomObjectScope, Progbar, custom_object_scope, deserialize_keras_object,
    get_custom_objects, serialize_keras_object)
from minikeras.utils.object_registration import register_keras_serializable  # noqa: F401
from minikeras.utils.np_utils import normalize, to_categorical  # noqa: F401

__all__ = ['Sequence', 'get_file', 'CustomObjectScope', 'Progbar', 'custom_object_scope',
           'deserialize_keras_object', 'get_custom_objects', 'serialize_keras_object',
           'register_keras_serializable', 'normalize', 'to_categorical']
