"""Theano/PyTensor adapter: variables, tensors, shapes, gradients, engine info.

Variables are shared variables; everything else is a symbolic graph that is compiled
by ``compiled_function`` (or by ``eval`` for tensors that depend on no input).

Classic Theano types carry no static shape beyond broadcastable axes, so ops set a
``_keras_shape`` attribute (Keras 2 did the same) where the static shape is cheap to
know; ``int_shape`` reads it.
"""
import numpy as np

from minikeras.backend import adapter, state
from minikeras.backend.theano import _impl
from minikeras.backend.theano._impl import T

# --- helpers shared by the adapter's modules -------------------------------------------

def _floatx_dtype(dtype=None):
    return str(np.dtype(state.floatx() if dtype is None else dtype).name)


def _is_engine_tensor(x):
    return isinstance(x, _impl.Variable)


def _to_tensor(x, dtype=None):
    """An engine tensor from a tensor, variable, numpy array or Python number. Python
    floats become floatx (not float64), like Keras 2 on Theano."""
    if _is_engine_tensor(x):
        return x if dtype is None or x.dtype == dtype else cast(x, dtype)
    if isinstance(x, (bool, np.bool_)):
        arr = np.asarray(x, dtype='bool')
    elif isinstance(x, float):
        arr = np.asarray(x, dtype=_floatx_dtype())
    elif isinstance(x, int):
        arr = np.asarray(x, dtype='int32' if -2 ** 31 <= x < 2 ** 31 else 'int64')
    elif isinstance(x, (list, tuple)) and any(_is_engine_tensor(v) for v in x):
        return T.stack([_to_tensor(v) for v in x])
    else:
        arr = np.asarray(x)
    if dtype is not None:
        arr = arr.astype(dtype)
    out = T.constant(arr)
    out._keras_shape = arr.shape
    return out


def _binary_operands(x, y):
    """Operands for a numpy-like binary op: tensors stay, Python numbers stay Python
    numbers (so the engine's casting keeps an int tensor int), arrays become constants."""
    def conv(v):
        if _is_engine_tensor(v) or isinstance(v, (int, float)) and not isinstance(v, bool):
            return v
        return _to_tensor(v)
    x, y = conv(x), conv(y)
    if not _is_engine_tensor(x) and not _is_engine_tensor(y):
        x = _to_tensor(x)
    return x, y


def _known_shape(x):
    """Static shape of ``x`` as a tuple of int/None."""
    if not _is_engine_tensor(x):
        return tuple(np.shape(x))
    engine = None
    if isinstance(x, _impl.SharedVariable):
        engine = tuple(x.get_value(borrow=True, return_internal_type=True).shape)
    elif isinstance(x, _impl.TensorConstant):
        engine = tuple(np.shape(x.data))
    else:
        engine = _impl._static_shape(x)
    tagged = getattr(x, '_keras_shape', None)
    if tagged is None or len(tagged) != len(engine):
        return engine
    return tuple(t if t is not None else e for t, e in zip(tagged, engine))


def _tag(x, shape):
    """Record static ``shape`` on tensor ``x`` (merged with what is known) and return x."""
    if shape is None or not _is_engine_tensor(x):
        return x
    shape = tuple(None if d is None else int(d) for d in shape)
    if len(shape) != x.ndim:
        return x
    try:
        x._keras_shape = shape
    except AttributeError:
        pass
    return x


def _same_shape(out, x):
    return _tag(out, _known_shape(x) if _is_engine_tensor(x) else None)


def _broadcast_shapes(*shapes):
    n = max(len(s) for s in shapes)
    out = []
    for i in range(n):
        dims = [s[len(s) - n + i] for s in shapes if len(s) - n + i >= 0]
        known = [d for d in dims if d is not None and d != 1]
        if known:
            out.append(known[0])
        elif any(d is None for d in dims):
            out.append(None)
        else:
            out.append(1)
    return tuple(out)


def _normalize_axis(axis, nd):
    if axis is None:
        return None
    if isinstance(axis, (list, tuple)):
        return [_normalize_axis(a, nd) for a in axis]
    axis = int(axis)
    if axis < -nd or axis >= max(nd, 1):
        raise ValueError('axis %d is out of range for a tensor with %d axes' % (axis, nd))
    return axis % nd if nd else 0


# --- variables ---------------------------------------------------------------------------

def variable(value, dtype=None, name=None, constraint=None):
    if _is_engine_tensor(value) and not isinstance(value, _impl.SharedVariable):
        value = eval(value)
    elif isinstance(value, _impl.SharedVariable):
        value = value.get_value()
    array = np.array(value, dtype=_floatx_dtype(dtype))
    if name is None:
        name = 'variable_%d' % state.get_uid('theano_variable')
    v = _impl._shared_variable(array, name=name)
    v._keras_shape = array.shape
    v._minikeras_variable = True
    v.constraint = constraint
    v.trainable = True
    return v


