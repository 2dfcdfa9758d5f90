"""Theano/PyTensor adapter: element-wise math, reductions and tensor manipulation."""
import builtins

import numpy as np

from minikeras.backend import adapter
from minikeras.backend.theano import _impl
from minikeras.backend.theano._impl import T
from minikeras.backend.theano.rows import _take_rows
from minikeras.backend.theano.core import (
    _binary_operands, _broadcast_shapes, _floatx_dtype, _is_engine_tensor, _known_shape,
    _normalize_axis, _same_shape, _tag, _to_tensor)


def _shape_of(v):
    return _known_shape(v) if _is_engine_tensor(v) else np.shape(v)


def _binary(op):
    def fn(x, y):
        a, b = _binary_operands(x, y)
        out = op(a, b)
        return _tag(out, _broadcast_shapes(_shape_of(x), _shape_of(y)))
    return fn


add = _binary(lambda a, b: a + b)
subtract = _binary(lambda a, b: a - b)
multiply = _binary(lambda a, b: a * b)
maximum = _binary(lambda a, b: T.maximum(a, b))
minimum = _binary(lambda a, b: T.minimum(a, b))
equal = _binary(lambda a, b: T.eq(a, b))
not_equal = _binary(lambda a, b: T.neq(a, b))
greater = _binary(lambda a, b: T.gt(a, b))
greater_equal = _binary(lambda a, b: T.ge(a, b))
less = _binary(lambda a, b: T.lt(a, b))
less_equal = _binary(lambda a, b: T.le(a, b))


def _true_div(a, b):
    out = T.true_div(a, b)
    return out


divide = _binary(_true_div)
for _f, _n in [(add, 'add'), (subtract, 'subtract'), (multiply, 'multiply'),
               (maximum, 'maximum'), (minimum, 'minimum'), (equal, 'equal'),
               (not_equal, 'not_equal'), (greater, 'greater'),
               (greater_equal, 'greater_equal'), (less, 'less'),
               (less_equal, 'less_equal'), (divide, 'divide')]:
    _f.__name__ = _n
del _f, _n


def _unary(op, name):
    def fn(x):
        x = _to_tensor(x)
        return _same_shape(op(x), x)
    fn.__name__ = name
    return fn


negative = _unary(lambda x: -x, 'negative')
exp = _unary(T.exp, 'exp')
log = _unary(T.log, 'log')
sqrt = _unary(T.sqrt, 'sqrt')
square = _unary(T.sqr, 'square')
abs = _unary(_impl._abs, 'abs')
sign = _unary(_impl._sign, 'sign')
sin = _unary(T.sin, 'sin')
cos = _unary(T.cos, 'cos')


def round(x):
    x = _to_tensor(x)
    return _same_shape(T.round(x, mode='half_to_even'), x)


def pow(x, a):
    x = _to_tensor(x)
    return _same_shape(x ** a, x)


def clip(x, min_value, max_value):
    x = _to_tensor(x)
    if max_value is not None and min_value is not None and max_value < min_value:
        max_value = min_value
    if min_value is None:
        min_value = -np.inf
    if max_value is None:
        max_value = np.inf
    return _same_shape(T.clip(x, min_value, max_value), x)


# --- products ----------------------------------------------------------------------------

def dot(x, y):
    x, y = _to_tensor(x), _to_tensor(y)
    xs, ys = _known_shape(x), _known_shape(y)
    if x.ndim <= 2 and y.ndim <= 2:
        out = T.dot(x, y)
    elif y.ndim >= 2:
        out = T.tensordot(x, y, axes=[[x.ndim - 1], [y.ndim - 2]])
    else:
        out = T.tensordot(x, y, axes=[[x.ndim - 1], [0]])
    if y.ndim >= 2:
        shape = xs[:-1] + ys[:-2] + ys[-1:]
    else:
        shape = xs[:-1]
    return _tag(out, shape)


