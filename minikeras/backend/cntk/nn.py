"""CNTK adapter: activations, losses, convolution, pooling and normalization.

Convolutions use CNTK's own ``convolution``/``pooling`` on channels-first data with the
static batch moved onto CNTK's batch axis (``to_batch``/``unpack_batch``). Padding is
always explicit (TensorFlow's geometry: 'same' puts the extra pixel after), so even
kernels and strides match the reference. Dilation is done by spreading the kernel with
zeros (CNTK's CPU convolution has no dilation); ``conv2d_transpose`` is a convolution of
the zero-upsampled input with the flipped kernel.
"""
import numpy as np

from minikeras.backend import state
from minikeras.backend.cntk.core import C, CntkTensor, _is_float, _storage_of, _to_tensor
from minikeras.backend.cntk import layout
from minikeras.backend.cntk import math as M
from minikeras.backend.cntk import random as R
from minikeras.backend.conv_geometry import (  # noqa: F401
    normalize_tuple as _tuple, padding_amounts as _padding_amounts)


SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


def _float(x):
    x = _to_tensor(x)
    if _is_float(x._dtype):
        return x
    fx = state.floatx()
    return CntkTensor(M._cast_node(x.node, _storage_of(fx)), fx)


def _same(x, node):
    return CntkTensor(node, x._dtype)


def _const(value, like):
    return C.constant(np.asarray(value, dtype=np.dtype(like.dtype)))


# --- activations ----------------------------------------------------------------------

def relu(x, alpha=0., max_value=None, threshold=0.):
    x = _float(x)
    n = x.node
    if layout._form(n) is not None and alpha == 0. and threshold == 0.:
        # on the form a convolution made (see layout.py)
        def clipped_relu(t, _):
            y = C.relu(t)
            return y if max_value is None else C.element_min(y, _const(max_value, t))
        return _same(x, layout._elementwise(clipped_relu, n))
    if alpha == 0. and threshold == 0.:
        y = C.relu(n)
    else:
        shifted = C.minus(n, _const(threshold, n))
        y = C.element_select(C.greater(n, _const(threshold, n)), n,
                             C.element_times(_const(alpha, n), shifted))
    if max_value is not None:
        y = C.element_min(y, _const(max_value, n))
    return _same(x, y)


def _elu_node(n, alpha):
    negative = C.element_times(_const(alpha, n),
                               C.minus(C.exp(C.element_min(n, _const(0., n))), _const(1., n)))
    return C.element_select(C.greater(n, _const(0., n)), n, negative)


def elu(x, alpha=1.):
    x = _float(x)
    return _same(x, _elu_node(x.node, alpha))


def selu(x):
    x = _float(x)
    return _same(x, C.element_times(_const(SELU_SCALE, x.node), _elu_node(x.node, SELU_ALPHA)))


def sigmoid(x):
    x = _float(x)
    return _same(x, C.sigmoid(x.node))


def hard_sigmoid(x):
    x = _float(x)
    n = x.node
    y = C.plus(C.element_times(_const(0.2, n), n), _const(0.5, n))
    return _same(x, C.clip(y, _const(0., n), _const(1., n)))


def tanh(x):
    x = _float(x)
    return _same(x, C.tanh(x.node))


def softmax(x, axis=-1):
    x = _float(x)
    ax = M._axis(axis, len(x.static_shape))
    return _same(x, C.softmax(x.node, axis=ax))


def _log_softmax_node(n, ax):
    return C.minus(n, C.reduce_log_sum_exp(n, axis=ax, keepdims=True))


def log_softmax(x, axis=-1):
    x = _float(x)
    ax = M._axis(axis, len(x.static_shape))
    return _same(x, _log_softmax_node(x.node, ax))


def softplus(x):
    x = _float(x)
    return _same(x, C.softplus(x.node))


def softsign(x):
    x = _float(x)
    return _same(x, C.element_divide(x.node, C.plus(_const(1., x.node), C.abs(x.node))))


# --- losses ---------------------------------------------------------------------------

