"""MXNet adapter: activations, losses, convolution, pooling and normalization.

Convolutions use MXNet's Convolution/Deconvolution/Pooling operators, which on CPU work
in channels_first layout with (out, in, h, w) weights: channels_last inputs and the
library's (h, w, in, out) kernels are transposed here. TensorFlow's 'same' padding puts
the extra row/column at the bottom/right; when before != after the input is padded
explicitly.
"""
import numpy as onp

import mxnet as mx
from mxnet import autograd
from mxnet import np as mnp
from mxnet import npx

from minikeras.backend import numpy_like, state
from minikeras.backend.mxnet import core
from minikeras.backend.mxnet.core import NDArray, _known, _random_tensor, _t
from minikeras.backend.mxnet.math import _logical_and
from minikeras.backend.conv_geometry import (  # noqa: F401
    normalize_tuple as _tuple, padding_amounts as _padding_amounts, geometry as _geometry)


SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


# --- activations --------------------------------------------------------------------

def relu(x, alpha=0., max_value=None, threshold=0.):
    x = _t(x)
    first = core._shadow_of(x)
    if first is not None:   # element-wise: on the channels_first form
        return _from_channels_first(relu(first, alpha, max_value, threshold), 'channels_last')
    if alpha == 0 and threshold == 0:
        # MXNet's Activation op (oneDNN's on float32): forward + backward 2.5x faster
        # than npx.relu on a 128 x 64 x 24 x 24 convolution output
        y = npx.activation(x, act_type='relu') if x.dtype == onp.float32 else npx.relu(x)
    else:
        y = mnp.where(x > threshold, x, alpha * (x - threshold))
    if max_value is not None:
        y = mnp.minimum(y, float(max_value))
    return y


def elu(x, alpha=1.):
    x = _t(x)
    return mnp.where(x > 0, x, alpha * mnp.expm1(mnp.minimum(x, 0.)))


def selu(x):
    return SELU_SCALE * elu(x, SELU_ALPHA)


def sigmoid(x):
    return npx.sigmoid(_t(x))


def hard_sigmoid(x):
    return mnp.clip(0.2 * _t(x) + 0.5, 0., 1.)


def tanh(x):
    return mnp.tanh(_t(x))


def softmax(x, axis=-1):
    return npx.softmax(_t(x), axis=int(axis))


def log_softmax(x, axis=-1):
    return npx.log_softmax(_t(x), axis=int(axis))


def softplus(x):
    x = _t(x)
    # log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)): no overflow
    return npx.relu(x) + mnp.log1p(mnp.exp(-mnp.abs(x)))


def softsign(x):
    x = _t(x)
    return x / (1 + mnp.abs(x))


# --- losses -------------------------------------------------------------------------

