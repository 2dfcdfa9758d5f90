"""NumPy reference: activations, losses, convolution, pooling and normalization.

Convolutions are written as one loop over the kernel taps: for each tap, the strided,
dilated window of the (padded) input is multiplied by that tap's (in, out) matrix and
added to the output. Every engine must agree with this.
"""
import itertools

import numpy as np

from minikeras.backend import numpy_like, state
from minikeras.backend.numpy.core import _as_array, _random_state, _value_of
from minikeras.backend.conv_geometry import (  # noqa: F401
    normalize_tuple as _tuple, padding_amounts as _padding_amounts, geometry as _conv_geometry)


SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


# --- activations --------------------------------------------------------------------

def relu(x, alpha=0., max_value=None, threshold=0.):
    x = _as_array(x)
    y = np.where(x > threshold, x, alpha * (x - threshold)).astype(x.dtype)
    if max_value is not None:
        y = np.minimum(y, max_value).astype(x.dtype)
    return y


elu, selu, hard_sigmoid, softsign = numpy_like.activation_ops(
    np, _as_array, SELU_ALPHA, SELU_SCALE)


def sigmoid(x):
    x = _as_array(x)
    e = np.exp(-np.abs(x))  # in (0, 1]: no overflow
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype)


def tanh(x):
    return np.tanh(_as_array(x))


def softmax(x, axis=-1):
    x = _as_array(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x, axis=-1):
    x = _as_array(x)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softplus(x):
    x = _as_array(x)
    return np.logaddexp(0, x).astype(x.dtype)


# --- losses -------------------------------------------------------------------------

