"""NumPy reference: element-wise math, reductions and tensor manipulation."""
import numpy as np

from minikeras.backend import adapter, numpy_like, state
from minikeras.backend.numpy_like import axis_arg as _axis
from minikeras.backend.numpy.core import _as_array, _shape_tuple, _value_of


def _is_float(array):
    return np.issubdtype(array.dtype, np.floating)


def _keep_integer_dtype(array):
    """The dtype of a sum/product: integers stay in their own width (numpy would widen
    int32 to int64); bool counts as int like numpy."""
    if np.issubdtype(array.dtype, np.integer):
        return array.dtype
    return None


def _binary(fn, x, y):
    return np.asarray(fn(_value_of(x), _value_of(y)))


# --- arithmetic ---------------------------------------------------------------------

# the ops that are NumPy's function of two arrays
(add, subtract, multiply, divide, maximum, minimum, pow, equal, not_equal, greater,
 greater_equal, less, less_equal) = numpy_like.binary_ops(np, _binary)

(negative, transpose, exp, log, sqrt, square, abs, sign, round, sin,
 cos) = numpy_like.unary_ops(np, _as_array)


def dot(x, y):
    x, y = _as_array(x), _as_array(y)
    if y.ndim < 2:
        return np.asarray(np.dot(x, y))
    return np.tensordot(x, y, axes=[[-1], [-2]])


def batch_dot(x, y, axes=None):
    x, y = _as_array(x), _as_array(y)
    ax_x, ax_y = numpy_like.batch_dot_axes(x, y, axes)
    # One tensordot per sample: x's remaining axes, then y's remaining axes.
    rows = [np.tensordot(x[b], y[b], axes=(ax_x - 1, ax_y - 1)) for b in range(x.shape[0])]
    result = np.stack(rows, axis=0)
    if result.ndim == 1:
        result = result[:, None]
    return result


# --- reductions ---------------------------------------------------------------------

def sum(x, axis=None, keepdims=False):
    x = _as_array(x)
    return np.asarray(np.sum(x, axis=_axis(axis), keepdims=keepdims,
                             dtype=_keep_integer_dtype(x)))


def prod(x, axis=None, keepdims=False):
    x = _as_array(x)
    return np.asarray(np.prod(x, axis=_axis(axis), keepdims=keepdims,
                              dtype=_keep_integer_dtype(x)))


def _as_float(x):
    x = _as_array(x)
    return x if _is_float(x) else x.astype(state.floatx())


def mean(x, axis=None, keepdims=False):
    return np.asarray(np.mean(_as_float(x), axis=_axis(axis), keepdims=keepdims))


def var(x, axis=None, keepdims=False):
    return np.asarray(np.var(_as_float(x), axis=_axis(axis), keepdims=keepdims))


def std(x, axis=None, keepdims=False):
    return np.asarray(np.std(_as_float(x), axis=_axis(axis), keepdims=keepdims))


def max(x, axis=None, keepdims=False):
    return np.asarray(np.max(_as_array(x), axis=_axis(axis), keepdims=keepdims))


def min(x, axis=None, keepdims=False):
    return np.asarray(np.min(_as_array(x), axis=_axis(axis), keepdims=keepdims))


def argmax(x, axis=-1):
    return np.asarray(np.argmax(_as_array(x), axis=int(axis)))


def argmin(x, axis=-1):
    return np.asarray(np.argmin(_as_array(x), axis=int(axis)))


def any(x, axis=None, keepdims=False):
    return np.asarray(np.any(_as_array(x), axis=_axis(axis), keepdims=keepdims))


def all(x, axis=None, keepdims=False):
    return np.asarray(np.all(_as_array(x), axis=_axis(axis), keepdims=keepdims))


def cumsum(x, axis=0):
    x = _as_array(x)
    return np.cumsum(x, axis=int(axis), dtype=_keep_integer_dtype(x))


def cumprod(x, axis=0):
    x = _as_array(x)
    return np.cumprod(x, axis=int(axis), dtype=_keep_integer_dtype(x))


def logsumexp(x, axis=None, keepdims=False):
    x = _as_float(x)
    axis = _axis(axis)
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0).astype(x.dtype)
    result = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    if not keepdims:
        result = np.squeeze(result, axis=axis)
    return np.asarray(result)


# --- element-wise -------------------------------------------------------------------

def clip(x, min_value, max_value):
    x = _as_array(x)
    if min_value is None:
        min_value = -np.inf
    if max_value is None:
        max_value = np.inf
    if max_value < min_value:  # Keras 2: an empty range collapses onto min_value
        max_value = min_value
    return np.clip(x, min_value, max_value).astype(x.dtype)


# --- shapes -------------------------------------------------------------------------

def reshape(x, shape):
    return np.reshape(_as_array(x), _shape_tuple(shape))


concatenate, stack, tile = numpy_like.joining_ops(
    np, _as_array, lambda tensors: [_as_array(t) for t in tensors], _shape_tuple)
expand_dims, squeeze, repeat, repeat_elements, gather = numpy_like.indexing_ops(
    np, _as_array)


def one_hot(indices, num_classes):
    indices = _as_array(indices).astype('int64')
    classes = np.arange(int(num_classes))
    return (indices[..., None] == classes).astype(state.floatx())


def switch(condition, then_expression, else_expression):
    then_expression, else_expression = adapter.branches(then_expression, else_expression)
    condition = _as_array(condition).astype(bool)
    then_expression, else_expression = _as_array(then_expression), _as_array(else_expression)
    return numpy_like.where_broadcast(np, condition, then_expression, else_expression)


permute_dimensions, flatten, batch_flatten, reverse, slice = numpy_like.layout_ops(
    np, _as_array, _shape_tuple)


def arange(start, stop=None, step=1, dtype='int32'):
    return numpy_like.arange_values(start, stop, step, dtype)


def temporal_padding(x, padding=(1, 1)):
    x = _as_array(x)
    return np.pad(x, numpy_like.temporal_pads(x, padding), mode='constant')


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    x = _as_array(x)
    return np.pad(x, numpy_like.spatial_2d_pads(x, padding, data_format), mode='constant')


def resize_images(x, height_factor, width_factor, data_format, interpolation='nearest'):
    return numpy_like.resize_images(np, _as_array(x), height_factor, width_factor, data_format,
                                    interpolation)