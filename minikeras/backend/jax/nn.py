"""JAX adapter: activations, losses, convolution, pooling and normalization.

Convolutions are ``lax.conv_general_dilated`` with the library's kernel layouts given as
dimension numbers (no transposes); 'same' padding amounts come from ``conv_geometry``
(TensorFlow's: the extra row/column at the end) and are passed explicitly.
"""
from minikeras.backend import numpy_like
from minikeras.backend.jax import _trace
from minikeras.backend.jax._jax import (
    jax, jnp, lax, np, _channels_first, _t)
from minikeras.backend.jax.random import _key
from minikeras.backend.conv_geometry import normalize_tuple as _tuple, geometry as _geometry


SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


# --- activations --------------------------------------------------------------------

def relu(x, alpha=0., max_value=None, threshold=0.):
    x = _t(x)
    if alpha == 0 and threshold == 0:
        y = jax.nn.relu(x)
    else:
        y = jnp.where(x > threshold, x, alpha * (x - threshold))
    if max_value is not None:
        y = jnp.minimum(y, max_value)
    return y.astype(x.dtype)


elu, selu, hard_sigmoid, softsign = numpy_like.activation_ops(
    jnp, _t, SELU_ALPHA, SELU_SCALE)


def sigmoid(x):
    return jax.nn.sigmoid(_t(x))


def tanh(x):
    return jnp.tanh(_t(x))


def softmax(x, axis=-1):
    return jax.nn.softmax(_t(x), axis=int(axis))


def log_softmax(x, axis=-1):
    return jax.nn.log_softmax(_t(x), axis=int(axis))


def softplus(x):
    return jax.nn.softplus(_t(x))


# --- losses -------------------------------------------------------------------------

def _log_probabilities(output, axis, from_logits):
    if from_logits:
        return jax.nn.log_softmax(output, axis=axis)
    return numpy_like.log_of_probabilities(jnp, output, axis)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _t(target), _t(output)
    log_p = _log_probabilities(output, int(axis), from_logits)
    return -jnp.sum(target.astype(log_p.dtype) * log_p, axis=int(axis))


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _t(target), _t(output)
    target, axis = numpy_like.sparse_targets(jnp, target, output, axis)
    log_p = _log_probabilities(output, axis, from_logits)
    index = jnp.expand_dims(target.astype('int32'), axis)
    return -jnp.squeeze(jnp.take_along_axis(log_p, index, axis=axis), axis=axis)


def binary_crossentropy(target, output, from_logits=False):
    target, output = _t(target), _t(output)
    target = target.astype(output.dtype)
    return numpy_like.binary_crossentropy(jnp, jax.nn.relu, target, output, from_logits)


def l2_normalize(x, axis=None):
    return numpy_like.l2_normalize(jnp, _t(x), axis)


def in_top_k(predictions, targets, k):
    predictions = _t(predictions)
    targets = jnp.reshape(_t(targets).astype('int32'), (-1,))
    target_scores = jnp.take_along_axis(predictions, targets[:, None], axis=1)
    higher = jnp.sum(predictions > target_scores, axis=1)
    return (higher < int(k)) & jnp.isfinite(target_scores[:, 0])


def dropout(x, level, noise_shape=None, seed=None):
    x = _t(x)
    noise_shape = numpy_like.dropout_noise_shape(x, level, noise_shape)
    keep = jax.random.uniform(_key(seed), noise_shape, dtype=x.dtype) >= level
    return jnp.where(keep, x / (1 - level), 0).astype(x.dtype)


def bias_add(x, bias, data_format=None):
    x, bias = _t(x), _t(bias)
    channel_axis = numpy_like.bias_channel_axis(x, bias, data_format)
    if channel_axis == x.ndim - 1:
        out = x + bias
        _trace._note_projection(out, x, None, bias)
        return out
    shape = [1] * x.ndim
    shape[channel_axis] = -1
    return x + jnp.reshape(bias, tuple(shape))


# --- convolution --------------------------------------------------------------------

def _spatial(x, data_format):
    return tuple(x.shape[2:]) if _channels_first(data_format) else tuple(x.shape[1:-1])


def _channels(x, data_format):
    return x.shape[1] if _channels_first(data_format) else x.shape[-1]


def _numbers(n, data_format):
    """(input/output layout, kernel layout) for ``n`` spatial axes."""
    axes = 'HW'[:n] if n == 2 else 'W'
    io = ('NC' + axes) if _channels_first(data_format) else ('N' + axes + 'C')
    return (io, axes + 'IO', io)


def _convolve(x, kernel, strides, padding, dilation, data_format, groups=1):
    """Cross-correlation with a (*k, in/groups, out) kernel."""
    n = kernel.ndim - 2
    x, kernel = _same(x, kernel)
    pads, _ = _geometry(_spatial(x, data_format), kernel.shape[:n], strides, dilation,
                        padding)
    return lax.conv_general_dilated(
        x, kernel, window_strides=tuple(strides), padding=[tuple(p) for p in pads],
        rhs_dilation=tuple(dilation), dimension_numbers=_numbers(n, data_format),
        feature_group_count=groups, precision=lax.Precision.HIGHEST)


def _same(x, kernel):
    common = jnp.result_type(x, kernel)
    return x.astype(common), kernel.astype(common)


def _check_kernel(op, x, kernel, data_format, spatial):
    """A kernel (*spatial, in, out) must take ``x``'s channels."""
    channels = _channels(x, data_format)
    if kernel.ndim != len(spatial) + 2 or kernel.shape[-2] != channels:
        raise ValueError('%s: kernel of shape %s does not fit input with %d channels '
                         '(expected (%s, %d, out))'
                         % (op, kernel.shape, channels, ', '.join(spatial), channels))