def constant(value, dtype=None, shape=None, name=None):
    array = np.array(eval(value) if _is_engine_tensor(value) else value,
                     dtype=_floatx_dtype(dtype))
    if shape is not None:
        shape = tuple(int(d) for d in np.asarray(shape).reshape(-1)) \
            if not isinstance(shape, int) else (shape,)
        array = adapter.constant_array(array, shape)
    out = T.constant(array, name=name)
    out._keras_shape = array.shape
    return out


def is_tensor(x):
    return _is_engine_tensor(x)


def is_variable(x):
    return isinstance(x, _impl.SharedVariable) and getattr(x, '_minikeras_variable', False)


def get_value(x):
    if isinstance(x, _impl.SharedVariable):
        return np.array(x.get_value())
    if isinstance(x, _impl.TensorConstant):
        return np.array(x.data)
    if _is_engine_tensor(x):
        return eval(x)
    return np.array(x)


def set_value(x, value):
    if not isinstance(x, _impl.SharedVariable):
        raise TypeError('set_value: expected a variable made by K.variable, received %r'
                        % (x,))
    value = np.asarray(value)
    current = x.get_value(borrow=True, return_internal_type=True)
    if value.shape != current.shape:
        raise ValueError('set_value: variable %r has shape %s, received a value of shape %s'
                         % (x.name, current.shape, value.shape))
    x.set_value(value.astype(current.dtype, copy=True))


def eval(x):
    if isinstance(x, _impl.SharedVariable):
        return np.array(x.get_value())
    if isinstance(x, _impl.TensorConstant):
        return np.array(x.data)
    if not _is_engine_tensor(x):
        return np.array(x)
    from minikeras.backend.theano import compile as _compile
    fn = _compile._compile_graph([], [x], [], name='eval')
    return np.asarray(_compile._run(fn, [], 'eval')[0])


# --- shapes and dtypes -----------------------------------------------------------------

def int_shape(x):
    return _known_shape(x)


def ndim(x):
    if _is_engine_tensor(x):
        return x.ndim
    return np.ndim(x)


def dtype(x):
    if _is_engine_tensor(x):
        return str(x.dtype)
    return np.asarray(x).dtype.name


def shape(x):
    x = _to_tensor(x)
    out = T.cast(x.shape, 'int32')
    out._keras_shape = (x.ndim,)
    return out


def count_params(x):
    return int(np.prod(_known_shape(x), dtype=np.int64))


def cast(x, dtype):
    x = _to_tensor(x)
    dtype = str(np.dtype(dtype).name)
    if x.dtype == dtype:
        return x
    return _same_shape(T.cast(x, dtype), x)


def _static(shape):
    if _is_engine_tensor(shape):
        return tuple(int(d) for d in eval(shape).reshape(-1))
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d) for d in shape)


zeros, ones, eye = adapter.filled_variables(
    variable, lambda shape, op: _static(shape))


def zeros_like(x, dtype=None, name=None):
    x = _to_tensor(x)
    return _same_shape(T.zeros_like(x, dtype=dtype or x.dtype), x)


def ones_like(x, dtype=None, name=None):
    x = _to_tensor(x)
    return _same_shape(T.ones_like(x, dtype=dtype or x.dtype), x)


def identity(x, name=None):
    x = _to_tensor(x)
    return _same_shape(x.copy(), x)


# --- gradients ---------------------------------------------------------------------------

def gradients(loss, variables):
    loss = _to_tensor(loss)
    if loss.ndim != 0:
        raise ValueError('gradients: the loss must be a scalar, received a tensor with %d '
                         'axes (reduce it first, e.g. with K.mean)' % loss.ndim)
    variables = list(variables)
    for v in variables:
        if not _is_engine_tensor(v):
            raise TypeError('gradients: expected variables or tensors, received %r' % (v,))
    if not variables:
        return []
    if not str(loss.dtype).startswith('float'):
        raise ValueError('gradients: the loss must be a float tensor, received dtype %s'
                         % loss.dtype)
    grads = _impl.grad(loss, variables, disconnected_inputs='ignore',
                       return_disconnected='zero')
    return [_same_shape(g, v) for g, v in zip(grads, variables)]


def stop_gradient(variables):
    if isinstance(variables, (list, tuple)):
        return [_same_shape(_impl.zero_grad(_to_tensor(v)), v) for v in variables]
    return _same_shape(_impl.zero_grad(_to_tensor(variables)), variables)


def engine_info():
    return adapter.describe(__package__, 'theano', _impl.IMPL, _impl.VERSION,
                            **_impl._config_summary())
