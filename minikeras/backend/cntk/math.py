"""CNTK adapter: element-wise math, reductions and tensor manipulation (static shapes)."""
import builtins

import numpy as np

from minikeras.backend import state
from minikeras.backend.cntk.core import (
    C, CntkTensor, _dtype_name, _is_float, _static_int_values, _storage_of, _to_tensor)


_py_slice = builtins.slice


# --- helpers --------------------------------------------------------------------------

def _is_engine(x):
    return isinstance(x, CntkTensor) or isinstance(x, (C.Function, C.variables.Variable,
                                                       C.variables.Parameter,
                                                       C.variables.Constant))


def _result_dtype(a, b):
    """numpy-like promotion of two minikeras dtypes (bool counts as int32)."""
    a = 'int32' if a == 'bool' else a
    b = 'int32' if b == 'bool' else b
    if _is_float(a) and _is_float(b):
        return a if np.dtype(a).itemsize >= np.dtype(b).itemsize else b
    if _is_float(a):
        return a
    if _is_float(b):
        return b
    return np.promote_types(a, b).name


def _operands(x, y):
    """Two CntkTensors for a binary op: a Python number or numpy array next to a tensor
    takes the tensor's dtype (a float next to an integer tensor gives floatx)."""
    ex, ey = _is_engine(x), _is_engine(y)
    if ex and ey:
        return _to_tensor(x), _to_tensor(y)
    if not ex and not ey:
        return _to_tensor(x), _to_tensor(y)
    t, other = (_to_tensor(x), y) if ex else (_to_tensor(y), x)
    array = np.asarray(other)
    if _is_float(t._dtype) or array.dtype.kind in 'iub':
        dt = t._dtype
    else:
        dt = state.floatx()
    o = _to_tensor(array, dt)
    return (t, o) if ex else (o, t)


def _cast_node(node, storage):
    if np.dtype(node.dtype).name != storage:
        return C.cast(node, np.dtype(storage))
    return node


def _binary(fn, x, y, kind='arith'):
    a, b = _operands(x, y)
    result = _result_dtype(a._dtype, b._dtype)
    storage = _storage_of(result)
    out = fn(_cast_node(a.node, storage), _cast_node(b.node, storage))
    if kind == 'cmp':
        return CntkTensor(out, 'bool')
    if kind == 'div' and not _is_float(result):
        result = state.floatx()
        out = _cast_node(out, _storage_of(result))
    return CntkTensor(out, result)


def _unary(fn, x, keep_int=True):
    x = _to_tensor(x)
    dt = x._dtype if (keep_int or _is_float(x._dtype)) else state.floatx()
    node = _cast_node(x.node, _storage_of(dt))
    return CntkTensor(fn(node), dt)


def _same(x, node):
    """``node`` with the dtype of tensor ``x``."""
    return CntkTensor(node, x._dtype)


def _axes(axis, ndim):
    """Non-negative axes from an int, list/tuple or None (all)."""
    if axis is None:
        return list(range(ndim))
    if isinstance(axis, (list, tuple)):
        axes = [int(a) for a in axis]
    else:
        axes = [int(axis)]
    out = []
    for a in axes:
        if not -ndim <= a < builtins.max(ndim, 1):
            raise ValueError('CNTK backend: axis %d is out of range for a tensor with %d axes'
                             % (a, ndim))
        out.append(a % ndim if ndim else 0)
    return sorted(set(out))


def _axis(axis, ndim):
    return _axes(axis, ndim)[0]


def _reshape_node(node, shape):
    shape = tuple(int(d) for d in shape)
    if tuple(node.shape) == shape:
        return node
    return C.reshape(node, shape)


def _reduce(fn, x, axis, keepdims, dt=None):
    x = _to_tensor(x)
    shape = x.static_shape
    if not shape:
        return CntkTensor(x.node, dt or x._dtype)
    axes = _axes(axis, len(shape))
    node = fn(x.node, axis=tuple(axes), keepdims=True)
    if not keepdims:
        node = _reshape_node(node, [d for i, d in enumerate(shape) if i not in axes])
    return CntkTensor(node, dt or x._dtype)