def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _float(output)
    target = _to_tensor(target)
    storage = np.dtype(output.node.dtype).name
    t = M._cast_node(target.node, storage)
    ax = M._axis(axis, len(output.static_shape))
    o = output.node
    if from_logits:
        log_p = _log_softmax_node(o, ax)
    else:
        p = C.element_divide(o, C.reduce_sum(o, axis=ax, keepdims=True))
        eps = state.epsilon()
        log_p = C.log(C.clip(p, _const(eps, o), _const(1. - eps, o)))
    loss = C.negate(C.reduce_sum(C.element_times(t, log_p), axis=ax, keepdims=False))
    shape = [d for i, d in enumerate(output.static_shape) if i != ax]
    return _same(output, M._reshape_node(loss, shape))


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _float(output)
    target = _to_tensor(target)
    oshape = list(output.static_shape)
    ax = M._axis(axis, len(oshape))
    tshape = list(target.static_shape)
    if len(tshape) == len(oshape):
        if tshape[-1] != 1:
            raise ValueError('sparse_categorical_crossentropy: target of shape %s has as many '
                             'axes as output %s but its last axis is not of length 1'
                             % (tuple(tshape), tuple(oshape)))
        tshape = tshape[:-1]
    expected = oshape[:ax] + oshape[ax + 1:]
    if tshape != expected:
        raise ValueError('sparse_categorical_crossentropy: expected integer targets of shape '
                         '%s for output of shape %s, received %s'
                         % (tuple(expected), tuple(oshape), target.static_shape))
    storage = np.dtype(output.node.dtype).name
    t = M._reshape_node(M._cast_node(target.node, storage),
                        expected[:ax] + [1] + expected[ax:])
    classes = np.arange(oshape[ax], dtype=storage).reshape(
        [-1 if i == ax else 1 for i in range(len(oshape))])
    one_hot = CntkTensor(C.equal(t, C.constant(classes)), output._dtype)
    return categorical_crossentropy(one_hot, output, from_logits, axis)


def binary_crossentropy(target, output, from_logits=False):
    output = _float(output)
    o = output.node
    t = M._cast_node(_to_tensor(target).node, np.dtype(o.dtype).name)
    if from_logits:
        loss = C.plus(C.minus(C.element_max(o, _const(0., o)), C.element_times(o, t)),
                      C.log(C.plus(_const(1., o), C.exp(C.negate(C.abs(o))))))
        return _same(output, loss)
    eps = state.epsilon()
    p = C.clip(o, _const(eps, o), _const(1. - eps, o))
    loss = C.negate(C.plus(C.element_times(t, C.log(p)),
                           C.element_times(C.minus(_const(1., o), t),
                                           C.log(C.minus(_const(1., o), p)))))
    return _same(output, loss)


def l2_normalize(x, axis=None):
    x = _float(x)
    n = x.node
    axes = M._axes(axis, len(x.static_shape))
    square_sum = C.reduce_sum(C.square(n), axis=tuple(axes), keepdims=True)
    norm = C.sqrt(C.element_max(square_sum, _const(state.epsilon(), n)))
    return _same(x, C.element_divide(n, norm))


def in_top_k(predictions, targets, k):
    predictions = _float(predictions)
    p = predictions.node
    shape = predictions.static_shape
    if len(shape) != 2:
        raise ValueError('in_top_k: expected predictions of shape (batch, classes), received '
                         '%s' % (shape,))
    storage = np.dtype(p.dtype).name
    t = M._reshape_node(M._cast_node(_to_tensor(targets).node, storage), (shape[0], 1))
    classes = C.constant(np.arange(shape[1], dtype=storage).reshape(1, -1))
    one_hot = C.equal(t, classes)
    score = C.reduce_sum(C.element_times(p, one_hot), axis=1, keepdims=True)
    higher = C.reduce_sum(C.greater(p, score), axis=1, keepdims=False)
    inside = C.less(higher, _const(int(k), p))
    # tf.math.in_top_k: a non-finite target score is never inside the top k
    finite = C.less(C.abs(score), _const(np.inf, p))
    return CntkTensor(M._reshape_node(C.element_times(inside, M._reshape_node(finite, (shape[0],))),
                                      (shape[0],)), 'bool')


