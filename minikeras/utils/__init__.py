"""Engine-free utilities. Importing this package imports no engine (the backend itself
imports ``minikeras.utils.nest``), only numpy and the standard library. The helpers that
need the engine (``print_summary``, ``multi_gpu_model``, ``losses_utils``...) load on
first use, under the names Keras 2.3.1 gives them."""
import importlib
import sys
import types

from minikeras.utils.data_utils import (  # noqa: F401
    GeneratorEnqueuer, OrderedEnqueuer, Sequence, SequenceEnqueuer, get_file)
from minikeras.utils.generic_utils import (  # noqa: F401
    CustomObjectScope, Progbar, custom_object_scope, deserialize_keras_object,
    get_custom_objects, serialize_keras_object)
from minikeras.utils.io_utils import HDF5Matrix  # noqa: F401
from minikeras.utils.multi_gpu_utils import multi_gpu_model  # noqa: F401
from minikeras.utils.object_registration import register_keras_serializable  # noqa: F401
from minikeras.utils.np_utils import normalize, to_categorical  # noqa: F401
from minikeras.utils.vis_utils import model_to_dot, plot_model  # noqa: F401


_LAZY = {
    'print_summary': 'minikeras.utils.layer_utils',
    'get_source_inputs': 'minikeras.utils.layer_utils',
    'convert_all_kernels_in_model': 'minikeras.utils.layer_utils',
}
_SUBMODULES = ('np_utils', 'generic_utils', 'data_utils', 'io_utils', 'conv_utils',
               'losses_utils', 'metrics_utils', 'layer_utils', 'multi_gpu_utils',
               'vis_utils', 'test_utils')

__all__ = ['Sequence', 'SequenceEnqueuer', 'OrderedEnqueuer', 'GeneratorEnqueuer',
           'get_file', 'CustomObjectScope', 'Progbar', 'custom_object_scope',
           'deserialize_keras_object', 'get_custom_objects', 'serialize_keras_object',
           'register_keras_serializable', 'normalize', 'to_categorical', 'HDF5Matrix',
           'model_to_dot', 'plot_model', 'print_summary', 'multi_gpu_model']


def __getattr__(name):
    module = _LAZY.get(name) or ('minikeras.utils.' + name if name in _SUBMODULES else None)
    if module is not None:
        try:
            found = importlib.import_module(module)
        except ModuleNotFoundError as e:
            if e.name != module:
                raise
            found = None
        if found is not None:
            return getattr(found, name) if name in _LAZY else found
    raise AttributeError('module minikeras.utils has no attribute %r' % (name,))


class _LazyUtilsModule(types.ModuleType):
    """Module ``__getattr__`` for Python 3.6, which lacks PEP 562."""

    def __getattr__(self, name):
        return __getattr__(name)


sys.modules[__name__].__class__ = _LazyUtilsModule