def _gather_node(reference, indices, out_shape):
    """``C.gather`` followed by an explicit reshape: without one, CNTK 2.7's backward of
    gather fails ('incorrect Value() matrix shape ... incorrect memory sharing')."""
    return C.reshape(C.gather(reference, indices), tuple(int(d) for d in out_shape))


def _take(node, indices, axis):
    """``numpy.take(node, indices, axis)`` with static Python int ``indices`` (an array)."""
    indices = np.asarray(indices)
    ndim = len(node.shape)
    if axis != 0:
        perm = [axis] + [i for i in range(ndim) if i != axis]
        node = C.transpose(node, perm)
    picked = _gather_node(node, C.constant(indices.astype(np.dtype(node.dtype))),
                          indices.shape + tuple(int(d) for d in node.shape[1:]))
    if axis != 0:
        k = indices.ndim
        # picked axes: indices dims, then the other axes in order
        order = list(range(k, k + axis)) + list(range(k)) + list(range(k + axis, k + ndim - 1))
        if order != list(range(len(order))):
            picked = C.transpose(picked, order)
    return picked


def _getitem(x, key):
    """``x[key]`` with numpy semantics: ints drop the axis, slices may step (also
    backwards), None adds an axis, Ellipsis fills, a list/array of ints picks entries."""
    x = _to_tensor(x)
    shape = list(x.static_shape)
    node, axis, out_shape = x.node, 0, []
    for k in _full_key(key, shape):
        if k is None:
            out_shape.append(1)
            continue
        if isinstance(k, CntkTensor):
            k = np.asarray(_static_value(k))
        if isinstance(k, (bool, np.bool_)):
            raise IndexError('CNTK backend: boolean indices are not supported')
        if isinstance(k, (int, np.integer)):
            node = _index_axis(node, axis, int(k), shape[axis])
            shape[axis] = 1
        elif isinstance(k, _py_slice):
            node, length = _slice_axis(node, axis, k, shape[axis])
            shape[axis] = length
            out_shape.append(length)
        else:
            idx = _index_array(k, shape[axis])
            node = _take(node, idx, axis)
            # keep positions consistent: flatten the picked axes into one for now
            shape = shape[:axis] + [int(idx.size)] + shape[axis + 1:]
            node = _reshape_node(node, shape)
            out_shape.extend(idx.shape)
        axis += 1
    return CntkTensor(_reshape_node(node, out_shape), x._dtype)


def _full_key(key, shape):
    """``key`` as a tuple with Ellipsis expanded and trailing full slices added."""
    if not isinstance(key, tuple):
        key = (key,)
    real = [k for k in key if k is not None and k is not Ellipsis]
    if builtins.sum(1 for k in key if k is Ellipsis) > 1:
        raise IndexError('an index can only have a single ellipsis')
    if len(real) > len(shape):
        raise IndexError('too many indices for a tensor of shape %s: %r' % (tuple(shape), key))
    fill = (_py_slice(None),) * (len(shape) - len(real))
    ellipsis = [j for j, k in enumerate(key) if k is Ellipsis]
    if ellipsis:
        return key[:ellipsis[0]] + fill + key[ellipsis[0] + 1:]
    return key + fill


def _index_axis(node, axis, i, dim):
    """``node`` keeping entry ``i`` of ``axis`` (as an axis of length 1)."""
    if not -dim <= i < dim:
        raise IndexError('index %d is out of bounds for axis %d with size %d' % (i, axis, dim))
    i %= dim
    return C.slice(node, axis, i, i + 1) if dim != 1 else node


def _slice_axis(node, axis, k, dim):
    """(``node`` sliced by slice ``k`` along ``axis``, the new length)."""
    start, stop, step = k.indices(dim)
    picked = list(range(start, stop, step))
    if not picked:
        raise IndexError('CNTK backend: the slice %r of an axis of size %d is empty; '
                         'CNTK has no empty tensors' % (k, dim))
    if step == 1:
        if len(picked) != dim:
            node = C.slice(node, axis, start, stop)
    elif step > 1:
        node = C.slice(node, axis, start, stop, strides=step)
    else:
        node = _take(node, picked, axis)
    return node, len(picked)