def dropout(x, level, noise_shape=None, seed=None):
    x = _float(x)
    if not 0 <= level < 1:
        raise ValueError('dropout: level must be in [0, 1), received %r' % (level,))
    if level == 0:
        return _same(x, C.alias(x.node))
    shape = x.static_shape
    if noise_shape is None:
        noise_shape = shape
    noise_shape = tuple(shape[i] if d is None else int(d) for i, d in enumerate(noise_shape))
    u = R.random_uniform(noise_shape, 0., 1., dtype=x._dtype, seed=seed)
    keep = C.greater_equal(u.node, _const(level, x.node))
    scale = _const(1. / (1. - level), x.node)
    return _same(x, C.element_times(x.node, C.element_times(keep, scale)))


def bias_add(x, bias, data_format=None):
    x, bias = M._operands(x, bias)
    shape = x.static_shape
    fmt = state.normalize_data_format(data_format)
    channel_axis = 1 if fmt == 'channels_first' and len(shape) > 2 else len(shape) - 1
    bshape = bias.static_shape
    if len(bshape) != 1 or bshape[0] != shape[channel_axis]:
        raise ValueError('bias_add: expected a 1-D bias of length %d (axis %d of x, shape %s), '
                         'received shape %s' % (shape[channel_axis], channel_axis, shape, bshape))
    target = [1] * len(shape)
    kind = layout._form(x.node)
    if kind is not None and channel_axis == {'cl': len(shape) - 1, 'cf': 1}[kind] and \
            x.node.dtype == bias.node.dtype and x._dtype == bias._dtype:
        # on the form a convolution made (see layout.py)
        def add(t, batched):
            b = [bshape[0]] + [1] * (len(shape) - 2)
            return C.plus(t, C.reshape(bias.node, tuple(b if batched else [1] + b)))
        return CntkTensor(layout._elementwise(add, x.node), x._dtype)
    target[channel_axis] = bshape[0]
    b = M._reshape_node(bias.node, target)
    return M.add(x, CntkTensor(b, bias._dtype))


# --- convolution ----------------------------------------------------------------------

def _channels_first(data_format):
    return state.normalize_data_format(data_format) == 'channels_first'


_to_cf, _from_cf = layout._to_cf, layout._from_cf


def _dilate_axis(node, axis, factor):
    """Insert ``factor - 1`` zeros between entries along ``axis`` (static shapes)."""
    shape = [int(d) for d in node.shape]
    n = shape[axis]
    if factor == 1 or n == 1:
        return node
    expanded = M._reshape_node(node, shape[:axis + 1] + [1] + shape[axis + 1:])
    pattern = [[0, 0] for _ in range(len(shape) + 1)]
    pattern[axis + 1] = [0, factor - 1]
    padded = C.pad(expanded, pattern=pattern)
    merged = M._reshape_node(padded, shape[:axis] + [n * factor] + shape[axis + 1:])
    return C.slice(merged, axis, 0, (n - 1) * factor + 1)


def _pad_node(node, pads, value=None):
    if not any(a or b for a, b in pads):
        return node
    pattern = [list(map(int, p)) for p in pads]
    if value is None:
        return C.pad(node, pattern=pattern)
    return C.pad(node, pattern=pattern, mode=C.CONSTANT_PAD, constant_value=value)


