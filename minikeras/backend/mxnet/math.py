"""MXNet adapter: element-wise math, reductions and tensor manipulation (``mx.np``).

Binary ops promote dtypes the way numpy does (MXNet alone would keep an int array int
when multiplied by 0.5, or sum booleans as floats).
"""
import numpy as onp

import mxnet as mx
from mxnet import np as mnp
from mxnet import npx

from minikeras.backend import numpy_like, state
from minikeras.backend.numpy_like import axis_arg as _axis
from minikeras.backend.mxnet import core
from minikeras.backend.mxnet.core import NDArray, _shape_tuple, _t


def _is_float(x):
    return onp.issubdtype(onp.dtype(x.dtype), onp.floating)


def _is_int(x):
    return onp.issubdtype(onp.dtype(x.dtype), onp.integer)


# --- numpy-style dtype promotion for binary ops ---------------------------------------

_promotions = {}


def _probe(kind):
    if isinstance(kind, onp.dtype):
        return onp.ones(1, dtype=kind)
    return kind(1)


def _common_dtype(kind_x, kind_y, divide=False):
    key = (kind_x, kind_y, divide)
    found = _promotions.get(key)
    if found is None:
        a, b = _probe(kind_x), _probe(kind_y)
        if divide:
            found = onp.true_divide(a, b).dtype
        else:
            found = onp.result_type(a, b)
        _promotions[key] = found
    return found


def _operand(x):
    """A tensor, or a Python scalar left as is (MXNet has fast scalar ops)."""
    if isinstance(x, NDArray):
        return _t(x)
    if isinstance(x, onp.generic):
        return x.item()
    if isinstance(x, (bool, int, float)):
        return x
    return _t(x)


def _kind(x):
    return onp.dtype(x.dtype) if isinstance(x, NDArray) else type(x)


def _promote(x, y, divide=False):
    x, y = _operand(x), _operand(y)
    if not isinstance(x, NDArray) and not isinstance(y, NDArray):
        x = _t(onp.asarray(x))
    common = _common_dtype(_kind(x), _kind(y), divide)
    if isinstance(x, NDArray) and x.dtype != common:
        x = x.astype(common.name)
    if isinstance(y, NDArray) and y.dtype != common:
        y = y.astype(common.name)
    return x, y


def _binary(fn, x, y):
    x, y = _promote(x, y, divide=fn is mnp.true_divide)
    return fn(x, y)


(add, subtract, multiply, divide, maximum, minimum, pow, equal, not_equal, greater,
 greater_equal, less, less_equal) = numpy_like.binary_ops(mnp, _binary)


def _logical_and(x, y):
    """Element-wise and of two bool tensors (MXNet 1.9 has no _logical_and)."""
    return mnp.minimum(_t(x).astype('int8'), _t(y).astype('int8')) > 0


# --- products -----------------------------------------------------------------------

def dot(x, y):
    x, y = _promote(_t(x), _t(y))
    if y.ndim == 2 and x.ndim >= 2 and x.size and y.size and x.dtype == onp.float32 and \
            x.size // x.shape[-1] >= 32:
        # oneDNN's inner product (MXNet's FullyConnected: x times the transposed
        # weight): 2.5x faster, forward and backward, than mx.np's dot (a plain BLAS
        # call) for a 128 x 784 x 512 Dense. The kernel is transposed by oneDNN's reorder
        # (MXNet's legacy transpose), except a tall, narrow one, which that reorder moves
        # 9x slower than mx.np's transpose (9216 x 128: 8.9 ms against 1.0). Fewer than 32
        # rows: mx.np's dot, faster than the kernel's transpose alone (1 x 784 x 512:
        # 0.14 ms against 0.83 ms; level at ~24 rows)
        if y.shape[0] >= 8 * y.shape[1]:
            kernel = mnp.transpose(y)
        else:
            kernel = mx.nd.transpose(y.as_nd_ndarray()).as_np_ndarray()
        units = int(y.shape[1])
        result = npx.fully_connected(x, kernel, num_hidden=units, no_bias=True,
                                     flatten=False)
        if core._traces:   # a bias_add of the result may fold into the inner product
            core._foldable(result, result.ndim - 1, lambda bias: npx.fully_connected(
                x, kernel, bias, num_hidden=units, no_bias=False, flatten=False))
        return result
    if y.ndim < 2 or x.ndim < 2 or y.ndim == 2:
        return mnp.dot(x, y)
    return mnp.tensordot(x, y, axes=([x.ndim - 1], [y.ndim - 2]))


