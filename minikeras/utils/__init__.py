"""Engine-free utilities. Importing this package imports no engine (the backend itself
imports ``minikeras.utils.nest``), only numpy and the standard library."""
from minikeras.utils.data_utils import Sequence, get_file  # noqa: F401
from minikeras.utils.generic_utils import (  # noqa: F401
    CustomObjectScope, Progbar, custom_object_scope, deserialize_keras_object,
    get_custom_objects, serialize_keras_object)
from minikeras.utils.io_utils import HDF5Matrix  # noqa: F401
from minikeras.utils.object_registration import register_keras_serializable  # noqa: F401
from minikeras.utils.np_utils import normalize, to_categorical  # noqa: F401
from minikeras.utils.vis_utils import model_to_dot, plot_model  # noqa: F401


def print_summary(model, line_length=None, positions=None, print_fn=None):
    """Print a summary table of ``model``'s layers (``model.summary()``)."""
    from minikeras.utils.layer_utils import print_summary as summary
    return summary(model, line_length=line_length, positions=positions, print_fn=print_fn)


__all__ = ['Sequence', 'get_file', 'CustomObjectScope', 'Progbar', 'custom_object_scope',
           'deserialize_keras_object', 'get_custom_objects', 'serialize_keras_object',
           'register_keras_serializable', 'normalize', 'to_categorical', 'HDF5Matrix',
           'model_to_dot', 'plot_model', 'print_summary']