def _conv_cf(x, kernel, strides, pads, groups=1):
    """Cross-correlation of channels-first ``x`` (N, C, *S) (already dilation-free
    geometry) with CNTK kernel (O, C/groups, *k), explicit ``pads``, ``strides``."""
    nd = len(strides)
    x = _pad_node(x, [(0, 0), (0, 0)] + list(pads))
    shape = [int(d) for d in x.shape]
    kshape = [int(d) for d in kernel.shape]
    outs = [(shape[2 + i] - kshape[2 + i]) // strides[i] + 1 for i in range(nd)]
    kwargs = dict(strides=(1,) + tuple(strides), auto_padding=[False] * (nd + 1))
    if groups != 1:
        kwargs['groups'] = groups
    y = C.convolution(kernel, layout._to_batch(x), **kwargs)
    return layout._unbatch(y, [shape[0], kshape[0]] + outs)


def _dilated_kernel(kernel, dilation, spatial_axes):
    for ax, d in zip(spatial_axes, dilation):
        kernel = _dilate_axis(kernel, ax, d)
    return kernel


def _conv_nd(x, kernel, strides, padding, data_format, dilation, op):
    """Convolution with a library-layout kernel (*k, in, out) on (N, *S, C) or
    (N, C, *S) data."""
    x, kernel = M._operands(x, kernel)
    if not _is_float(x._dtype):
        x = _float(x)
    dt = M._result_dtype(x._dtype, kernel._dtype)
    storage = _storage_of(dt)
    xn = M._cast_node(x.node, storage)
    kn = M._cast_node(kernel.node, storage)
    nd = len(strides)
    xshape = x.static_shape
    if len(xshape) != nd + 2:
        raise ValueError('%s: expected a %d-D input, received shape %s' % (op, nd + 2, xshape))
    cf = _channels_first(data_format)
    if not cf:
        xn = _to_cf(xn, nd + 2)
    channels = int(xn.shape[1])
    kshape = kernel.static_shape
    if len(kshape) != nd + 2 or kshape[nd] != channels:
        raise ValueError('%s: kernel of shape %s does not fit input of shape %s (expected %d '
                         'spatial axes and %d input channels)' % (op, kshape, xshape, nd,
                                                                  channels))
    spatial = [int(d) for d in xn.shape[2:]]
    pads, _ = zip(*[_padding_amounts(s, k, st, d, padding)
                    for s, k, st, d in zip(spatial, kshape[:nd], strides, dilation)])
    # library (*k, in, out) -> CNTK (out, in, *k)
    kc = C.transpose(kn, [nd + 1, nd] + list(range(nd)))
    kc = _dilated_kernel(kc, dilation, range(2, nd + 2))
    y = _conv_cf(xn, kc, strides, pads)
    if not cf:
        y = _from_cf(y, nd + 2)
    return CntkTensor(y, dt)


def conv1d(x, kernel, strides=1, padding='valid', data_format=None, dilation_rate=1):
    return _conv_nd(x, kernel, _tuple(strides, 1, 'strides'), padding, data_format,
                    _tuple(dilation_rate, 1, 'dilation_rate'), 'conv1d')


def _check_padding(padding, op):
    if padding not in ('valid', 'same'):
        raise ValueError("%s: padding must be 'valid' or 'same', received %r" % (op, padding))


def conv2d(x, kernel, strides=(1, 1), padding='valid', data_format=None,
           dilation_rate=(1, 1)):
    _check_padding(padding, 'conv2d')
    return _conv_nd(x, kernel, _tuple(strides, 2, 'strides'), padding, data_format,
                    _tuple(dilation_rate, 2, 'dilation_rate'), 'conv2d')


def _conv2d_nodes(op, x, kernel, padding, strides, dilation_rate):
    """``op``'s checked arguments: (x as float, kernel, their result dtype, both as nodes
    of its storage dtype, the strides and dilation pairs)."""
    _check_padding(padding, op)
    strides = _tuple(strides, 2, 'strides')
    dilation = _tuple(dilation_rate, 2, 'dilation_rate')
    x, kernel = M._operands(x, kernel)
    x = _float(x)
    dt = M._result_dtype(x._dtype, kernel._dtype)
    storage = _storage_of(dt)
    return (x, kernel, dt, M._cast_node(x.node, storage), M._cast_node(kernel.node, storage),
            strides, dilation)


def conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding='valid',
                     data_format=None, dilation_rate=(1, 1)):
    x, kernel, dt, xn, kn, strides, dilation = _conv2d_nodes(
        'conv2d_transpose', x, kernel, padding, strides, dilation_rate)
    xshape = x.static_shape
    if len(xshape) != 4:
        raise ValueError('conv2d_transpose: expected a 4-D input, received shape %s'
                         % (xshape,))
    cf = _channels_first(data_format)
    if not cf:
        xn = _to_cf(xn, 4)
    batch, in_channels = int(xn.shape[0]), int(xn.shape[1])
    out = _transpose_output_shape(output_shape)
    out_spatial, out_channels = (out[2:], out[1]) if cf else (out[1:3], out[3])
    kshape = kernel.static_shape
    if len(kshape) != 4 or kshape[2] != out_channels or kshape[3] != in_channels:
        raise ValueError('conv2d_transpose: kernel of shape %s does not fit input %s and '
                         'output_shape %s (expected kernel (h, w, %s, %d))'
                         % (kshape, xshape, tuple(out), out_channels, in_channels))
    geometry = [_padding_amounts(o, k, s, d, padding)
                for o, k, s, d in zip(out_spatial, kshape[:2], strides, dilation)]
    if tuple(g[1] for g in geometry) != tuple(int(d) for d in xn.shape[2:]):
        raise ValueError('conv2d_transpose: output_shape %s is inconsistent with input shape '
                         '%s: a conv2d of the output would have spatial shape %s'
                         % (tuple(out), xshape, tuple(g[1] for g in geometry)))
    full = _full_transposed_conv(xn, kn, dt, kshape, strides, dilation)
    result = _crop_to_output(full, [g[0][0] for g in geometry], out_spatial)
    result = M._reshape_node(result, [batch, out_channels] + list(out_spatial))
    if not cf:
        result = _from_cf(result, 4)
    return CntkTensor(result, dt)