def conv1d(x, kernel, strides=1, padding='valid', data_format=None, dilation_rate=1):
    x, kernel = _t(x), _t(kernel)
    if x.ndim != 3:
        raise ValueError('conv1d: expected a 3-D input, received shape %s' % (x.shape,))
    _check_kernel('conv1d', x, kernel, data_format, ('width',))
    return _convolve(x, kernel, _tuple(strides, 1, 'strides'), padding,
                     _tuple(dilation_rate, 1, 'dilation_rate'), data_format)


def conv2d(x, kernel, strides=(1, 1), padding='valid', data_format=None,
           dilation_rate=(1, 1)):
    x, kernel = _t(x), _t(kernel)
    numpy_like.check_2d(x, padding, 'conv2d')
    _check_kernel('conv2d', x, kernel, data_format, ('h', 'w'))
    return _convolve(x, kernel, _tuple(strides, 2, 'strides'), padding,
                     _tuple(dilation_rate, 2, 'dilation_rate'), data_format)


def _output_shape(output_shape, data_format):
    if isinstance(output_shape, (jax.Array, np.ndarray)):
        output_shape = np.asarray(output_shape).tolist()
    output_shape = [None if d is None else int(np.asarray(d)) for d in output_shape]
    if _channels_first(data_format):
        return output_shape[1], output_shape[2:4]
    return output_shape[3], output_shape[1:3]


def conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding='valid',
                     data_format=None, dilation_rate=(1, 1)):
    x, kernel, strides, dilation = numpy_like.conv2d_transpose_args(
        _t, x, kernel, padding, strides, dilation_rate)
    out_channels, out_spatial = _output_shape(output_shape, data_format)
    in_spatial = _spatial(x, data_format)
    if kernel.ndim != 4 or kernel.shape[2] != out_channels or \
            kernel.shape[3] != _channels(x, data_format):
        raise ValueError('conv2d_transpose: kernel of shape %s does not fit input %s and '
                         'output_shape %s (expected kernel (h, w, %s, %d))'
                         % (kernel.shape, x.shape, output_shape, out_channels,
                            _channels(x, data_format)))
    k = tuple(kernel.shape[:2])
    pads, outs = _geometry(out_spatial, k, strides, dilation, padding)
    if tuple(outs) != in_spatial:
        raise ValueError('conv2d_transpose: output_shape %s is inconsistent with input shape '
                         '%s: a conv2d of the output would have spatial shape %s'
                         % (output_shape, x.shape, tuple(outs)))
    # The adjoint of conv2d: the input dilated by the strides, correlated with the
    # flipped kernel; the padding crops/extends to the requested output.
    lax_pads = []
    for size, (before, after), n, kk, s, d in zip(out_spatial, pads, in_spatial, k,
                                                   strides, dilation):
        span = d * (kk - 1) + 1
        adj = size + before + after - ((n - 1) * s + span)
        lax_pads.append((span - 1 - before, span - 1 - after + adj))
    x, kernel = _same(x, kernel)
    flipped = jnp.flip(jnp.swapaxes(kernel, 2, 3), axis=(0, 1))
    return lax.conv_general_dilated(
        x, flipped, window_strides=(1, 1), padding=lax_pads, lhs_dilation=strides,
        rhs_dilation=dilation, dimension_numbers=_numbers(2, data_format),
        precision=lax.Precision.HIGHEST)


def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding='valid',
                     data_format=None, dilation_rate=(1, 1)):
    x, kernel = _t(x), _t(depthwise_kernel)
    numpy_like.check_2d(x, padding, 'depthwise_conv2d')
    channels = _channels(x, data_format)
    if kernel.ndim != 4 or kernel.shape[2] != channels:
        raise ValueError('depthwise_conv2d: kernel of shape %s does not fit input with %d '
                         'channels (expected (h, w, %d, multiplier))'
                         % (kernel.shape, channels, channels))
    h, w, _, multiplier = kernel.shape
    # output channel c * multiplier + m reads input channel c (feature groups)
    kernel = jnp.reshape(kernel, (h, w, 1, channels * multiplier))
    return _convolve(x, kernel, _tuple(strides, 2, 'strides'), padding,
                     _tuple(dilation_rate, 2, 'dilation_rate'), data_format, groups=channels)


separable_conv2d = numpy_like.separable_conv2d_op(depthwise_conv2d, conv2d)


def pool2d(x, pool_size, strides=(1, 1), padding='valid', data_format=None,
           pool_mode='max'):
    x = _t(x)
    pool_size, strides = numpy_like.pool2d_args(x, pool_size, strides, padding, pool_mode)
    pads, _ = _geometry(_spatial(x, data_format), pool_size, strides, (1, 1), padding)
    first = _channels_first(data_format)
    window = (1, 1) + pool_size if first else (1,) + pool_size + (1,)
    step = (1, 1) + strides if first else (1,) + strides + (1,)
    full = [(0, 0), (0, 0)] + list(pads) if first else [(0, 0)] + list(pads) + [(0, 0)]
    if pool_mode == 'max':
        return lax.reduce_window(x, -jnp.inf, lax.max, window, step, full).astype(x.dtype)
    total = lax.reduce_window(x, 0., lax.add, window, step, full)
    ones = np.ones(x.shape[2:] if first else x.shape[1:3], dtype=np.dtype(x.dtype))
    counts = lax.reduce_window(jnp.asarray(ones), 0., lax.add, pool_size, strides,
                               list(pads))
    counts = counts if first else counts[:, :, None]
    return (total / counts).astype(x.dtype)


def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):
    return numpy_like.batch_normalization(jnp, _t, _divide_by_std, x, mean, var, beta,
                                          gamma, axis, epsilon)


def _divide_by_std(centered, variance):
    return centered * lax.rsqrt(variance)