def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _as_array(target), _as_array(output)
    if from_logits:
        log_p = log_softmax(output, axis=axis)
    else:
        p = output / np.sum(output, axis=axis, keepdims=True)
        eps = state.epsilon()
        log_p = np.log(np.clip(p, eps, 1 - eps))
    return -np.sum(target * log_p, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _as_array(target), _as_array(output)
    axis = axis % output.ndim
    if target.ndim == output.ndim:
        if target.shape[-1] != 1:
            raise ValueError('sparse_categorical_crossentropy: target of shape %s has as many '
                             'axes as output %s but its last axis is not of length 1'
                             % (target.shape, output.shape))
        target = target[..., 0]
    expected = output.shape[:axis] + output.shape[axis + 1:]
    if target.shape != expected:
        raise ValueError('sparse_categorical_crossentropy: expected integer targets of shape '
                         '%s for output of shape %s, received %s'
                         % (expected, output.shape, target.shape))
    classes = np.arange(output.shape[axis])
    one_hot = np.expand_dims(target.astype('int64'), axis) == classes.reshape(
        [-1 if i == axis else 1 for i in range(output.ndim)])
    return categorical_crossentropy(one_hot.astype(output.dtype), output, from_logits, axis)


def binary_crossentropy(target, output, from_logits=False):
    target, output = _as_array(target), _as_array(output)
    return numpy_like.binary_crossentropy(np, _relu0, target, output, from_logits)


def _relu0(z):
    return np.maximum(z, 0)


def l2_normalize(x, axis=None):
    x = _as_array(x)
    if isinstance(axis, list):
        axis = tuple(axis)
    square_sum = np.sum(np.square(x), axis=axis, keepdims=True)
    return x / np.sqrt(np.maximum(square_sum, state.epsilon()))


def in_top_k(predictions, targets, k):
    predictions = _as_array(predictions)
    targets = _as_array(targets).astype('int64').reshape(-1)
    target_scores = predictions[np.arange(predictions.shape[0]), targets]
    # Like tf.math.in_top_k: ties at the boundary count as inside the top k.
    higher = np.sum(predictions > target_scores[:, None], axis=1)
    return (higher < int(k)) & np.isfinite(target_scores)


def dropout(x, level, noise_shape=None, seed=None):
    x = _as_array(x)
    noise_shape = numpy_like.dropout_noise_shape(x, level, noise_shape)
    keep = _random_state(seed).uniform(size=noise_shape) >= level
    return (x * keep / (1 - level)).astype(x.dtype)


def _channels_first(data_format):
    return state.normalize_data_format(data_format) == 'channels_first'


def bias_add(x, bias, data_format=None):
    x, bias = _as_array(x), _as_array(bias)
    channel_axis = numpy_like.bias_channel_axis(x, bias, data_format)
    shape = [1] * x.ndim
    shape[channel_axis] = -1
    return x + bias.reshape(shape)


# --- convolution --------------------------------------------------------------------

def _window(tap, outs, strides, dilation):
    """Index of the input entries that kernel ``tap`` meets, for every output position."""
    return tuple(slice(t * d, t * d + s * (o - 1) + 1, s)
                 for t, o, s, d in zip(tap, outs, strides, dilation))


def _conv(x, kernel, strides, padding, dilation):
    """Cross-correlation of channels-last ``x`` (batch, *spatial, in) with
    ``kernel`` (*k, in, out)."""
    n = x.ndim - 2
    if kernel.ndim != n + 2 or kernel.shape[-2] != x.shape[-1]:
        raise ValueError('convolution: kernel of shape %s does not fit input of shape %s '
                         '(expected %d spatial axes and %d input channels)'
                         % (kernel.shape, x.shape, n, x.shape[-1]))
    pads, outs = _conv_geometry(x.shape[1:-1], kernel.shape[:n], strides, dilation, padding)
    x = np.pad(x, [(0, 0)] + pads + [(0, 0)], mode='constant')
    y = np.zeros((x.shape[0],) + tuple(outs) + (kernel.shape[-1],),
                 dtype=np.result_type(x, kernel))
    for tap in itertools.product(*[range(k) for k in kernel.shape[:n]]):
        patch = x[(slice(None),) + _window(tap, outs, strides, dilation)]
        y += np.tensordot(patch, kernel[tap], axes=([-1], [0]))
    return y


def _to_channels_last(x, data_format):
    if _channels_first(data_format):
        return np.moveaxis(x, 1, -1)
    return x


def _from_channels_last(y, data_format):
    if _channels_first(data_format):
        return np.moveaxis(y, -1, 1)
    return y


def conv1d(x, kernel, strides=1, padding='valid', data_format=None, dilation_rate=1):
    x, kernel = _as_array(x), _as_array(kernel)
    if x.ndim != 3:
        raise ValueError('conv1d: expected a 3-D input, received shape %s' % (x.shape,))
    y = _conv(_to_channels_last(x, data_format), kernel, _tuple(strides, 1, 'strides'),
              padding, _tuple(dilation_rate, 1, 'dilation_rate'))
    return _from_channels_last(y, data_format)


def _channels_last_2d(x, padding, strides, dilation_rate, data_format, op):
    """A 2-D op's input as channels-last, with its strides and dilation as pairs."""
    numpy_like.check_2d(x, padding, op)
    return (_to_channels_last(x, data_format), _tuple(strides, 2, 'strides'),
            _tuple(dilation_rate, 2, 'dilation_rate'))


def conv2d(x, kernel, strides=(1, 1), padding='valid', data_format=None,
           dilation_rate=(1, 1)):
    x, kernel = _as_array(x), _as_array(kernel)
    numpy_like.check_2d(x, padding, 'conv2d')
    y = _conv(_to_channels_last(x, data_format), kernel, _tuple(strides, 2, 'strides'),
              padding, _tuple(dilation_rate, 2, 'dilation_rate'))
    return _from_channels_last(y, data_format)


def conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding='valid',
                     data_format=None, dilation_rate=(1, 1)):
    x, kernel = _as_array(x), _as_array(kernel)
    x, strides, dilation = _channels_last_2d(x, padding, strides, dilation_rate, data_format,
                                             'conv2d_transpose')
    output_shape = [None if d is None else int(_value_of(d)) for d in _value_of(output_shape)]
    if _channels_first(data_format):
        output_shape = [output_shape[0]] + output_shape[2:] + [output_shape[1]]
    out_spatial, out_channels = output_shape[1:3], output_shape[3]
    if kernel.ndim != 4 or kernel.shape[2] != out_channels or kernel.shape[3] != x.shape[-1]:
        raise ValueError('conv2d_transpose: kernel of shape %s does not fit input %s and '
                         'output_shape %s (expected kernel (h, w, %s, %d))'
                         % (kernel.shape, x.shape, output_shape, out_channels, x.shape[-1]))
    pads, outs = _conv_geometry(out_spatial, kernel.shape[:2], strides, dilation, padding)
    if tuple(outs) != x.shape[1:3]:
        raise ValueError('conv2d_transpose: output_shape %s is inconsistent with input shape '
                         '%s: a conv2d of the output would have spatial shape %s'
                         % (output_shape, x.shape, tuple(outs)))
    # The adjoint of _conv: every tap scatters its contribution back where conv2d read.
    padded = np.zeros((x.shape[0], out_spatial[0] + sum(pads[0]),
                       out_spatial[1] + sum(pads[1]), out_channels),
                      dtype=np.result_type(x, kernel))
    for tap in itertools.product(range(kernel.shape[0]), range(kernel.shape[1])):
        window = (slice(None),) + _window(tap, outs, strides, dilation)
        padded[window] += np.tensordot(x, kernel[tap], axes=([-1], [1]))
    y = padded[:, pads[0][0]:pads[0][0] + out_spatial[0],
               pads[1][0]:pads[1][0] + out_spatial[1], :]
    return _from_channels_last(y, data_format)


