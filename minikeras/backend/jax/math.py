"""JAX adapter: element-wise math, reductions and tensor manipulation (``jax.numpy``).

Integer sums and products keep their width and means of integers are floatx, as in the
NumPy reference; everything else is ``jax.numpy``'s own (numpy's) behaviour.
"""
from minikeras.backend import numpy_like, state
from minikeras.backend.numpy_like import axis_arg as _axis
from minikeras.backend.jax import _trace
from minikeras.backend.jax._jax import (
    jax, jnp, lax, np, _is_float, _is_int, _operand, _shape_tuple, _t)



def _binary(fn, x, y):
    x, y = _operand(x), _operand(y)
    if not isinstance(x, jax.Array) and not isinstance(y, jax.Array):
        x = jnp.asarray(np.asarray(x))
    return fn(x, y)


(add, subtract, multiply, divide, maximum, minimum, pow, equal, not_equal, greater,
 greater_equal, less, less_equal) = numpy_like.binary_ops(jnp, _binary)


# --- products -----------------------------------------------------------------------

def _same_dtype(tensors):
    tensors = [_t(t) for t in tensors]
    common = jnp.result_type(*tensors)
    return [t if t.dtype == common else t.astype(common) for t in tensors]


def dot(x, y):
    x, y = _same_dtype([x, y])
    if y.ndim < 2 or x.ndim < 2 or y.ndim == 2:
        out = jnp.dot(x, y)
        _trace._note_projection(out, x, y)
        return out
    return jnp.tensordot(x, y, axes=([x.ndim - 1], [y.ndim - 2]))


def batch_dot(x, y, axes=None):
    x, y = _same_dtype([x, y])
    ax_x, ax_y = numpy_like.batch_dot_axes(x, y, axes)
    result = lax.dot_general(x, y, (((ax_x,), (ax_y,)), ((0,), (0,))))
    if result.ndim == 1:
        result = jnp.expand_dims(result, 1)
    return result


# --- reductions ---------------------------------------------------------------------

def _integer_kept(x):
    """Sums and products keep an integer dtype; bool counts as int64 (numpy)."""
    if x.dtype == np.bool_:
        return x, np.dtype('int64')
    if _is_int(x):
        return x, x.dtype
    return x, None


sum, prod, cumsum, mean, _as_float = numpy_like.reduction_ops(
    jnp, _t, _integer_kept, _is_float)


def var(x, axis=None, keepdims=False):
    return jnp.var(_as_float(x), axis=_axis(axis), keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return jnp.std(_as_float(x), axis=_axis(axis), keepdims=keepdims)


max, min, argmax, argmin = numpy_like.extreme_ops(jnp, _t)


def any(x, axis=None, keepdims=False):
    return jnp.any(_t(x), axis=_axis(axis), keepdims=keepdims)


def all(x, axis=None, keepdims=False):
    return jnp.all(_t(x), axis=_axis(axis), keepdims=keepdims)


def cumprod(x, axis=0):
    x, dt = _integer_kept(_t(x))
    return jnp.cumprod(x, axis=int(axis), dtype=dt)


def logsumexp(x, axis=None, keepdims=False):
    return jax.nn.logsumexp(_as_float(x), axis=_axis(axis), keepdims=keepdims)


# --- element-wise -------------------------------------------------------------------

(negative, transpose, exp, log, sqrt, square, abs, sign, round, sin,
 cos) = numpy_like.unary_ops(jnp, _t)


clip = numpy_like.clip_op(jnp, _t, unclipped=lambda x: x, cast=True)


# --- shapes -------------------------------------------------------------------------

def reshape(x, shape):
    return jnp.reshape(_t(x), _shape_tuple(shape, 'reshape'))


concatenate, stack, tile = numpy_like.joining_ops(
    jnp, _t, _same_dtype, lambda n: _shape_tuple(n, 'tile'))
expand_dims, squeeze, repeat, repeat_elements, gather = numpy_like.indexing_ops(jnp, _t)


def one_hot(indices, num_classes):
    indices = _t(indices).astype('int64')
    return jax.nn.one_hot(indices, int(num_classes), dtype=state.floatx())


switch = numpy_like.switch_op(jnp, _t, _same_dtype)


def _slice_shape(shape):
    return _shape_tuple(shape, 'slice')


permute_dimensions, flatten, batch_flatten, reverse, slice = numpy_like.layout_ops(
    jnp, _t, _slice_shape)


def arange(start, stop=None, step=1, dtype='int32'):
    return jnp.asarray(numpy_like.arange_values(start, stop, step, dtype))


temporal_padding, spatial_2d_padding, resize_images = numpy_like.padding_ops(jnp, _t)
