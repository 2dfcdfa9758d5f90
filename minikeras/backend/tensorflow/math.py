"""TensorFlow adapter: element-wise math, reductions and tensor manipulation."""
import builtins

import numpy as np

from minikeras.backend import adapter
from minikeras.backend.tensorflow._tf import (
    tf, _t, _rank, _tf_dtype, _to_tensor, _pair, _axis_list, _static_shape, _normalize_format,
    _floatx)


def _float(x):
    """Integer and bool tensors as floatx (numpy gives float results for these ops)."""
    if not x.dtype.is_floating and not x.dtype.is_complex:
        return tf.cast(x, _floatx())
    return x


def _float_tensor(x):
    return _float(_t(x))


def _summable(x):
    """``x`` as a tensor; bool counts as int64 (numpy sums booleans as integers)."""
    x = _t(x)
    return tf.cast(x, tf.int64) if x.dtype == tf.bool else x


def _bool(x):
    x = _t(x)
    return x if x.dtype == tf.bool else tf.not_equal(x, tf.zeros((), x.dtype))


# Ops made from a TensorFlow function and a table of names: each gets the op's name, and
# its arguments are the contract's (the loader checks them).

def _named(name, op):
    op.__name__ = op.__qualname__ = name
    return op


def _binary(name, tf_fn):
    def op(x, y):
        x, y = _pair(x, y)
        return tf_fn(x, y)
    return _named(name, op)


def _unary(name, tf_fn, prepare):
    def op(x):
        return tf_fn(prepare(x))
    return _named(name, op)


def _reduction(name, tf_fn, prepare):
    def op(x, axis=None, keepdims=False):
        return tf_fn(prepare(x), _axis_list(axis), keepdims=keepdims)
    return _named(name, op)


def _along_axis(name, tf_fn, default_axis):
    def op(x, axis=default_axis):
        return tf_fn(_t(x), axis=int(axis))
    return _named(name, op)


# --- arithmetic ----------------------------------------------------------------------

# the ops that are TensorFlow's function of two tensors brought to one dtype
(add, subtract, multiply, divide, maximum, minimum, equal, not_equal, greater, greater_equal,
 less, less_equal) = [_binary(name, fn) for name, fn in (
    ('add', tf.add), ('subtract', tf.subtract), ('multiply', tf.multiply),
    ('divide', tf.math.truediv), ('maximum', tf.maximum), ('minimum', tf.minimum),
    ('equal', tf.equal), ('not_equal', tf.not_equal), ('greater', tf.greater),
    ('greater_equal', tf.greater_equal), ('less', tf.less), ('less_equal', tf.less_equal))]

(negative, transpose, square, abs, sign, round) = [_unary(name, fn, _t) for name, fn in (
    ('negative', tf.negative), ('transpose', tf.transpose), ('square', tf.square),
    ('abs', tf.abs), ('sign', tf.sign), ('round', tf.round))]

# integer and bool arguments give floatx results, as in NumPy
(exp, log, sqrt, sin, cos) = [_unary(name, fn, _float_tensor) for name, fn in (
    ('exp', tf.exp), ('log', tf.math.log), ('sqrt', tf.sqrt), ('sin', tf.sin),
    ('cos', tf.cos))]


def dot(x, y):
    x, y = _pair(x, y)
    xr, yr = _rank(x), _rank(y)
    if xr == 2 and yr == 2:
        return tf.matmul(x, y)
    if yr == 1 or xr == 1:
        return tf.tensordot(x, y, [[xr - 1], [0 if yr == 1 else yr - 2]])
    if yr == 2:
        return tf.tensordot(x, y, [[xr - 1], [0]])
    return tf.tensordot(x, y, [[xr - 1], [yr - 2]])


def batch_dot(x, y, axes=None):
    x, y = _pair(x, y)
    xr, yr = _rank(x), _rank(y)
    if xr < 2 or yr < 2:
        raise ValueError('batch_dot: inputs need at least 2 axes, received shapes %s and %s'
                         % (x.shape, y.shape))
    if axes is None:
        axes = (xr - 1, yr - 1 if yr == 2 else yr - 2)
    elif isinstance(axes, int):
        axes = (axes, axes)
    ax, ay = [int(a) for a in axes]
    ax = ax % xr
    ay = ay % yr
    if ax == 0 or ay == 0:
        raise ValueError('batch_dot: cannot contract the batch axis (axes=%r)' % (axes,))
    letters = 'bcdefghijklmnopqrstuvwxyz'
    xs = ['a'] + list(letters[:xr - 1])
    ys = ['a'] + list(letters[xr - 1:xr - 1 + yr - 1])
    ys[ay] = xs[ax]
    out = [c for i, c in enumerate(xs) if i != ax] + [c for i, c in enumerate(ys)
                                                      if i not in (0, ay)]
    result = tf.einsum('%s,%s->%s' % (''.join(xs), ''.join(ys), ''.join(out)), x, y)
    if len(out) == 1:
        result = tf.expand_dims(result, 1)
    return result


# --- reductions ----------------------------------------------------------------------