def _transpose_output_shape(output_shape, n=4, op='conv2d_transpose'):
    """A transposed convolution's ``output_shape`` (tuple, list or tensor) as ``n`` ints
    or None."""
    out = []
    for d in (output_shape if isinstance(output_shape, (list, tuple))
              else M._static_value(_to_tensor(output_shape))):
        if d is None:
            out.append(None)
        elif isinstance(d, CntkTensor):
            out.append(int(np.ravel(M._static_value(d))[0]))
        else:
            out.append(int(d))
    if len(out) != n:
        raise ValueError('%s: output_shape must have %d entries, received %r'
                         % (op, n, output_shape))
    return out


def _full_transposed_conv(xn, kn, dt, kshape, strides, dilation):
    """Zero-upsample channels-first ``xn`` by the strides, pad by the dilated kernel
    span - 1, then correlate with the spatially flipped kernel: the full transposed
    convolution (before cropping to the output shape)."""
    up = xn
    for i, s in enumerate(strides):
        up = _dilate_axis(up, 2 + i, s)
    spans = [d * (k - 1) for k, d in zip(kshape[:2], dilation)]
    # library (h, w, out, in) -> CNTK (out, in, h, w), flipped spatially
    kc = C.transpose(kn, [2, 3, 0, 1])
    kc = M.reverse(CntkTensor(kc, dt), (2, 3)).node
    kc = _dilated_kernel(kc, dilation, (2, 3))
    return _conv_cf(up, kc, (1, 1), [(sp, sp) for sp in spans])


def _crop_to_output(full, pads_before, out_spatial):
    """``full[j]`` holds output position j - pad_before: crop (or extend) each spatial
    axis to the output's."""
    result = full
    for i, before in enumerate(pads_before):
        length = int(result.shape[2 + i])
        need = before + out_spatial[i]
        if need > length:
            pattern = [[0, 0]] * 4
            pattern[2 + i] = [0, need - length]
            result = C.pad(result, pattern=pattern)
        result = C.slice(result, 2 + i, before, before + out_spatial[i])
    return result