def _log_probabilities(output, axis, from_logits):
    """log of the softmax of logits, or of probabilities normalized and clipped to
    [epsilon, 1 - epsilon] along ``axis``."""
    if from_logits:
        return npx.log_softmax(output, axis=axis)
    return numpy_like.log_of_probabilities(mnp, output, axis)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _t(target), _t(output)
    axis = int(axis)
    log_p = _log_probabilities(output, axis, from_logits)
    if target.dtype != log_p.dtype:
        target = target.astype(log_p.dtype)
    return -mnp.sum(target * log_p, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _t(target), _t(output)
    target, axis = numpy_like.sparse_targets(mnp, target, output, axis)
    log_p = _log_probabilities(output, axis, from_logits)
    return -npx.pick(log_p, target.astype('int64'), axis=axis)


def binary_crossentropy(target, output, from_logits=False):
    target, output = _t(target), _t(output)
    if target.dtype != output.dtype:
        target = target.astype(output.dtype)
    if from_logits:
        return (npx.relu(output) - output * target
                + mnp.log1p(mnp.exp(-mnp.abs(output))))
    return numpy_like.binary_crossentropy_of_probabilities(mnp, target, output)


def l2_normalize(x, axis=None):
    return numpy_like.l2_normalize(mnp, _t(x), axis)


def in_top_k(predictions, targets, k):
    predictions = _t(predictions)
    targets = mnp.reshape(_t(targets).astype('int64'), (-1,))
    target_scores = npx.pick(predictions, targets, axis=1)
    higher = mnp.sum((predictions > mnp.expand_dims(target_scores, 1)).astype('int32'),
                     axis=1)
    return _logical_and(higher < int(k), mnp.isfinite(target_scores))


def dropout(x, level, noise_shape=None, seed=None):
    x = _t(x)
    noise_shape = numpy_like.dropout_noise_shape(x, level, noise_shape)
    level = float(level)
    # the kept entries' scale, drawn as one numpy array: (uniform >= level) / (1 - level),
    # made in x's dtype (the same values as dividing in float64 and casting, at less cost)
    dtype = onp.dtype(x.dtype)
    kept = dtype.type(1. / (1. - level))
    scale = _random_tensor(('dropout', noise_shape, level), seed,
                           lambda rng: (rng.uniform(size=noise_shape) >= level).astype(dtype)
                           * kept, dtype.name)
    return x * scale


def _channels_first(data_format):
    return state.normalize_data_format(data_format) == 'channels_first'


_ONES = {}   # (shape, dtype) -> an array of ones


def _ones(shape, dtype):
    key = (shape, onp.dtype(dtype).name)
    if key not in _ONES:
        if len(_ONES) > 32:
            _ONES.clear()
        _ONES[key] = _known(mnp.ones(shape, dtype=key[1]))
    return _ONES[key]


def bias_add(x, bias, data_format=None):
    x, bias = _t(x), _t(bias)
    channel_axis = numpy_like.bias_channel_axis(x, bias, data_format)
    folded = core._fold(x, channel_axis, bias)
    if folded is not None:
        return folded
    if autograd.is_recording() and x.ndim > 1 and x.size and x.dtype == bias.dtype:
        # x + the bias spread to x's shape by products with columns and rows of ones:
        # the same values, but the bias gradient is then matrix products (2-5x faster,
        # forward + backward, than the backward of a broadcast add, a slow reduction in
        # MXNet 1.9 that took 200 ms per step of the MNIST CNN in channels_first).
        c = int(bias.shape[0])
        before = int(onp.prod(x.shape[:channel_axis], dtype=onp.int64))
        after = int(onp.prod(x.shape[channel_axis + 1:], dtype=onp.int64))
        if after > 1:   # (c, after): each channel's value over the axes after it
            row = mnp.reshape(mnp.dot(mnp.reshape(bias, (c, 1)), _ones((1, after), x.dtype)),
                              (1, c * after))
        else:
            row = mnp.reshape(bias, (1, c))
        spread = mnp.dot(_ones((before, 1), x.dtype), row) if before > 1 else row
        return x + (spread if spread.shape == x.shape else mnp.reshape(spread, x.shape))
    if channel_axis == x.ndim - 1:
        return x + bias
    shape = [1] * x.ndim
    shape[channel_axis] = -1
    return x + mnp.reshape(bias, tuple(shape))


# --- convolution geometry (TensorFlow's) --------------------------------------------

def _op_padding(x, pads):
    """Padding for an MXNet op on channels_first ``x``: symmetric amounts go to the op,
    otherwise ``x`` is padded here and the op gets none."""
    if all(b == a for b, a in pads):
        return x, tuple(b for b, _ in pads)
    width = ((0, 0), (0, 0)) + tuple(tuple(p) for p in pads)
    return mnp.pad(x, width, mode='constant'), (0,) * len(pads)


def _transpose(x, axes):
    """``mnp.transpose`` through MXNet's legacy ``transpose`` op, which runs oneDNN's
    reorder for float32 on the CPU: 2-3x faster on the activations a channels_last
    convolution moves to channels_first and back (6 of them per step of the MNIST CNN)."""
    return mx.nd.transpose(x.as_nd_ndarray(), axes=tuple(axes)).as_np_ndarray()


# While a step is traced for capture, a channels_last result that was computed
# channels_first remembers that form (``core._shadow``): a convolution, ReLU or pooling
# that reads it uses that form, so the layout changes between them are left out of the
# captured graph (nothing reads them), as in a network written channels_first.

def _to_channels_first(x, data_format):
    if _channels_first(data_format):
        return x
    first = core._shadow_of(x)
    if first is not None:
        return first
    if x.shape[-1] == 1:   # one channel: the same memory order, no transpose
        return mnp.reshape(x, (x.shape[0], 1) + tuple(x.shape[1:-1]))
    return _transpose(x, (0, x.ndim - 1) + tuple(range(1, x.ndim - 1)))


def _from_channels_first(y, data_format):
    if _channels_first(data_format):
        return y
    if y.shape[1] == 1:
        result = mnp.reshape(y, (y.shape[0],) + tuple(y.shape[2:]) + (1,))
    else:
        result = _transpose(y, (0,) + tuple(range(2, y.ndim)) + (1,))
    if core._traces:
        core._shadow(result, y)
    return result


def _convolve(x, weight, strides, padding, dilation, groups=1, bias=None):
    """Cross-correlation of channels_first ``x`` with MXNet-layout ``weight``
    (out, in/groups, *k), plus ``bias`` (out,) if given."""
    n = x.ndim - 2
    kernel = tuple(weight.shape[2:])
    pads, _ = _geometry(x.shape[2:], kernel, strides, dilation, padding)
    x, pad = _op_padding(x, pads)
    return npx.convolution(x, weight, bias, kernel=kernel, stride=tuple(strides),
                           dilate=tuple(dilation), pad=pad, num_filter=weight.shape[0],
                           num_group=groups, no_bias=bias is None,
                           layout=(None if n != 2 else 'NCHW'))


def _convolution(x, weight, strides, padding, dilation, data_format):
    """``_convolve`` of channels_first ``x`` back in ``data_format``; while a step is
    traced for capture, a ``bias_add`` of the result may fold into the convolution."""
    y = _from_channels_first(_convolve(x, weight, strides, padding, dilation), data_format)
    if core._traces and x.dtype == onp.float32:
        core._foldable(y, 1 if _channels_first(data_format) else y.ndim - 1, lambda bias: (
            _from_channels_first(_convolve(x, weight, strides, padding, dilation, bias=bias),
                                 data_format)))
    return y


def conv1d(x, kernel, strides=1, padding='valid', data_format=None, dilation_rate=1):
    x, kernel = _t(x), _t(kernel)
    if x.ndim != 3:
        raise ValueError('conv1d: expected a 3-D input, received shape %s' % (x.shape,))
    x = _to_channels_first(x, data_format)
    if kernel.ndim != 3 or kernel.shape[1] != x.shape[1]:
        raise ValueError('conv1d: kernel of shape %s does not fit input with %d channels '
                         '(expected (width, %d, out))' % (kernel.shape, x.shape[1], x.shape[1]))
    weight = _transpose(kernel, (2, 1, 0))
    return _convolution(x, weight, _tuple(strides, 1, 'strides'), padding,
                        _tuple(dilation_rate, 1, 'dilation_rate'), data_format)


def conv2d(x, kernel, strides=(1, 1), padding='valid', data_format=None,
           dilation_rate=(1, 1)):
    x, kernel = _t(x), _t(kernel)
    numpy_like.check_2d(x, padding, 'conv2d')
    x = _to_channels_first(x, data_format)
    if kernel.ndim != 4 or kernel.shape[2] != x.shape[1]:
        raise ValueError('conv2d: kernel of shape %s does not fit input with %d channels '
                         '(expected (h, w, %d, out))' % (kernel.shape, x.shape[1], x.shape[1]))
    weight = _transpose(kernel, (3, 2, 0, 1))
    return _convolution(x, weight, _tuple(strides, 2, 'strides'), padding,
                        _tuple(dilation_rate, 2, 'dilation_rate'), data_format)


def conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding='valid',
                     data_format=None, dilation_rate=(1, 1)):
    x, kernel, strides, dilation = numpy_like.conv2d_transpose_args(
        _t, x, kernel, padding, strides, dilation_rate)
    if isinstance(output_shape, NDArray):
        output_shape = output_shape.asnumpy().tolist()
    output_shape = [None if d is None else
                    int(d.asnumpy() if isinstance(d, NDArray) else d) for d in output_shape]
    if not _channels_first(data_format):
        output_shape = [output_shape[0], output_shape[3]] + output_shape[1:3]
    x = _to_channels_first(x, data_format)
    out_channels, out_spatial = output_shape[1], output_shape[2:4]
    if kernel.ndim != 4 or kernel.shape[2] != out_channels or kernel.shape[3] != x.shape[1]:
        raise ValueError('conv2d_transpose: kernel of shape %s does not fit input %s and '
                         'output_shape %s (expected kernel (h, w, %s, %d))'
                         % (kernel.shape, x.shape, output_shape, out_channels, x.shape[1]))
    k = tuple(kernel.shape[:2])
    pads, outs = _geometry(out_spatial, k, strides, dilation, padding)
    if tuple(outs) != tuple(x.shape[2:]):
        raise ValueError('conv2d_transpose: output_shape %s is inconsistent with input shape '
                         '%s: a conv2d of the output would have spatial shape %s'
                         % (output_shape, x.shape, tuple(outs)))
    # The adjoint of conv2d: the input dilated by the strides, padded, and correlated with
    # the flipped kernel. (Not npx.deconvolution: after its oneDNN backward had run, later
    # oneDNN convolutions of other shapes in the process failed with "could not execute
    # a primitive".)
    return _from_channels_first(_transposed_convolution(x, kernel, out_spatial, pads, strides,
                                                       dilation), data_format)