def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding='valid',
                     data_format=None, dilation_rate=(1, 1)):
    x, kernel = _as_array(x), _as_array(depthwise_kernel)
    x, strides, dilation = _channels_last_2d(x, padding, strides, dilation_rate, data_format,
                                             'depthwise_conv2d')
    if kernel.ndim != 4 or kernel.shape[2] != x.shape[-1]:
        raise ValueError('depthwise_conv2d: kernel of shape %s does not fit input with %d '
                         'channels (expected (h, w, %d, multiplier))'
                         % (kernel.shape, x.shape[-1], x.shape[-1]))
    pads, outs = _conv_geometry(x.shape[1:3], kernel.shape[:2], strides, dilation, padding)
    x = np.pad(x, [(0, 0)] + pads + [(0, 0)], mode='constant')
    channels, multiplier = kernel.shape[2], kernel.shape[3]
    y = np.zeros((x.shape[0], outs[0], outs[1], channels, multiplier),
                 dtype=np.result_type(x, kernel))
    for tap in itertools.product(range(kernel.shape[0]), range(kernel.shape[1])):
        patch = x[(slice(None),) + _window(tap, outs, strides, dilation)]
        y += patch[..., None] * kernel[tap]
    y = y.reshape(y.shape[:3] + (channels * multiplier,))  # channel c * multiplier + m
    return _from_channels_last(y, data_format)


separable_conv2d = numpy_like.separable_conv2d_op(depthwise_conv2d, conv2d)


def pool2d(x, pool_size, strides=(1, 1), padding='valid', data_format=None,
           pool_mode='max'):
    x = _as_array(x)
    pool_size, strides = numpy_like.pool2d_args(x, pool_size, strides, padding, pool_mode)
    return _pool(x, pool_size, strides, padding, data_format, pool_mode)


def _pool(x, pool_size, strides, padding, data_format, pool_mode):
    """Max or average pooling over every spatial axis of ``x``."""
    x = _to_channels_last(x, data_format)
    ones = (1,) * len(pool_size)
    pads, outs = _conv_geometry(x.shape[1:-1], pool_size, strides, ones, padding)
    valid = np.pad(np.ones(x.shape, dtype=bool), [(0, 0)] + pads + [(0, 0)], mode='constant')
    x = np.pad(x, [(0, 0)] + pads + [(0, 0)], mode='constant')
    windows = [(slice(None),) + _window(tap, outs, strides, ones)
               for tap in itertools.product(*[range(p) for p in pool_size])]
    if pool_mode == 'max':
        y = np.max([np.where(valid[w], x[w], -np.inf) for w in windows], axis=0)
    else:  # padded entries are not counted
        total = np.sum([np.where(valid[w], x[w], 0) for w in windows], axis=0)
        y = total / np.sum([valid[w] for w in windows], axis=0)
    return _from_channels_last(y.astype(x.dtype), data_format)


def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):
    return numpy_like.batch_normalization(np, _as_array, _divide_by_std, x, mean, var, beta,
                                          gamma, axis, epsilon)


def _divide_by_std(centered, variance):
    return centered / np.sqrt(variance)