def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding='valid',
                     data_format=None, dilation_rate=(1, 1)):
    x, kernel, dt, xn, kn, strides, dilation = _conv2d_nodes(
        'depthwise_conv2d', x, depthwise_kernel, padding, strides, dilation_rate)
    if len(x.static_shape) != 4:
        raise ValueError('depthwise_conv2d: expected a 4-D input, received shape %s'
                         % (x.static_shape,))
    cf = _channels_first(data_format)
    if not cf:
        xn = _to_cf(xn, 4)
    channels = int(xn.shape[1])
    kshape = kernel.static_shape
    if len(kshape) != 4 or kshape[2] != channels:
        raise ValueError('depthwise_conv2d: kernel of shape %s does not fit input with %d '
                         'channels (expected (h, w, %d, multiplier))'
                         % (kshape, channels, channels))
    kh, kw, _, mult = kshape
    spatial = [int(d) for d in xn.shape[2:]]
    pads, _ = zip(*[_padding_amounts(s, k, st, d, padding)
                    for s, k, st, d in zip(spatial, (kh, kw), strides, dilation)])
    # (h, w, in, mult) -> (in * mult, 1, h, w), output channel c * mult + m
    kc = M._reshape_node(C.transpose(kn, [2, 3, 0, 1]), (channels * mult, 1, kh, kw))
    kc = _dilated_kernel(kc, dilation, (2, 3))
    y = _conv_cf(xn, kc, strides, pads, groups=channels)
    if not cf:
        y = _from_cf(y, 4)
    return CntkTensor(y, dt)


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1),
                     padding='valid', data_format=None, dilation_rate=(1, 1)):
    y = depthwise_conv2d(x, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv2d(y, pointwise_kernel, (1, 1), 'valid', data_format)


def pool2d(x, pool_size, strides=(1, 1), padding='valid', data_format=None,
           pool_mode='max'):
    _check_padding(padding, 'pool2d')
    if pool_mode not in ('max', 'avg'):
        raise ValueError("pool2d: pool_mode must be 'max' or 'avg', received %r" % (pool_mode,))
    pool_size = _tuple(pool_size, 2, 'pool_size')
    strides = _tuple(strides, 2, 'strides')
    x = _float(x)
    if len(x.static_shape) != 4:
        raise ValueError('pool2d: expected a 4-D input, received shape %s' % (x.static_shape,))
    cf = _channels_first(data_format)
    xn = x.node if cf else _to_cf(x.node, 4)
    shape = [int(d) for d in xn.shape]
    geometry = [_padding_amounts(s, k, st, 1, padding)
                for s, k, st in zip(shape[2:], pool_size, strides)]
    pads = [g[0] for g in geometry]
    outs = [g[1] for g in geometry]
    storage = np.dtype(xn.dtype).name
    if pool_mode == 'max':
        padded = _pad_node(xn, [(0, 0), (0, 0)] + pads, value=-np.inf) \
            if any(a or b for a, b in pads) else xn
        y = C.pooling(layout._to_batch(padded), C.MAX_POOLING, pool_size, strides=strides,
                      auto_padding=[False])
        y = layout._unbatch(y, shape[:2] + outs)
    else:
        padded = _pad_node(xn, [(0, 0), (0, 0)] + pads)
        y = C.pooling(layout._to_batch(padded), C.AVG_POOLING, pool_size, strides=strides,
                      auto_padding=[False])
        y = layout._unbatch(y, shape[:2] + outs)
        if any(a or b for a, b in pads):
            # the window mean counted padded zeros: rescale by window size / valid count
            valid = np.pad(np.ones(shape[2:]), pads, mode='constant')
            counts = np.zeros(outs)
            for i in range(pool_size[0]):
                for j in range(pool_size[1]):
                    counts += valid[i:i + strides[0] * (outs[0] - 1) + 1:strides[0],
                                    j:j + strides[1] * (outs[1] - 1) + 1:strides[1]]
            scale = (pool_size[0] * pool_size[1] / counts).astype(storage)
            y = C.element_times(y, C.constant(scale))
    if not cf:
        y = _from_cf(y, 4)
    return CntkTensor(y, x._dtype)


def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):
    x = _float(x)
    shape = x.static_shape
    ax = M._axis(axis, len(shape))

    def along_axis(p):
        p = _to_tensor(p, x._dtype) if not M._is_engine(p) else _to_tensor(p)
        pn = M._cast_node(p.node, np.dtype(x.node.dtype).name)
        pshape = p.static_shape
        if len(pshape) == 1:
            if pshape[0] != shape[ax]:
                raise ValueError('batch_normalization: a parameter of length %d does not fit '
                                 'axis %d of x (shape %s)' % (pshape[0], ax, shape))
            target = [1] * len(shape)
            target[ax] = pshape[0]
            return M._reshape_node(pn, target)
        return pn

    n = x.node
    y = C.element_divide(C.minus(n, along_axis(mean)),
                         C.sqrt(C.plus(along_axis(var), _const(epsilon, n))))
    if gamma is not None:
        y = C.element_times(y, along_axis(gamma))
    if beta is not None:
        y = C.plus(y, along_axis(beta))
    return _same(x, y)