def batch_dot(x, y, axes=None):
    x, y = _to_tensor(x), _to_tensor(y)
    if isinstance(axes, int):
        axes = (axes, axes)
    if axes is None:
        if y.ndim == 2:
            axes = [x.ndim - 1, y.ndim - 1]
        else:
            axes = [x.ndim - 1, y.ndim - 2]
    axes = [int(a) % n for a, n in zip(axes, (x.ndim, y.ndim))]
    if 0 in axes:
        raise ValueError('batch_dot: cannot contract over the batch axis 0 (axes %s)' % axes)
    out = _impl._batched_tensordot(x, y, axes)
    xs, ys = _known_shape(x), _known_shape(y)
    shape = (xs[0],) + tuple(d for i, d in enumerate(xs) if i not in (0, axes[0])) + \
        tuple(d for i, d in enumerate(ys) if i not in (0, axes[1]))
    if out.ndim == 1:
        out = out.dimshuffle(0, 'x')
        shape = shape + (1,)
    return _tag(out, shape)


def transpose(x):
    x = _to_tensor(x)
    return _tag(x.T, _known_shape(x)[::-1])


# --- reductions ----------------------------------------------------------------------------

def _axes(axis, nd):
    axis = _normalize_axis(axis, nd)
    if isinstance(axis, list):
        return tuple(sorted(set(axis)))
    return axis


def _reduced_shape(shape, axis, keepdims):
    nd = len(shape)
    if axis is None:
        axes = set(range(nd))
    elif isinstance(axis, tuple):
        axes = set(axis)
    else:
        axes = {axis}
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def _reduction(op, name):
    def fn(x, axis=None, keepdims=False):
        x = _to_tensor(x)
        ax = _axes(axis, x.ndim)
        out = op(x, ax, keepdims)
        return _tag(out, _reduced_shape(_known_shape(x), ax, keepdims))
    fn.__name__ = name
    return fn


def _mean(x, axis, keepdims):
    if not str(x.dtype).startswith('float'):
        x = T.cast(x, 'float64')
    return T.mean(x, axis=axis, keepdims=keepdims)


def _var(x, axis, keepdims):
    if not str(x.dtype).startswith('float'):
        x = T.cast(x, 'float64')
    m = T.mean(x, axis=axis, keepdims=True)
    return T.mean(T.sqr(x - m), axis=axis, keepdims=keepdims)


def _max(x, axis, keepdims):
    if x.dtype == 'bool':
        return T.any(x, axis=axis, keepdims=keepdims)
    return T.max(x, axis=axis, keepdims=keepdims)


def _min(x, axis, keepdims):
    if x.dtype == 'bool':
        return T.all(x, axis=axis, keepdims=keepdims)
    return T.min(x, axis=axis, keepdims=keepdims)


def _bool(x):
    return x if x.dtype == 'bool' else T.neq(x, 0)


sum = _reduction(lambda x, a, k: T.sum(x, axis=a, keepdims=k), 'sum')
prod = _reduction(lambda x, a, k: T.prod(x, axis=a, keepdims=k), 'prod')
mean = _reduction(_mean, 'mean')
var = _reduction(_var, 'var')
std = _reduction(lambda x, a, k: T.sqrt(_var(x, a, k)), 'std')
max = _reduction(_max, 'max')
min = _reduction(_min, 'min')
any = _reduction(lambda x, a, k: T.any(_bool(x), axis=a, keepdims=k), 'any')
all = _reduction(lambda x, a, k: T.all(_bool(x), axis=a, keepdims=k), 'all')


def logsumexp(x, axis=None, keepdims=False):
    x = _to_tensor(x)
    ax = _axes(axis, x.ndim)
    m = T.max(x, axis=ax, keepdims=True)
    m = _impl.zero_grad(T.switch(T.isinf(m), 0, m))
    out = T.log(T.sum(T.exp(x - m), axis=ax, keepdims=True)) + m
    if not keepdims:
        out = T.sum(out, axis=ax, keepdims=False) if ax is not None else out.reshape(())
    return _tag(out, _reduced_shape(_known_shape(x), ax, keepdims))


def argmax(x, axis=-1):
    x = _to_tensor(x)
    ax = _normalize_axis(axis, x.ndim)
    return _tag(T.argmax(x, axis=ax), _reduced_shape(_known_shape(x), ax, False))


def argmin(x, axis=-1):
    x = _to_tensor(x)
    ax = _normalize_axis(axis, x.ndim)
    return _tag(T.argmin(x, axis=ax), _reduced_shape(_known_shape(x), ax, False))


def cumsum(x, axis=0):
    x = _to_tensor(x)
    return _same_shape(_impl._cumsum(x, _normalize_axis(axis, x.ndim)), x)


def cumprod(x, axis=0):
    x = _to_tensor(x)
    return _same_shape(_impl._cumprod(x, _normalize_axis(axis, x.ndim)), x)