(sum, prod, max, min, mean, var, std, logsumexp, any, all) = [
    _reduction(name, fn, prepare) for name, fn, prepare in (
        ('sum', tf.reduce_sum, _summable), ('prod', tf.reduce_prod, _t),
        ('max', tf.reduce_max, _t), ('min', tf.reduce_min, _t),
        ('mean', tf.reduce_mean, _float_tensor),
        ('var', tf.math.reduce_variance, _float_tensor),
        ('std', tf.math.reduce_std, _float_tensor),
        ('logsumexp', tf.reduce_logsumexp, _float_tensor),
        ('any', tf.reduce_any, _bool), ('all', tf.reduce_all, _bool))]

(argmax, argmin, cumsum, cumprod) = [_along_axis(name, fn, default) for name, fn, default in (
    ('argmax', tf.argmax, -1), ('argmin', tf.argmin, -1), ('cumsum', tf.cumsum, 0),
    ('cumprod', tf.math.cumprod, 0))]


# --- element-wise --------------------------------------------------------------------

def clip(x, min_value, max_value):
    x = _t(x)
    if min_value is None and max_value is None:
        return x
    if min_value is None:
        min_value = -np.inf if x.dtype.is_floating else x.dtype.min
    if max_value is None:
        max_value = np.inf if x.dtype.is_floating else x.dtype.max
    if not (tf.is_tensor(min_value) or tf.is_tensor(max_value)) and max_value < min_value:
        max_value = min_value
    return tf.clip_by_value(x, tf.cast(min_value, x.dtype), tf.cast(max_value, x.dtype))


def pow(x, a):
    x = _t(x)
    if tf.is_tensor(a):
        return tf.pow(x, tf.cast(a, x.dtype))
    if not x.dtype.is_floating and isinstance(a, float) and not float(a).is_integer():
        x = tf.cast(x, _floatx())
    return tf.pow(x, tf.cast(a, x.dtype))


# --- shapes --------------------------------------------------------------------------

def _shape_arg(shape):
    if tf.is_tensor(shape):
        return shape
    if isinstance(shape, (list, tuple)):
        if builtins.any(tf.is_tensor(d) for d in shape):
            return tf.stack([tf.cast(d, tf.int32) if tf.is_tensor(d) else int(d)
                             for d in shape])
        if builtins.any(d is None for d in shape):
            raise ValueError('reshape: shape %r has None entries; use -1 for one unknown '
                             'dimension' % (shape,))
        return [int(d) for d in shape]
    return [int(shape)]


def reshape(x, shape):
    return tf.reshape(_t(x), _shape_arg(shape))


def concatenate(tensors, axis=-1):
    tensors = [_t(t) for t in tensors]
    if not tensors:
        raise ValueError('concatenate: received an empty list of tensors')
    axis = int(axis)
    if axis < 0:
        axis += _rank(tensors[0])
    return tf.concat(tensors, axis)


def stack(x, axis=0):
    return tf.stack([_t(t) for t in x], axis=int(axis))


def expand_dims(x, axis=-1):
    return tf.expand_dims(_t(x), int(axis))


def squeeze(x, axis):
    x = _t(x)
    length = x.shape[int(axis)] if x.shape.rank is not None else None
    if length is not None and length != 1:
        raise ValueError('squeeze: axis %d of a tensor of shape %s has length %d, expected 1'
                         % (axis, x.shape, length))
    return tf.squeeze(x, [int(axis)])


def tile(x, n):
    x = _t(x)
    if tf.is_tensor(n):
        return tf.tile(x, tf.reshape(tf.cast(n, tf.int32), [-1]))
    if isinstance(n, (int, np.integer)):
        n = [n]
    n = [int(k) for k in n]
    if len(n) != _rank(x):
        raise ValueError('tile: expected one repeat count per axis (%d), received %r'
                         % (_rank(x), tuple(n)))
    return tf.tile(x, n)


def repeat(x, n):
    x = _t(x)
    if _rank(x) != 2:
        raise ValueError('repeat: expected a 2-D tensor (batch, dim), received shape %s'
                         % (x.shape,))
    return tf.tile(tf.expand_dims(x, 1), [1, int(n), 1])


def repeat_elements(x, rep, axis):
    return tf.repeat(_t(x), int(rep), axis=int(axis))


def gather(reference, indices):
    indices = _t(indices)
    if not indices.dtype.is_integer:
        indices = tf.cast(indices, tf.int64)
    if isinstance(reference, tf.Variable):
        # Gather from the variable's value, not the variable: a sparse read puts it in
        # copy-on-read mode, so every later read and update in the step copies it (IMDB
        # LSTM: 4 ms for the embedding). The gradient is the same IndexedSlices.
        reference = reference.read_value()
    return tf.gather(reference, indices)


def one_hot(indices, num_classes):
    indices = _t(indices)
    if not indices.dtype.is_integer:
        indices = tf.cast(indices, tf.int32)
    return tf.one_hot(indices, int(num_classes), dtype=_tf_dtype(None))


