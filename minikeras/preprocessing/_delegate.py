"""Keras 2.3.1 delegated preprocessing to the pure-Python ``keras_preprocessing`` package
(1.1.2); so do we. These helpers give its functions Keras's defaults (``data_format`` and
``dtype`` from the backend) and make its batch iterators ``minikeras.utils.Sequence``s."""
import functools
import inspect
import types

from minikeras.utils.optional import require


def kp(submodule, extra):
    """``keras_preprocessing.<submodule>``, or an ImportError with the install hint."""
    return require('keras_preprocessing.' + submodule, 'keras_preprocessing', extra,
                   'minikeras.preprocessing.' + submodule.split('.')[0])


def with_backend_defaults(func):
    """``func`` with ``data_format=None`` and ``dtype=None`` (where it has them) replaced
    by the backend's ``image_data_format()`` and ``floatx()``, as Keras 2.3.1 does."""
    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        import minikeras.backend as K
        bound = signature.bind(*args, **kwargs)
        if 'data_format' in signature.parameters and \
                bound.arguments.get('data_format') is None:
            bound.arguments['data_format'] = K.image_data_format()
        if 'dtype' in signature.parameters and bound.arguments.get('dtype') is None:
            bound.arguments['dtype'] = K.floatx()
        return func(*bound.args, **bound.kwargs)
    return wrapper


def rebind(func, **names):
    """A copy of ``func`` whose global names ``names`` refer to other objects: used so
    ``keras_preprocessing``'s own ``flow*`` methods build our Sequence iterators, with its
    exact arguments and behaviour, without modifying the shared package."""
    scope = dict(func.__globals__)
    scope.update(names)
    copy = types.FunctionType(func.__code__, scope, func.__name__, func.__defaults__,
                              func.__closure__)
    copy.__kwdefaults__ = func.__kwdefaults__
    return functools.wraps(func)(copy)
