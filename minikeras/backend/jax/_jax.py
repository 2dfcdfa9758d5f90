"""Import JAX for the adapter, plus the helpers its modules share.

64-bit types are switched on (``jax_enable_x64``) so float64 and int64 tensors stay what
the caller asked for; float32 work stays float32 (Python numbers are weakly typed).

Tensors are ``jax.Array``s (tracers inside a compiled function). Variables live outside
JAX's pure functions (see ``core._Variable``); reading one goes through ``_read``, which
inside a compiled function returns the value threaded into the traced step (see
``_trace``) and eagerly returns a copy of the current value.
"""
import os

import numpy as np

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')  # jaxlib's C++ logging, as TensorFlow's

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from jax import lax  # noqa: E402

jax.config.update('jax_enable_x64', True)

from minikeras.backend import state  # noqa: E402
from minikeras.backend.jax import _trace  # noqa: E402

__all__ = ['jax', 'jnp', 'lax', 'np']


def _np_dtype(dtype):
    """A numpy dtype for a dtype name (None: floatx)."""
    try:
        return np.dtype(state.floatx() if dtype is None else dtype)
    except TypeError:
        raise TypeError('expected a dtype name such as \'float32\', received %r' % (dtype,))


def _is_array(x):
    return isinstance(x, jax.Array)


def _t(x, dtype=None):
    """``x`` as a jax array: variables give their (traced) value, arrays pass through,
    numpy data and Python numbers are converted (``dtype`` if given)."""
    if isinstance(x, _trace.VARIABLE_TYPES):
        x = _trace._read(x)
    elif isinstance(x, (list, tuple)):
        if any(isinstance(v, jax.Array) or isinstance(v, _trace.VARIABLE_TYPES) for v in x):
            return jnp.stack([_t(v, dtype) for v in x])
    if isinstance(x, jax.Array):
        if dtype is not None and x.dtype != np.dtype(dtype):
            return x.astype(dtype)
        return x
    if hasattr(x, 'numpy') and not isinstance(x, np.ndarray):  # another framework's tensor
        x = x.numpy()
    array = np.asarray(x) if dtype is None else np.asarray(x, dtype=dtype)
    return jnp.asarray(array)


def _operand(x):
    """A binary op's operand: tensors as arrays, Python numbers left as they are (weakly
    typed, so ``float32_tensor * 0.5`` stays float32)."""
    if isinstance(x, (bool, int, float)):
        return x
    if isinstance(x, np.generic):
        return x.item()
    return _t(x)


def _concrete_ints(x, what):
    try:
        return [int(d) for d in np.asarray(x).reshape(-1)]
    except jax.errors.ConcretizationTypeError:
        raise ValueError('%s: JAX needs shapes known when the function is traced; received '
                         'a tensor computed from the inputs (%r)' % (what, x))


def _shape_tuple(shape, what='shape'):
    """A static shape from an int, a tuple/list of ints (or 0-d tensors) or an int
    tensor (concrete: ``K.shape`` gives concrete values even inside a traced step)."""
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    if isinstance(shape, (jax.Array, np.ndarray)):
        return tuple(_concrete_ints(shape, what))
    out = []
    for d in shape:
        if d is None:
            raise ValueError('%s: a fully known shape is needed, received %r' % (what, shape))
        out.extend(_concrete_ints(d, what) if not isinstance(d, (int, np.integer))
                   else [int(d)])
    return tuple(out)


def _is_float(x):
    return np.issubdtype(np.dtype(x.dtype), np.floating)


def _is_int(x):
    return np.issubdtype(np.dtype(x.dtype), np.integer)


def _channels_first(data_format):
    return state.normalize_data_format(data_format) == 'channels_first'