def _transposed_convolution(x, kernel, out_spatial, pads, strides, dilation):
    """Channels-first transposed convolution of ``x`` (n, in, *spatial) with a Keras
    kernel (*k, out, in) to ``out_spatial``, ``pads`` the (before, after) padding of the
    forward convolution: any number of spatial axes."""
    n = len(out_spatial)
    k = tuple(kernel.shape[:n])
    for axis, stride in enumerate(strides, 2):
        x = _dilate(x, axis, stride)
    width = [(0, 0), (0, 0)]
    for size, (before, after), m, kk, d in zip(out_spatial, pads, x.shape[2:], k, dilation):
        span = d * (kk - 1) + 1
        width.append((span - 1 - before, span - 1 - after + size + before + after
                      - (m + span - 1)))
    x = mnp.pad(x, tuple(width), mode='constant')
    weight = mnp.transpose(mnp.flip(kernel, axis=tuple(range(n))),
                           (n, n + 1) + tuple(range(n)))
    return _convolve(x, weight, (1,) * n, 'valid', tuple(dilation))


def _dilate(x, axis, stride):
    """``x`` with ``stride - 1`` zeros between its entries along ``axis``."""
    if stride == 1:
        return x
    moved = mnp.moveaxis(x, axis, -1)
    rest, n = moved.shape[:-1], moved.shape[-1]
    flat = mnp.reshape(moved, (-1, n, 1))  # mx.np.pad takes at most 5 axes
    flat = mnp.pad(flat, ((0, 0), (0, 0), (0, stride - 1)), mode='constant')
    flat = mnp.reshape(flat, (-1, n * stride))[:, :(n - 1) * stride + 1]
    return mnp.moveaxis(mnp.reshape(flat, rest + ((n - 1) * stride + 1,)), -1, axis)


