"""Utilities under the names Keras 2.3.1 gives them. Importing this package imports none
of them (the backend itself imports ``minikeras.utils.nest``); each loads on first use."""
import importlib
import sys
import types

# Every name loads on first use (module ``__getattr__``), so importing this package --
# which the backend does, for ``minikeras.utils.nest`` -- imports none of the helpers
# that themselves import the backend.
_LAZY = {
    'Sequence': 'minikeras.utils.data_utils',
    'SequenceEnqueuer': 'minikeras.utils.data_utils',
    'OrderedEnqueuer': 'minikeras.utils.data_utils',
    'GeneratorEnqueuer': 'minikeras.utils.data_utils',
    'get_file': 'minikeras.utils.data_utils',
    'CustomObjectScope': 'minikeras.utils.generic_utils',
    'Progbar': 'minikeras.utils.generic_utils',
    'custom_object_scope': 'minikeras.utils.generic_utils',
    'deserialize_keras_object': 'minikeras.utils.generic_utils',
    'get_custom_objects': 'minikeras.utils.generic_utils',
    'serialize_keras_object': 'minikeras.utils.generic_utils',
    'HDF5Matrix': 'minikeras.utils.io_utils',
    'multi_gpu_model': 'minikeras.utils.multi_gpu_utils',
    'register_keras_serializable': 'minikeras.utils.object_registration',
    'normalize': 'minikeras.utils.np_utils',
    'to_categorical': 'minikeras.utils.np_utils',
    'model_to_dot': 'minikeras.utils.vis_utils',
    'plot_model': 'minikeras.utils.vis_utils',
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
            value = getattr(found, name) if name in _LAZY else found
            setattr(sys.modules[__name__], name, value)   # found once
            return value
    raise AttributeError('module minikeras.utils has no attribute %r' % (name,))


class _LazyUtilsModule(types.ModuleType):
    """Module ``__getattr__`` for Python 3.6, which lacks PEP 562."""

    def __getattr__(self, name):
        return __getattr__(name)


sys.modules[__name__].__class__ = _LazyUtilsModule