def batch_dot(x, y, axes=None):
    x, y = _promote(_t(x), _t(y))
    ax_x, ax_y = numpy_like.batch_dot_axes(x, y, axes)
    batch, n = x.shape[0], x.shape[ax_x]
    x = mnp.moveaxis(x, ax_x, -1)
    y = mnp.moveaxis(y, ax_y, 1)
    x_rest, y_rest = tuple(x.shape[1:-1]), tuple(y.shape[2:])
    px = int(onp.prod(x_rest, dtype=onp.int64))
    py = int(onp.prod(y_rest, dtype=onp.int64))
    result = mnp.matmul(mnp.reshape(x, (batch, px, n)), mnp.reshape(y, (batch, n, py)))
    result = mnp.reshape(result, (batch,) + x_rest + y_rest)
    if result.ndim == 1:
        result = mnp.expand_dims(result, 1)
    return result


# --- reductions ---------------------------------------------------------------------

def _integer_kept(x):
    """Sums and products keep an integer dtype; bool counts as int64 (numpy)."""
    if x.dtype == onp.bool_:
        return x.astype('int64'), 'int64'
    if _is_int(x):
        return x, onp.dtype(x.dtype).name
    return x, None


sum, prod, cumsum, mean, _as_float = numpy_like.reduction_ops(
    mnp, _t, _integer_kept, _is_float)


def var(x, axis=None, keepdims=False):
    x = _as_float(x)
    axis = _axis(axis)
    centered = x - mnp.mean(x, axis=axis, keepdims=True)
    return mnp.mean(mnp.square(centered), axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return mnp.sqrt(var(x, axis, keepdims))


max, min, argmax, argmin = numpy_like.extreme_ops(mnp, _t)


def any(x, axis=None, keepdims=False):
    nonzero = (_t(x) != 0).astype('int32')
    return mnp.max(nonzero, axis=_axis(axis), keepdims=keepdims) > 0


def all(x, axis=None, keepdims=False):
    nonzero = (_t(x) != 0).astype('int32')
    return mnp.min(nonzero, axis=_axis(axis), keepdims=keepdims) > 0


def cumprod(x, axis=0):
    x, _ = _integer_kept(_t(x))
    axis = int(axis) % x.ndim
    moved = mnp.moveaxis(x, axis, 0)
    running, rows = None, []
    for i in range(moved.shape[0]):
        running = moved[i] if running is None else running * moved[i]
        rows.append(running)
    return mnp.moveaxis(mnp.stack(rows, axis=0), 0, axis)


def logsumexp(x, axis=None, keepdims=False):
    x = _as_float(x)
    axis = _axis(axis)
    m = mnp.max(x, axis=axis, keepdims=True).detach()
    m = mnp.where(mnp.isfinite(m), m, mnp.zeros_like(m))
    result = mnp.log(mnp.sum(mnp.exp(x - m), axis=axis, keepdims=True)) + m
    if not keepdims:
        if axis is None:
            result = mnp.reshape(result, ())
        else:
            result = mnp.squeeze(result, axis=axis)
    return result


# --- element-wise -------------------------------------------------------------------

(negative, transpose, exp, log, sqrt, square, abs, sign, round, sin,
 cos) = numpy_like.unary_ops(mnp, _t)


clip = numpy_like.clip_op(mnp, _t, unclipped=lambda x: x.copy(), cast=False)


# --- shapes -------------------------------------------------------------------------

def reshape(x, shape):
    return mnp.reshape(_t(x), _shape_tuple(shape))


def _same_dtype(tensors):
    tensors = [_t(t) for t in tensors]
    common = onp.result_type(*[onp.dtype(t.dtype) for t in tensors])
    return [t if t.dtype == common else t.astype(common.name) for t in tensors]


concatenate, stack, tile = numpy_like.joining_ops(mnp, _t, _same_dtype, _shape_tuple)
expand_dims, squeeze, repeat, repeat_elements, gather = numpy_like.indexing_ops(mnp, _t)


def one_hot(indices, num_classes):
    indices = _t(indices)
    return npx.one_hot(indices.astype('int64'), int(num_classes), dtype=state.floatx())


switch = numpy_like.switch_op(mnp, _t, _same_dtype)


permute_dimensions, flatten, batch_flatten, reverse, slice = numpy_like.layout_ops(
    mnp, _t, _shape_tuple)


def arange(start, stop=None, step=1, dtype='int32'):
    values = numpy_like.arange_values(start, stop, step, dtype)
    return mnp.array(values, dtype=values.dtype)


temporal_padding, spatial_2d_padding, resize_images = numpy_like.padding_ops(mnp, _t)