# --- shapes --------------------------------------------------------------------------------

def _resolved_reshape(in_shape, target):
    """Static result shape of a reshape to ints ``target`` (one may be -1)."""
    target = list(target)
    if -1 in target:
        known = [d for d in target if d != -1]
        if builtins.all(d is not None for d in in_shape):
            total = int(np.prod(in_shape, dtype=np.int64))
            rest = int(np.prod(known, dtype=np.int64)) if known else 1
            target[target.index(-1)] = total // rest if rest else 0
        else:
            target[target.index(-1)] = None
    return tuple(target)


def reshape(x, shape):
    x = _to_tensor(x)
    if _is_engine_tensor(shape):
        n = _known_shape(shape)[0] if shape.ndim == 1 else None
        if n is None:
            raise ValueError('reshape: a symbolic target shape needs a static length')
        return T.reshape(x, shape, ndim=n)
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    shape = tuple(shape)
    if builtins.all(isinstance(d, (int, np.integer)) for d in shape):
        shape = tuple(int(d) for d in shape)
        if shape.count(-1) > 1:
            raise ValueError('reshape: at most one dimension may be -1, received %s'
                             % (shape,))
        out = T.reshape(x, shape, ndim=len(shape))
        return _tag(out, _resolved_reshape(_known_shape(x), shape))
    parts = [_to_tensor(d, 'int64') if not _is_engine_tensor(d) else T.cast(d, 'int64')
             for d in shape]
    return T.reshape(x, T.stack(parts), ndim=len(shape))