def switch(condition, then_expression, else_expression):
    then_expression, else_expression = adapter.branches(then_expression, else_expression)
    then_expression, else_expression = _pair(then_expression, else_expression)
    condition = _t(condition)
    if condition.dtype != tf.bool:
        condition = tf.cast(condition, tf.bool)
    cr, tr = _rank(condition), _rank(then_expression)
    if 0 < cr < tr:
        # Keras 2: a condition of lower rank applies along the leading axes.
        condition = tf.reshape(condition, tf.concat(
            [tf.shape(condition), tf.ones([tr - cr], tf.int32)], 0))
    return tf.where(condition, then_expression, else_expression)


def permute_dimensions(x, pattern):
    return tf.transpose(_t(x), [int(p) for p in pattern])


def flatten(x):
    return tf.reshape(_t(x), [-1])


def batch_flatten(x):
    x = _t(x)
    shape = _static_shape(x)
    if shape is not None and builtins.all(d is not None for d in shape[1:]):
        return tf.reshape(x, [-1, int(np.prod(shape[1:], dtype=np.int64))])
    return tf.reshape(x, tf.stack([tf.shape(x)[0], -1]))


def reverse(x, axes):
    if isinstance(axes, int):
        axes = [axes]
    return tf.reverse(_t(x), [int(a) for a in axes])


def slice(x, start, size):
    x = _t(x)
    start, size = [int(s) for s in start], [int(s) for s in size]
    r = _rank(x)
    if len(start) != len(size) or len(start) > r:
        raise ValueError('slice: start %r and size %r must have one entry per axis of a '
                         'tensor of shape %s' % (start, size, x.shape))
    start += [0] * (r - len(start))
    size += [-1] * (r - len(size))
    return tf.slice(x, start, size)


def arange(start, stop=None, step=1, dtype='int32'):
    if stop is None:
        start, stop = 0, start
    dt = _tf_dtype(dtype)
    values = [start, stop, step]
    if builtins.all(isinstance(v, (int, np.integer)) for v in values):
        if dt.is_integer:
            return tf.range(start, stop, step, dtype=dt)
        return tf.cast(tf.range(start, stop, step, dtype=tf.int64), dt)
    if builtins.any(tf.is_tensor(v) for v in values):
        if dt.is_integer:
            return tf.range(*[tf.cast(v, dt) for v in values])
        values = [tf.cast(v, tf.float64) for v in values]
        return tf.cast(tf.range(values[0], values[1], values[2]), dt)
    # numpy.arange computed in float64, then cast (like the reference)
    return tf.constant(np.arange(start, stop, step).astype(dt.as_numpy_dtype))


def temporal_padding(x, padding=(1, 1)):
    x = _t(x)
    if _rank(x) != 3:
        raise ValueError('temporal_padding: expected a 3-D tensor, received shape %s'
                         % (x.shape,))
    return tf.pad(x, [[0, 0], [int(padding[0]), int(padding[1])], [0, 0]])


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    x = _t(x)
    data_format = _normalize_format(data_format)
    if _rank(x) != 4:
        raise ValueError('spatial_2d_padding: expected a 4-D tensor, received shape %s'
                         % (x.shape,))
    (t, b), (l, r) = [[int(p) for p in pp] for pp in padding]
    if data_format == 'channels_first':
        pattern = [[0, 0], [0, 0], [t, b], [l, r]]
    else:
        pattern = [[0, 0], [t, b], [l, r], [0, 0]]
    return tf.pad(x, pattern)


def resize_images(x, height_factor, width_factor, data_format, interpolation='nearest'):
    x = _t(x)
    data_format = _normalize_format(data_format)
    hf, wf = int(height_factor), int(width_factor)
    if interpolation == 'nearest':
        h_axis, w_axis = (2, 3) if data_format == 'channels_first' else (1, 2)
        return tf.repeat(tf.repeat(x, hf, axis=h_axis), wf, axis=w_axis)
    if interpolation != 'bilinear':
        raise ValueError('resize_images: interpolation must be \'nearest\' or \'bilinear\', '
                         'received %r' % (interpolation,))
    h_axis, w_axis = (2, 3) if data_format == 'channels_first' else (1, 2)
    return _bilinear_axis(_bilinear_axis(x, h_axis, hf), w_axis, wf)


def _bilinear_axis(x, axis, factor):
    """Linear interpolation along ``axis`` to ``factor`` times its length with half-pixel
    centres (as ``tf.image.resize(method='bilinear')``), computed in ``x``'s dtype."""
    n = x.shape[axis]
    if n is None:
        n = tf.shape(x)[axis]
    n_float = tf.cast(n, x.dtype)
    coords = (tf.cast(tf.range(n * factor), x.dtype) + 0.5) / float(factor) - 0.5
    coords = tf.clip_by_value(coords, tf.zeros((), x.dtype), n_float - 1)
    low = tf.floor(coords)
    frac = coords - low
    low = tf.cast(low, tf.int32)
    high = tf.minimum(low + 1, tf.cast(n, tf.int32) - 1)
    shape = [1] * _rank(x)
    shape[axis] = -1
    frac = tf.reshape(frac, shape)
    return tf.gather(x, low, axis=axis) * (1 - frac) + tf.gather(x, high, axis=axis) * frac