def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding='valid',
                     data_format=None, dilation_rate=(1, 1)):
    x, kernel = _t(x), _t(depthwise_kernel)
    numpy_like.check_2d(x, padding, 'depthwise_conv2d')
    x = _to_channels_first(x, data_format)
    channels = x.shape[1]
    if kernel.ndim != 4 or kernel.shape[2] != channels:
        raise ValueError('depthwise_conv2d: kernel of shape %s does not fit input with %d '
                         'channels (expected (h, w, %d, multiplier))'
                         % (kernel.shape, channels, channels))
    h, w, _, multiplier = kernel.shape
    # output channel c * multiplier + m reads input channel c (MXNet groups)
    weight = mnp.reshape(mnp.transpose(kernel, (2, 3, 0, 1)), (channels * multiplier, 1, h, w))
    y = _convolve(x, weight, _tuple(strides, 2, 'strides'), padding,
                  _tuple(dilation_rate, 2, 'dilation_rate'), groups=channels)
    return _from_channels_first(y, data_format)


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1),
                     padding='valid', data_format=None, dilation_rate=(1, 1)):
    y = depthwise_conv2d(x, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv2d(y, pointwise_kernel, (1, 1), 'valid', data_format, (1, 1))


_valid_counts = {}


def _window_counts(spatial, pool_size, strides, pads, dtype):
    """How many non-padded entries each pooling window covers: (1, 1, out_h, out_w)."""
    key = (tuple(spatial), pool_size, strides, tuple(map(tuple, pads)), dtype)
    found = _valid_counts.get(key)
    if found is None:
        ones = onp.pad(onp.ones(spatial), pads, mode='constant')
        outs = [(n + b + a - k) // s + 1 for n, (b, a), k, s in
                zip(spatial, pads, pool_size, strides)]
        counts = onp.zeros(outs)
        for i in range(outs[0]):
            for j in range(outs[1]):
                counts[i, j] = ones[i * strides[0]:i * strides[0] + pool_size[0],
                                    j * strides[1]:j * strides[1] + pool_size[1]].sum()
        found = mnp.array(counts.reshape((1, 1) + counts.shape), dtype=dtype)
        _valid_counts[key] = found
    return found


def _padding_mask(spatial, pads, dtype):
    """(1, 1, h + pads, w + pads): 0 over the input, -inf over the padding."""
    key = ('mask', tuple(spatial), tuple(map(tuple, pads)), dtype)
    found = _valid_counts.get(key)
    if found is None:
        mask = onp.pad(onp.zeros(spatial), pads, mode='constant', constant_values=-onp.inf)
        found = mnp.array(mask.reshape((1, 1) + mask.shape), dtype=dtype)
        _valid_counts[key] = found
    return found


def pool2d(x, pool_size, strides=(1, 1), padding='valid', data_format=None,
           pool_mode='max'):
    x = _t(x)
    pool_size, strides = numpy_like.pool2d_args(x, pool_size, strides, padding, pool_mode)
    if not _channels_first(data_format) and core._shadow_of(x) is None:
        pads, _ = _geometry(x.shape[1:3], pool_size, strides, (1, 1), padding)
        if all(b == a for b, a in pads):
            # MXNet pools channels_last data on the CPU: no transposes of the activations
            return npx.pooling(x, kernel=pool_size, stride=strides,
                               pad=tuple(b for b, _ in pads), pool_type=pool_mode,
                               pooling_convention='valid', count_include_pad=False,
                               layout='NHWC')
    x = _to_channels_first(x, data_format)
    pads, _ = _geometry(x.shape[2:], pool_size, strides, (1, 1), padding)
    if all(b == a for b, a in pads):
        y = npx.pooling(x, kernel=pool_size, stride=strides, pad=tuple(b for b, _ in pads),
                        pool_type=pool_mode, pooling_convention='valid',
                        count_include_pad=False, layout='NCHW')
    elif pool_mode == 'max':
        # mx.np.pad ignores constant_values: pad with zeros, then add -inf there
        padded = mnp.pad(x, ((0, 0), (0, 0)) + tuple(pads), mode='constant')
        padded = padded + _padding_mask(x.shape[2:], pads, onp.dtype(x.dtype).name)
        y = npx.pooling(padded, kernel=pool_size, stride=strides, pad=(0, 0),
                        pool_type='max', pooling_convention='valid', layout='NCHW')
    else:  # average of the non-padded entries only (TensorFlow)
        padded = mnp.pad(x, ((0, 0), (0, 0)) + tuple(pads), mode='constant')
        total = npx.pooling(padded, kernel=pool_size, stride=strides, pad=(0, 0),
                            pool_type='sum', pooling_convention='valid', layout='NCHW')
        y = total / _window_counts(x.shape[2:], pool_size, strides, pads,
                                   onp.dtype(x.dtype).name)
    return _from_channels_first(y, data_format)


def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):
    return numpy_like.batch_normalization(
        mnp, _t, lambda centered, variance: centered / mnp.sqrt(variance), x, mean, var, beta,
        gamma, axis, epsilon, cast=False)