def concatenate(tensors, axis=-1):
    tensors = [_to_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError('concatenate: received an empty list of tensors')
    nd = tensors[0].ndim
    ax = _normalize_axis(axis, nd)
    dtypes = set(t.dtype for t in tensors)
    if len(dtypes) > 1:
        common = np.result_type(*[np.dtype(d) for d in dtypes]).name
        tensors = [T.cast(t, common) if t.dtype != common else t for t in tensors]
    out = T.concatenate(tensors, axis=ax)
    shapes = [_known_shape(t) for t in tensors]
    shape = list(shapes[0])
    sizes = [s[ax] for s in shapes]
    shape[ax] = None if builtins.any(d is None for d in sizes) else builtins.sum(sizes)
    for i in range(nd):
        if i != ax and shape[i] is None:
            for s in shapes:
                if s[i] is not None:
                    shape[i] = s[i]
    return _tag(out, shape)


def stack(x, axis=0):
    tensors = [_to_tensor(t) for t in x]
    nd = tensors[0].ndim + 1
    ax = _normalize_axis(axis, nd)
    out = T.stack(tensors, axis=ax)
    shape = list(_known_shape(tensors[0]))
    shape.insert(ax, len(tensors))
    return _tag(out, shape)


def expand_dims(x, axis=-1):
    x = _to_tensor(x)
    nd = x.ndim
    if axis < 0:
        axis = nd + axis + 1
    if axis < 0 or axis > nd:
        raise ValueError('expand_dims: axis out of range for a tensor with %d axes' % nd)
    pattern = list(range(nd))
    pattern.insert(axis, 'x')
    shape = list(_known_shape(x))
    shape.insert(axis, 1)
    return _tag(x.dimshuffle(pattern), shape)


def squeeze(x, axis):
    x = _to_tensor(x)
    ax = _normalize_axis(axis, x.ndim)
    shape = list(_known_shape(x))
    if shape[ax] not in (None, 1):
        raise ValueError('squeeze: axis %d has length %d, expected 1' % (axis, shape[ax]))
    shape.pop(ax)
    return _tag(_impl._squeeze(x, ax), shape)


def tile(x, n):
    x = _to_tensor(x)
    if isinstance(n, (int, np.integer)):
        n = (int(n),)
    n = tuple(n)
    if len(n) > x.ndim:
        for _ in range(len(n) - x.ndim):
            x = expand_dims(x, 0)
    elif len(n) < x.ndim:
        n = (1,) * (x.ndim - len(n)) + n
    shape = _known_shape(x)
    static = builtins.all(isinstance(r, (int, np.integer)) for r in n)
    out = _impl._tile(x, n)
    if static:
        return _tag(out, tuple(None if d is None else d * int(r) for d, r in zip(shape, n)))
    return out


def repeat(x, n):
    x = _to_tensor(x)
    if x.ndim != 2:
        raise ValueError('repeat: expected a 2-D tensor (batch, dim), received %d axes'
                         % x.ndim)
    y = x.dimshuffle((0, 'x', 1))
    out = _impl._repeat(y, n, axis=1)
    s = _known_shape(x)
    return _tag(out, (s[0], n if isinstance(n, int) else None, s[1]))


def repeat_elements(x, rep, axis):
    x = _to_tensor(x)
    ax = _normalize_axis(axis, x.ndim)
    out = _impl._repeat(x, rep, axis=ax)
    shape = list(_known_shape(x))
    shape[ax] = None if shape[ax] is None else shape[ax] * rep
    return _tag(out, shape)


def gather(reference, indices):
    reference = _to_tensor(reference)
    indices = _to_tensor(indices)
    if not str(indices.dtype).startswith(('int', 'uint')):
        indices = T.cast(indices, 'int32')
    if reference.ndim >= 2 and indices.ndim >= 1 and str(indices.dtype).startswith('int') \
            and str(reference.dtype).startswith('float'):
        out = _take_rows(reference, indices)     # C gradient (see rows.py)
    else:
        out = reference[indices]
    return _tag(out, _known_shape(indices) + _known_shape(reference)[1:])


def one_hot(indices, num_classes):
    indices = _to_tensor(indices)
    if not str(indices.dtype).startswith(('int', 'uint')):
        indices = T.cast(indices, 'int32')
    classes = T.arange(num_classes, dtype=indices.dtype)
    out = T.cast(T.eq(indices.dimshuffle(tuple(range(indices.ndim)) + ('x',)), classes),
                 _floatx_dtype())
    return _tag(out, _known_shape(indices) + (num_classes,))


def switch(condition, then_expression, else_expression):
    then_expression, else_expression = adapter.branches(then_expression, else_expression)
    condition = _to_tensor(condition)
    if condition.dtype != 'bool':
        condition = T.neq(condition, 0)
    a, b = _binary_operands(then_expression, else_expression)
    branch_ndim = builtins.max(_to_tensor(a).ndim, _to_tensor(b).ndim)
    cond_shape = _known_shape(condition)
    if 0 < condition.ndim < branch_ndim:
        # Keras 2: a condition with fewer axes than the branches gets trailing axes.
        extra = branch_ndim - condition.ndim
        condition = condition.dimshuffle(list(range(condition.ndim)) + ['x'] * extra)
        cond_shape = cond_shape + (1,) * extra
    out = T.switch(condition, a, b)
    return _tag(out, _broadcast_shapes(cond_shape, _shape_of(then_expression),
                                       _shape_of(else_expression)))


def permute_dimensions(x, pattern):
    x = _to_tensor(x)
    pattern = tuple(int(p) for p in pattern)
    if sorted(pattern) != list(range(x.ndim)):
        raise ValueError('permute_dimensions: pattern %s is not a permutation of the %d axes'
                         % (pattern, x.ndim))
    shape = _known_shape(x)
    return _tag(x.dimshuffle(pattern), tuple(shape[p] for p in pattern))


def flatten(x):
    x = _to_tensor(x)
    shape = _known_shape(x)
    size = None if builtins.any(d is None for d in shape) else int(np.prod(shape))
    return _tag(T.flatten(x, 1) if x.ndim != 1 else x, (size,))


def batch_flatten(x):
    x = _to_tensor(x)
    shape = _known_shape(x)
    rest = shape[1:]
    if builtins.all(d is not None for d in rest):
        size = int(np.prod(rest, dtype=np.int64))
        out = T.reshape(x, (x.shape[0], size), ndim=2)
    else:
        size = None
        out = T.reshape(x, T.stack([x.shape[0], T.prod(x.shape[1:])]), ndim=2)
    return _tag(out, (shape[0], size))


def reverse(x, axes):
    x = _to_tensor(x)
    if isinstance(axes, int):
        axes = [axes]
    axes = [_normalize_axis(a, x.ndim) for a in axes]
    slices = tuple(np.s_[::-1] if i in axes else np.s_[:] for i in range(x.ndim))
    return _same_shape(x[slices], x)


def slice(x, start, size):
    x = _to_tensor(x)
    start, size = list(start), list(size)
    if len(start) != len(size):
        raise ValueError('slice: start %s and size %s differ in length' % (start, size))
    slices, shape = [], list(_known_shape(x))
    for i, (b, n) in enumerate(zip(start, size)):
        if n == -1:
            slices.append(builtins.slice(b, None))
            shape[i] = None if shape[i] is None else shape[i] - b
        else:
            slices.append(builtins.slice(b, b + n))
            shape[i] = n
    return _tag(x[tuple(slices)], shape)


def arange(start, stop=None, step=1, dtype='int32'):
    if stop is None:
        start, stop = 0, start
    out = T.arange(start, stop, step, dtype=dtype)
    if builtins.all(isinstance(v, (int, float, np.number)) for v in (start, stop, step)):
        _tag(out, (len(np.arange(start, stop, step)),))
    return out


# --- padding and resizing ----------------------------------------------------------------

def _pad(x, paddings, value=0):
    """``x`` padded with ``value``; ``paddings`` maps axis -> (before, after), ints or
    symbolic scalars (>= 0)."""
    x = _to_tensor(x)
    if builtins.all(not _is_engine_tensor(b) and not _is_engine_tensor(a) and b == 0 and a == 0
                    for b, a in paddings.values()):
        return x
    # Built on a fresh input of x's type, then put onto x: the new shape's symbolic sizes
    # stay shallow while PyTensor infers the static shape of its zeros (on x itself that
    # walks every layer above: 0.1-0.4 s per padding in a MobileNet).
    proxy = x.type()
    in_shape = _known_shape(x)
    new_shape, slices, static = [], [], []
    for i in range(x.ndim):
        b, a = paddings.get(i, (0, 0))
        known = in_shape[i] is not None and not _is_engine_tensor(b) and not _is_engine_tensor(a)
        static.append(in_shape[i] + b + a if known else None)
        new_shape.append(static[-1] if known else proxy.shape[i] + b + a)
        slices.append(builtins.slice(b, b + (in_shape[i] if in_shape[i] is not None
                                             else proxy.shape[i]))
                      if i in paddings else builtins.slice(None))
    if value == 0:
        base = T.zeros(new_shape, dtype=x.dtype)
    else:
        base = T.alloc(np.asarray(value, dtype=x.dtype), *new_shape)
    out = _impl._put_on(T.set_subtensor(base[tuple(slices)], proxy), proxy, x)
    return _tag(out, static)


def temporal_padding(x, padding=(1, 1)):
    x = _to_tensor(x)
    if x.ndim != 3:
        raise ValueError('temporal_padding: expected a 3-D tensor, received %d axes' % x.ndim)
    return _pad(x, {1: tuple(padding)})


def _spatial_axes(data_format):
    from minikeras.backend.state import normalize_data_format
    data_format = normalize_data_format(data_format)
    return data_format, ((1, 2) if data_format == 'channels_last' else (2, 3))


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    x = _to_tensor(x)
    _, (h, w) = _spatial_axes(data_format)
    return _pad(x, {h: tuple(padding[0]), w: tuple(padding[1])})


def _bilinear_axis(x, axis, factor):
    n = x.shape[axis]
    out_n = n * factor
    dst = T.cast(T.arange(out_n), 'float64')
    src = (dst + 0.5) / float(factor) - 0.5
    src = T.maximum(src, 0.)
    lo = T.cast(T.floor(src), 'int64')
    lo = T.minimum(lo, n - 1)
    hi = T.minimum(lo + 1, n - 1)
    w = T.cast(src - T.cast(lo, 'float64'), x.dtype)
    pattern = ['x'] * x.ndim
    pattern[axis] = 0
    w = w.dimshuffle(pattern)
    return T.take(x, lo, axis=axis) * (1 - w) + T.take(x, hi, axis=axis) * w


def resize_images(x, height_factor, width_factor, data_format, interpolation='nearest'):
    x = _to_tensor(x)
    _, (h, w) = _spatial_axes(data_format)
    shape = list(_known_shape(x))
    if interpolation == 'nearest':
        out = _impl._repeat(_impl._repeat(x, height_factor, axis=h), width_factor, axis=w)
    elif interpolation == 'bilinear':
        out = _bilinear_axis(_bilinear_axis(x, h, height_factor), w, width_factor)
    else:
        raise ValueError('resize_images: interpolation must be "nearest" or "bilinear", '
                         'received %r' % (interpolation,))
    for ax, f in ((h, height_factor), (w, width_factor)):
        shape[ax] = None if shape[ax] is None else shape[ax] * f
    return _tag(out, shape)
