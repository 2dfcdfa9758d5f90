"""JAX adapter: variables, tensors, shapes, gradients and engine info.

Tensors are ``jax.Array``s; variables are ``_trace._Variable`` holders (see ``_trace``
for how a compiled function threads them through ``jax.jit`` and how ``gradients``
works inside it).
"""
from minikeras.backend import adapter
from minikeras.backend import state
from minikeras.backend.jax import _trace
from minikeras.backend.jax._jax import (
    jax, jnp, np, _is_float, _np_dtype, _shape_tuple, _t)


_Variable = _trace._Variable


def _numpy(x):
    """A numpy copy of a tensor, variable or array-like."""
    if isinstance(x, _Variable):
        return np.array(x.value)
    if isinstance(x, jax.core.Tracer):
        raise RuntimeError('%r is a traced JAX value (inside a compiled function); it has no '
                           'value outside K.compiled_function' % (x,))
    return np.array(x)


def variable(value, dtype=None, name=None, constraint=None):
    if constraint is not None and not callable(constraint):
        raise TypeError('variable: constraint must be callable or None, received %r'
                        % (constraint,))
    if name is None:
        name = 'variable_%d' % state.get_uid('jax_variable')
    if isinstance(value, jax.core.Tracer):
        raise ValueError('variable: the initial value %r is traced inside a compiled function; '
                         'give a numpy array (variables are made outside compiled functions)'
                         % (value,))
    array = np.array(_numpy(value) if isinstance(value, (_Variable, jax.Array)) else value,
                     dtype=_np_dtype(dtype))
    return _trace._new_variable(jnp.array(array), name, constraint)


def constant(value, dtype=None, shape=None, name=None):
    dt = _np_dtype(dtype)
    if isinstance(value, (jax.Array, _Variable)):
        value = _t(value).astype(dt)
        return jnp.broadcast_to(value, _shape_tuple(shape)) if shape is not None else value
    array = np.array(value, dtype=dt)
    if shape is not None:
        array = adapter.constant_array(array, _shape_tuple(shape))
    return jnp.asarray(array)


def is_tensor(x):
    return isinstance(x, (jax.Array, _Variable))


def is_variable(x):
    return isinstance(x, _Variable)


def get_value(x):
    return _numpy(x)


def set_value(x, value):
    if not isinstance(x, _Variable):
        raise TypeError('set_value: expected a variable made by K.variable, received %r'
                        % (x,))
    value = np.asarray(_numpy(value) if isinstance(value, (_Variable, jax.Array)) else value)
    if value.shape != x.shape:
        raise ValueError('set_value: variable %r has shape %s, received a value of shape %s'
                         % (x.name, x.shape, value.shape))
    x.value = jnp.array(value.astype(x.dtype))


def eval(x):
    return _numpy(x)


def int_shape(x):
    if isinstance(x, (jax.Array, _Variable)):
        return tuple(int(d) for d in x.shape)
    return tuple(int(d) for d in np.shape(x))


def ndim(x):
    return len(int_shape(x))


def dtype(x):
    if isinstance(x, (jax.Array, _Variable)):
        return np.dtype(x.dtype).name
    return np.asarray(x).dtype.name


def shape(x):
    # concrete even inside a traced step: JAX shapes are static per trace
    return jnp.asarray(np.array(int_shape(x), dtype='int32'))


def count_params(x):
    return int(np.prod(int_shape(x), dtype=np.int64))


def cast(x, dtype):
    return _t(x).astype(_np_dtype(dtype))


zeros, ones, eye = adapter.filled_variables(variable, _shape_tuple)


def zeros_like(x, dtype=None, name=None):
    x = _t(x)
    return jnp.zeros(x.shape, dtype=x.dtype if dtype is None else _np_dtype(dtype))


def ones_like(x, dtype=None, name=None):
    x = _t(x)
    return jnp.ones(x.shape, dtype=x.dtype if dtype is None else _np_dtype(dtype))


def identity(x, name=None):
    return jnp.array(_t(x), copy=True)


def _scalar_loss(loss):
    loss = _t(loss)
    if not _is_float(loss):
        raise TypeError('gradients: the loss must be a float tensor, received dtype %s'
                        % np.dtype(loss.dtype).name)
    return jnp.sum(loss) if loss.ndim else loss


def gradients(loss, variables):
    if _trace._current() is None:
        raise RuntimeError('gradients: JAX gradients are computed inside a traced function '
                           '(K.compiled_function or K.function); received a loss outside '
                           'any traced function')
    if not isinstance(loss, (jax.Array, _Variable)):
        raise TypeError('gradients: expected the loss as a JAX tensor computed inside a '
                        'compiled function, received %r' % (loss,))
    variables = list(variables)
    targets, index = [], {}
    for v in variables:
        if not isinstance(v, (jax.Array, _Variable)):
            raise TypeError('gradients: expected JAX tensors or variables to differentiate '
                            'with respect to, received %r' % (v,))
        if not np.issubdtype(np.dtype(v.dtype), np.floating):
            raise ValueError('gradients: cannot differentiate with respect to %r of dtype %s '
                             '(only float tensors)' % (getattr(v, 'name', v),
                                                       np.dtype(v.dtype).name))
        if id(v) not in index:
            index[id(v)] = len(targets)
            targets.append(v)
    grads = _trace._differentiate(loss, targets, _scalar_loss)
    return [grads[index[id(v)]] for v in variables]


def stop_gradient(variables):
    if isinstance(variables, (list, tuple)):
        return [_stop(v) for v in variables]
    return _stop(variables)


def _stop(x):
    return jax.lax.stop_gradient(_t(x))


def engine_info():
    import jaxlib
    return adapter.describe(__package__, 'jax', 'jax', jax.__version__,
                            jaxlib=jaxlib.__version__, platform=jax.default_backend())