def _index_array(k, dim):
    idx = np.asarray(k)
    if idx.dtype.kind not in 'iu':
        raise IndexError('CNTK backend: only integer index arrays are supported, '
                         'received dtype %s' % idx.dtype)
    return np.where(idx < 0, idx + dim, idx)


def _static_value(t):
    from minikeras.backend.cntk.core import _eval_node, _to_numpy
    return _to_numpy(_eval_node(t.node), t._dtype)


# --- element-wise ---------------------------------------------------------------------

def add(x, y):
    return _binary(C.plus, x, y)


def subtract(x, y):
    return _binary(C.minus, x, y)


def multiply(x, y):
    return _binary(C.element_times, x, y)


def divide(x, y):
    return _binary(C.element_divide, x, y, 'div')


def negative(x):
    return _unary(C.negate, x)


def exp(x):
    return _unary(C.exp, x, keep_int=False)


def log(x):
    return _unary(C.log, x, keep_int=False)


def sqrt(x):
    return _unary(C.sqrt, x, keep_int=False)


def square(x):
    return _unary(C.square, x)


def abs(x):
    return _unary(C.abs, x)


def _sign_node(node):
    return C.minus(C.greater(node, 0), C.less(node, 0))


def sign(x):
    return _unary(_sign_node, x)


def _round_half_even(node):
    low = C.floor(node)
    frac = C.minus(node, low)
    up = C.greater(frac, 0.5)
    half = C.equal(frac, 0.5)
    low_is_odd = C.minus(low, C.element_times(2., C.floor(C.element_times(low, 0.5))))
    return C.plus(low, C.plus(up, C.element_times(half, low_is_odd)))


def round(x):
    return _unary(_round_half_even, x)


def sin(x):
    return _unary(C.sin, x, keep_int=False)


def cos(x):
    return _unary(C.cos, x, keep_int=False)


def clip(x, min_value, max_value):
    x = _to_tensor(x)
    if max_value is not None and min_value is not None and max_value < min_value:
        max_value = min_value
    node = x.node
    if min_value is not None:
        node = C.element_max(node, C.constant(min_value, dtype=np.dtype(node.dtype)))
    if max_value is not None:
        node = C.element_min(node, C.constant(max_value, dtype=np.dtype(node.dtype)))
    return _same(x, node)


def maximum(x, y):
    return _binary(C.element_max, x, y)


def minimum(x, y):
    return _binary(C.element_min, x, y)


def pow(x, a):
    x = _to_tensor(x)
    if _is_engine(a):
        return _binary(C.pow, x, a)
    a_value = float(a)
    dt = x._dtype if _is_float(x._dtype) or (float(a_value).is_integer() and a_value >= 0) \
        else state.floatx()
    node = x.node if dt == x._dtype else _cast_node(x.node, _storage_of(dt))
    if a_value == 2:
        return CntkTensor(C.square(node), dt)
    if a_value == 1:
        return CntkTensor(C.alias(node), dt)
    if float(a_value).is_integer():
        # CNTK's pow is exp(a*log(x)) territory for negative bases: use |x| and the sign
        magnitude = C.pow(C.abs(node), C.constant(a_value, dtype=np.dtype(node.dtype)))
        if int(a_value) % 2:
            magnitude = C.element_times(magnitude, _sign_node(node))
        return CntkTensor(magnitude, dt)
    return CntkTensor(C.pow(node, C.constant(a_value, dtype=np.dtype(node.dtype))), dt)


def _comparison(name):
    fn = getattr(C, name)

    def op(x, y):
        return _binary(fn, x, y, 'cmp')
    op.__name__ = op.__qualname__ = name
    return op


equal, not_equal, greater, greater_equal, less, less_equal = (
    _comparison(name) for name in ('equal', 'not_equal', 'greater', 'greater_equal', 'less',
                                   'less_equal'))


# --- products -------------------------------------------------------------------------

def _matmul2d(a, b):
    return C.times(a, b)


def dot(x, y):
    x, y = _operands(x, y)
    result = _result_dtype(x._dtype, y._dtype)
    storage = _storage_of(result)
    a, b = _cast_node(x.node, storage), _cast_node(y.node, storage)
    xs, ys = x.static_shape, y.static_shape
    if len(xs) == 0 or len(ys) == 0:
        return CntkTensor(C.element_times(a, b), result)
    if len(ys) == 1:
        if xs[-1] != ys[0]:
            raise ValueError('dot: shapes %s and %s do not align' % (xs, ys))
        node = C.reduce_sum(C.element_times(a, b), axis=len(xs) - 1, keepdims=False)
        return CntkTensor(_reshape_node(node, xs[:-1]), result)
    n = xs[-1]
    if ys[-2] != n:
        raise ValueError('dot: shapes %s and %s do not align (%d != %d)'
                         % (xs, ys, n, ys[-2]))
    left = _reshape_node(a, (int(np.prod(xs[:-1], dtype=np.int64)), n))
    if len(ys) == 2:
        right = b
        out_tail = (ys[-1],)
    else:
        perm = [len(ys) - 2] + list(range(len(ys) - 2)) + [len(ys) - 1]
        right = _reshape_node(C.transpose(b, perm), (n, -1))
        right = _reshape_node(right, (n, int(np.prod(ys, dtype=np.int64)) // n))
        out_tail = ys[:-2] + ys[-1:]
    node = _matmul2d(left, right)
    return CntkTensor(_reshape_node(node, xs[:-1] + out_tail), result)


def batch_dot(x, y, axes=None):
    x, y = _operands(x, y)
    result = _result_dtype(x._dtype, y._dtype)
    storage = _storage_of(result)
    a, b = _cast_node(x.node, storage), _cast_node(y.node, storage)
    xs, ys = x.static_shape, y.static_shape
    if len(xs) < 2 or len(ys) < 2:
        raise ValueError('batch_dot: expected tensors with at least 2 axes, received shapes '
                         '%s and %s' % (xs, ys))
    if axes is None:
        axes = (len(xs) - 1, len(ys) - 1 if len(ys) == 2 else len(ys) - 2)
    elif isinstance(axes, (int, np.integer)):
        axes = (int(axes), int(axes))
    ax, ay = int(axes[0]) % len(xs), int(axes[1]) % len(ys)
    if ax == 0 or ay == 0:
        raise ValueError('batch_dot: cannot contract the batch axis (axes %s)' % (axes,))
    if xs[ax] != ys[ay]:
        raise ValueError('batch_dot: shapes %s and %s do not align on axes %s'
                         % (xs, ys, (ax, ay)))
    batch, n = xs[0], xs[ax]
    x_rest = [i for i in range(1, len(xs)) if i != ax]
    y_rest = [i for i in range(1, len(ys)) if i != ay]
    a = C.transpose(a, [0] + x_rest + [ax]) if [0] + x_rest + [ax] != list(range(len(xs))) \
        else a
    b = C.transpose(b, [0, ay] + y_rest) if [0, ay] + y_rest != list(range(len(ys))) else b
    xr = int(np.prod([xs[i] for i in x_rest], dtype=np.int64))
    yr = int(np.prod([ys[i] for i in y_rest], dtype=np.int64))
    a = _reshape_node(a, (batch, xr, 1, n))
    b = _reshape_node(b, (batch, 1, n, yr))
    # (batch, xr, 1, n, 1) * (batch, 1, 1, n, yr) summed over n would need 5-D; use
    # per-sample matrix products on CNTK's batch axis instead
    node = C.unpack_batch(C.times(C.to_batch(_reshape_node(a, (batch, xr, n))),
                                  C.to_batch(_reshape_node(b, (batch, n, yr)))))
    out_shape = [batch] + [xs[i] for i in x_rest] + [ys[i] for i in y_rest]
    if len(out_shape) == 1:
        out_shape.append(1)
    return CntkTensor(_reshape_node(node, out_shape), result)


def transpose(x):
    x = _to_tensor(x)
    n = len(x.static_shape)
    if n < 2:
        return _same(x, C.alias(x.node))
    return _same(x, C.transpose(x.node, list(range(n))[::-1]))


# --- reductions -----------------------------------------------------------------------

def sum(x, axis=None, keepdims=False):
    x = _to_tensor(x)
    dt = 'int64' if x._dtype == 'bool' else x._dtype
    return _reduce(C.reduce_sum, x, axis, keepdims, dt)


def prod(x, axis=None, keepdims=False):
    x = _to_tensor(x)
    dt = 'int64' if x._dtype == 'bool' else x._dtype
    return _reduce(C.reduce_prod, x, axis, keepdims, dt)


def mean(x, axis=None, keepdims=False):
    x = _to_tensor(x)
    if not _is_float(x._dtype):
        x = CntkTensor(_cast_node(x.node, _storage_of(state.floatx())), state.floatx())
    return _reduce(C.reduce_mean, x, axis, keepdims)


def var(x, axis=None, keepdims=False):
    x = _to_tensor(x)
    if not _is_float(x._dtype):
        x = CntkTensor(_cast_node(x.node, _storage_of(state.floatx())), state.floatx())
    m = _reduce(C.reduce_mean, x, axis, True)
    centered = CntkTensor(C.square(C.minus(x.node, m.node)), x._dtype)
    return _reduce(C.reduce_mean, centered, axis, keepdims)


def std(x, axis=None, keepdims=False):
    v = var(x, axis, keepdims)
    return _same(v, C.sqrt(v.node))


def max(x, axis=None, keepdims=False):
    return _reduce(C.reduce_max, x, axis, keepdims)


def min(x, axis=None, keepdims=False):
    return _reduce(C.reduce_min, x, axis, keepdims)


def _arg(fn_reduce, x, axis):
    """Index of the first extreme entry along ``axis`` (numpy's tie rule)."""
    x = _to_tensor(x)
    shape = x.static_shape
    ax = _axis(axis, len(shape))
    node = x.node
    extreme = fn_reduce(node, axis=ax, keepdims=True)
    n = shape[ax]
    positions = np.arange(n, dtype=np.dtype(node.dtype)).reshape(
        [n if i == ax else 1 for i in range(len(shape))])
    # first position where node == extreme: min over (pos if hit else n)
    hit = C.equal(node, extreme)
    candidates = C.element_select(hit, C.constant(positions),
                                  C.constant(np.array(n, dtype=np.dtype(node.dtype))))
    first = C.reduce_min(candidates, axis=ax, keepdims=False)
    out_shape = [d for i, d in enumerate(shape) if i != ax]
    return CntkTensor(_reshape_node(first, out_shape), 'int64')


def argmax(x, axis=-1):
    return _arg(C.reduce_max, x, axis)


def argmin(x, axis=-1):
    return _arg(C.reduce_min, x, axis)


def any(x, axis=None, keepdims=False):
    x = _to_tensor(x)
    nz = CntkTensor(C.not_equal(x.node, 0), 'bool')
    return _reduce(C.reduce_max, nz, axis, keepdims, 'bool')


def all(x, axis=None, keepdims=False):
    x = _to_tensor(x)
    nz = CntkTensor(C.not_equal(x.node, 0), 'bool')
    return _reduce(C.reduce_min, nz, axis, keepdims, 'bool')


def _cumulative(fn, x, axis):
    x = _to_tensor(x)
    shape = x.static_shape
    ax = _axis(axis, len(shape))
    n = shape[ax]
    parts = [C.slice(x.node, ax, i, i + 1) for i in range(n)] if n > 1 else [x.node]
    out, running = [], None
    for p in parts:
        running = p if running is None else fn(running, p)
        out.append(running)
    node = C.splice(*out, axis=ax) if len(out) > 1 else out[0]
    return _same(x, node)


def cumsum(x, axis=0):
    return _cumulative(C.plus, x, axis)


def cumprod(x, axis=0):
    return _cumulative(C.element_times, x, axis)


def logsumexp(x, axis=None, keepdims=False):
    return _reduce(C.reduce_log_sum_exp, x, axis, keepdims)


# --- shapes ---------------------------------------------------------------------------

def _target_shape(shape, size, what='reshape'):
    dims = list(_static_int_values(shape, '%s shape' % what))
    if dims.count(-1) > 1:
        raise ValueError('%s: only one dimension may be -1, received %s' % (what, tuple(dims)))
    if -1 in dims:
        known = int(np.prod([d for d in dims if d != -1], dtype=np.int64))
        if known == 0 or size % known:
            raise ValueError('%s: cannot reshape %d values into %s' % (what, size, tuple(dims)))
        dims[dims.index(-1)] = size // known
    if int(np.prod(dims, dtype=np.int64)) != size:
        raise ValueError('%s: cannot reshape %d values into shape %s'
                         % (what, size, tuple(dims)))
    return dims


def reshape(x, shape):
    x = _to_tensor(x)
    size = int(np.prod(x.static_shape, dtype=np.int64))
    return _same(x, _reshape_node(x.node, _target_shape(shape, size)))


def _harmonize(tensors):
    tensors = [_to_tensor(t) for t in tensors]
    dt = tensors[0]._dtype
    for t in tensors[1:]:
        dt = _result_dtype(dt, t._dtype) if t._dtype != dt else dt
    storage = _storage_of(dt)
    return [_cast_node(t.node, storage) for t in tensors], dt


def concatenate(tensors, axis=-1):
    tensors = [_to_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError('concatenate: received an empty list of tensors')
    nodes, dt = _harmonize(tensors)
    ax = _axis(axis, len(tensors[0].static_shape))
    if len(nodes) == 1:
        return CntkTensor(C.alias(nodes[0]), dt)
    return CntkTensor(C.splice(*nodes, axis=ax), dt)


def stack(x, axis=0):
    tensors = [_to_tensor(t) for t in x]
    if not tensors:
        raise ValueError('stack: received an empty list of tensors')
    shape = tensors[0].static_shape
    ax = _axis(axis, len(shape) + 1)
    nodes, dt = _harmonize(tensors)
    new_shape = list(shape[:ax]) + [1] + list(shape[ax:])
    nodes = [_reshape_node(n, new_shape) for n in nodes]
    if len(nodes) == 1:
        return CntkTensor(nodes[0], dt)
    return CntkTensor(C.splice(*nodes, axis=ax), dt)


def expand_dims(x, axis=-1):
    x = _to_tensor(x)
    shape = list(x.static_shape)
    ax = _axis(axis, len(shape) + 1)
    return _same(x, _reshape_node(x.node, shape[:ax] + [1] + shape[ax:]))


def squeeze(x, axis):
    x = _to_tensor(x)
    shape = list(x.static_shape)
    ax = _axis(axis, len(shape))
    if shape[ax] != 1:
        raise ValueError('squeeze: axis %d has length %d, expected 1' % (ax, shape[ax]))
    return _same(x, _reshape_node(x.node, shape[:ax] + shape[ax + 1:]))


def _repeat_axis(node, ax, n):
    if n == 1:
        return node
    return C.splice(*([node] * n), axis=ax)


def tile(x, n):
    x = _to_tensor(x)
    reps = list(_static_int_values(n, 'tile repetitions'))
    shape = list(x.static_shape)
    node = x.node
    if len(reps) > len(shape):
        shape = [1] * (len(reps) - len(shape)) + shape
        node = _reshape_node(node, shape)
    reps = [1] * (len(shape) - len(reps)) + reps
    for ax, r in enumerate(reps):
        if r < 1:
            raise ValueError('tile: repetitions must be >= 1, received %s' % (tuple(reps),))
        node = _repeat_axis(node, ax, r)
    return _same(x, node)


def repeat(x, n):
    x = _to_tensor(x)
    shape = x.static_shape
    if len(shape) != 2:
        raise ValueError('repeat: expected a 2-D tensor (batch, dim), received shape %s'
                         % (shape,))
    node = _reshape_node(x.node, (shape[0], 1, shape[1]))
    return _same(x, _repeat_axis(node, 1, int(n)))


def repeat_elements(x, rep, axis):
    x = _to_tensor(x)
    shape = list(x.static_shape)
    ax = _axis(axis, len(shape))
    rep = int(rep)
    node = _reshape_node(x.node, shape[:ax + 1] + [1] + shape[ax + 1:])
    node = _repeat_axis(node, ax + 1, rep)
    return _same(x, _reshape_node(node, shape[:ax] + [shape[ax] * rep] + shape[ax + 1:]))


def gather(reference, indices):
    reference = _to_tensor(reference)
    if _is_engine(indices):
        idx = _to_tensor(indices)
        out_shape = idx.static_shape + reference.static_shape[1:]
        node = _gather_node(reference.node,
                            _cast_node(idx.node, np.dtype(reference.node.dtype).name), out_shape)
        return _same(reference, node)
    idx = np.asarray(indices)
    if idx.dtype.kind not in 'iu':
        idx = idx.astype('int64')
    return _same(reference, _reshape_node(_take(reference.node, idx, 0),
                                          idx.shape + reference.static_shape[1:]))


def one_hot(indices, num_classes):
    idx = _to_tensor(indices)
    fx = _storage_of(state.floatx())
    node = _cast_node(idx.node, fx)
    shape = idx.static_shape
    node = _reshape_node(node, shape + (1,))
    classes = np.arange(int(num_classes), dtype=fx).reshape((1,) * len(shape) + (-1,))
    return CntkTensor(C.equal(node, C.constant(classes)), state.floatx())


def switch(condition, then_expression, else_expression):
    if callable(then_expression) and not _is_engine(then_expression):
        then_expression = then_expression()
    if callable(else_expression) and not _is_engine(else_expression):
        else_expression = else_expression()
    a, b = _operands(then_expression, else_expression)
    dt = _result_dtype(a._dtype, b._dtype)
    storage = _storage_of(dt)
    cond = _to_tensor(condition)
    cshape = list(cond.static_shape)
    branch_ndim = builtins.max(len(a.static_shape), len(b.static_shape))
    cnode = cond.node
    if 0 < len(cshape) < branch_ndim:
        cnode = _reshape_node(cnode, cshape + [1] * (branch_ndim - len(cshape)))
    an, bn = _cast_node(a.node, storage), _cast_node(b.node, storage)
    out_shape = np.broadcast(np.empty(tuple(int(d) for d in cnode.shape)),
                             np.empty(a.static_shape), np.empty(b.static_shape)).shape
    ones = C.constant(np.ones(out_shape, dtype=storage))
    # broadcast every operand explicitly: element_select does not broadcast its condition
    cnode = C.element_times(_cast_node(cnode, storage), ones)
    an, bn = C.element_times(an, ones), C.element_times(bn, ones)
    return CntkTensor(C.element_select(cnode, an, bn), dt)


def permute_dimensions(x, pattern):
    x = _to_tensor(x)
    pattern = [int(p) for p in pattern]
    if sorted(pattern) != list(range(len(x.static_shape))):
        raise ValueError('permute_dimensions: pattern %s is not a permutation of the %d axes'
                         % (tuple(pattern), len(x.static_shape)))
    if pattern == sorted(pattern):
        return _same(x, C.alias(x.node))
    return _same(x, C.transpose(x.node, pattern))


def flatten(x):
    x = _to_tensor(x)
    return _same(x, _reshape_node(x.node, (int(np.prod(x.static_shape, dtype=np.int64)),)))


def batch_flatten(x):
    x = _to_tensor(x)
    shape = x.static_shape
    return _same(x, _reshape_node(x.node, (shape[0], int(np.prod(shape[1:], dtype=np.int64)))))


def reverse(x, axes):
    x = _to_tensor(x)
    shape = x.static_shape
    node = x.node
    for ax in _axes(axes, len(shape)):
        if shape[ax] > 1:
            node = _take(node, np.arange(shape[ax])[::-1], ax)
    return _same(x, node)


def slice(x, start, size):
    x = _to_tensor(x)
    shape = x.static_shape
    start = _static_int_values(start, 'slice start')
    size = _static_int_values(size, 'slice size')
    if len(start) != len(shape) or len(size) != len(shape):
        raise ValueError('slice: start %s and size %s must have one entry per axis of a '
                         'tensor of shape %s' % (start, size, shape))
    axes, begins, ends = [], [], []
    for ax, (b, s) in enumerate(zip(start, size)):
        e = shape[ax] if s == -1 else b + s
        if not 0 <= b < e <= shape[ax]:
            raise ValueError('slice: start %s size %s do not fit shape %s' % (start, size, shape))
        if (b, e) != (0, shape[ax]):
            axes.append(ax)
            begins.append(b)
            ends.append(e)
    if not axes:
        return _same(x, C.alias(x.node))
    return _same(x, C.slice(x.node, axes, begins, ends))


def arange(start, stop=None, step=1, dtype='int32'):
    values = np.arange(start, stop, step) if stop is not None else np.arange(start)
    name = _dtype_name(dtype)
    if values.size == 0:
        raise ValueError('arange: the range is empty (start %r, stop %r, step %r); CNTK has '
                         'no empty tensors' % (start, stop, step))
    return CntkTensor(C.constant(values.astype(name).astype(_storage_of(name))), name)


def _pad(x, pattern):
    x = _to_tensor(x)
    if not np.any(np.asarray(pattern)):
        return _same(x, C.alias(x.node))
    return _same(x, C.pad(x.node, pattern=[list(map(int, p)) for p in pattern]))


def temporal_padding(x, padding=(1, 1)):
    x = _to_tensor(x)
    if len(x.static_shape) != 3:
        raise ValueError('temporal_padding: expected a 3-D tensor, received shape %s'
                         % (x.static_shape,))
    return _pad(x, [(0, 0), tuple(padding), (0, 0)])


def _spatial_axes(data_format, ndim):
    fmt = state.normalize_data_format(data_format)
    if fmt == 'channels_first':
        return list(range(2, ndim))
    return list(range(1, ndim - 1))


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    x = _to_tensor(x)
    if len(x.static_shape) != 4:
        raise ValueError('spatial_2d_padding: expected a 4-D tensor, received shape %s'
                         % (x.static_shape,))
    pattern = [(0, 0)] * 4
    for ax, p in zip(_spatial_axes(data_format, 4), padding):
        pattern[ax] = tuple(p)
    return _pad(x, pattern)


def _interpolation_matrix(n, factor, dtype):
    """(n * factor, n) matrix of tf.image.resize bilinear weights (half-pixel centres)."""
    coords = np.clip((np.arange(n * factor) + 0.5) / factor - 0.5, 0, n - 1)
    low = np.floor(coords).astype(int)
    high = np.minimum(low + 1, n - 1)
    frac = coords - low
    m = np.zeros((n * factor, n))
    m[np.arange(n * factor), low] += 1 - frac
    m[np.arange(n * factor), high] += frac
    return m.astype(dtype)


def _bilinear_axis(node, shape, ax, factor):
    n = shape[ax]
    storage = np.dtype(node.dtype).name
    m = _interpolation_matrix(n, factor, storage)
    perm = [i for i in range(len(shape)) if i != ax] + [ax]
    moved = C.transpose(node, perm) if perm != list(range(len(shape))) else node
    rest = [shape[i] for i in perm[:-1]]
    flat = _reshape_node(moved, (int(np.prod(rest, dtype=np.int64)), n))
    out = C.times(flat, C.constant(m.T.copy()))
    out = _reshape_node(out, rest + [n * factor])
    inverse = [int(i) for i in np.argsort(perm)]
    if perm != list(range(len(shape))):
        out = C.transpose(out, inverse)
    new_shape = list(shape)
    new_shape[ax] = n * factor
    return out, new_shape


def resize_images(x, height_factor, width_factor, data_format, interpolation='nearest'):
    x = _to_tensor(x)
    shape = list(x.static_shape)
    if len(shape) != 4:
        raise ValueError('resize_images: expected a 4-D tensor, received shape %s'
                         % (tuple(shape),))
    h_axis, w_axis = _spatial_axes(data_format, 4)
    if interpolation == 'nearest':
        return repeat_elements(repeat_elements(x, int(height_factor), h_axis),
                               int(width_factor), w_axis)
    if interpolation == 'bilinear':
        node, shape = _bilinear_axis(x.node, shape, h_axis, int(height_factor))
        node, shape = _bilinear_axis(node, shape, w_axis, int(width_factor))
        return _same(x, node)
    raise ValueError("resize_images: interpolation must be 'nearest' or 'bilinear', "
                     "received %r" % (interpolation,))
