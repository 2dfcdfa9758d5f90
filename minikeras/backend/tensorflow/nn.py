"""TensorFlow adapter: activations, losses, convolution, pooling and normalization.

The library's kernel layouts are TensorFlow's own, so kernels pass through unchanged.
TensorFlow's CPU kernels only support channels-last (NHWC) convolution and pooling, so
'channels_first' inputs are transposed to channels-last and back here.
"""
import numpy as np

from minikeras.backend.conv_geometry import channels_last_output_shape
from minikeras.backend.conv_geometry import normalize_tuple as _tuple
from minikeras.backend.tensorflow._tf import (
    tf, _t, _rank, _to_tensor, _pair, _static_shape, _normalize_format, _epsilon)
from minikeras.backend.tensorflow.random import random_uniform, _keep_mask


def _const(value, like):
    return tf.constant(value, dtype=like.dtype)


# --- activations ---------------------------------------------------------------------

def relu(x, alpha=0., max_value=None, threshold=0.):
    x = _t(x)
    if threshold == 0 and alpha == 0:
        if max_value is not None and max_value == 6:
            return tf.nn.relu6(x)
        y = tf.nn.relu(x)
    elif threshold == 0 and 0 < alpha < 1:
        y = tf.nn.leaky_relu(x, alpha=alpha)
    else:
        y = tf.where(x > _const(threshold, x), x,
                     _const(alpha, x) * (x - _const(threshold, x)))
    if max_value is not None:
        y = tf.minimum(y, _const(max_value, x))
    return y


def elu(x, alpha=1.):
    x = _t(x)
    if alpha == 1:
        return tf.nn.elu(x)
    return tf.where(x > 0, x, _const(alpha, x) * tf.math.expm1(tf.minimum(x, 0)))


def selu(x):
    return tf.nn.selu(_t(x))


def sigmoid(x):
    return tf.sigmoid(_t(x))


def hard_sigmoid(x):
    x = _t(x)
    return tf.clip_by_value(_const(0.2, x) * x + _const(0.5, x), _const(0., x),
                            _const(1., x))


def tanh(x):
    return tf.tanh(_t(x))


def softmax(x, axis=-1):
    return tf.nn.softmax(_t(x), axis=int(axis))


def log_softmax(x, axis=-1):
    return tf.nn.log_softmax(_t(x), axis=int(axis))


def softplus(x):
    return tf.nn.softplus(_t(x))


def softsign(x):
    return tf.nn.softsign(_t(x))


# --- losses --------------------------------------------------------------------------

def _loss_pair(output, target):
    """``output`` and ``target`` as tensors of ``output``'s dtype."""
    output = _t(output)
    target = _to_tensor(target, output.dtype)
    if target.dtype != output.dtype:
        target = tf.cast(target, output.dtype)
    return output, target


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output, target = _loss_pair(output, target)
    axis = int(axis)
    if from_logits:
        return tf.nn.softmax_cross_entropy_with_logits(labels=target, logits=output,
                                                       axis=axis)
    output = output / tf.reduce_sum(output, axis, keepdims=True)
    eps = _epsilon()
    output = tf.clip_by_value(output, _const(eps, output), _const(1. - eps, output))
    return -tf.reduce_sum(target * tf.math.log(output), axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _t(output)
    target = _t(target)
    rank = _rank(output)
    axis = int(axis) % rank
    if _rank(target) == rank:
        if target.shape[-1] is not None and target.shape[-1] != 1:
            raise ValueError('sparse_categorical_crossentropy: target of shape %s has as many '
                             'axes as output %s but its last axis is not of length 1'
                             % (target.shape, output.shape))
        target = tf.squeeze(target, [-1])
    elif _rank(target) != rank - 1:
        raise ValueError('sparse_categorical_crossentropy: expected integer targets with %d '
                         'axes for output of shape %s, received shape %s'
                         % (rank - 1, output.shape, target.shape))
    if not target.dtype.is_integer:
        target = tf.cast(target, tf.int64)
    if axis != rank - 1:
        perm = [i for i in range(rank) if i != axis] + [axis]
        output = tf.transpose(output, perm)
    if from_logits:
        return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=target, logits=output)
    output = output / tf.reduce_sum(output, -1, keepdims=True)
    eps = _epsilon()
    output = tf.clip_by_value(output, _const(eps, output), _const(1. - eps, output))
    picked = tf.gather(output, target, batch_dims=rank - 1)
    return -tf.math.log(picked)


def binary_crossentropy(target, output, from_logits=False):
    output, target = _loss_pair(output, target)
    if from_logits:
        return tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    eps = _epsilon()
    p = tf.clip_by_value(output, _const(eps, output), _const(1. - eps, output))
    return -(target * tf.math.log(p) + (1. - target) * tf.math.log(1. - p))


def l2_normalize(x, axis=None):
    x = _t(x)
    square_sum = tf.reduce_sum(tf.square(x), axis, keepdims=True)
    return x * tf.math.rsqrt(tf.maximum(square_sum, _const(_epsilon(), x)))


def in_top_k(predictions, targets, k):
    predictions = _t(predictions)
    targets = tf.reshape(_t(targets), [-1])
    if not targets.dtype.is_integer:
        targets = tf.cast(targets, tf.int64)
    if predictions.dtype != tf.float32:
        predictions = tf.cast(predictions, tf.float32)
    return tf.math.in_top_k(targets, predictions, int(k))


def dropout(x, level, noise_shape=None, seed=None):
    x = _t(x)
    if not tf.is_tensor(level) and not 0 <= level < 1:
        raise ValueError('dropout: level must be in [0, 1), received %r' % (level,))
    if noise_shape is None:
        noise_shape = tf.shape(x)
        size = _size_hint(_static_shape(x))
    elif not tf.is_tensor(noise_shape):
        noise_shape = list(noise_shape)
        if len(noise_shape) != _rank(x):
            raise ValueError('dropout: noise_shape %r must have one entry per axis of x '
                             '(shape %s)' % (noise_shape, x.shape))
        static = _static_shape(x)
        if any(d is None and static[i] is None for i, d in enumerate(noise_shape)):
            dynamic = tf.shape(x)
            noise_shape = tf.stack([dynamic[i] if d is None else int(d)
                                    for i, d in enumerate(noise_shape)])
            size = 0
        else:
            noise_shape = tuple(static[i] if d is None else int(d)
                                for i, d in enumerate(noise_shape))
            size = _size_hint(noise_shape)
    else:
        size = 0
    keep = None
    if not tf.is_tensor(level):
        # The same keep probability as comparing a float draw, from 4 to 32 times fewer
        # random words (the float draw was 3.6 ms of a 65 ms MNIST CNN step).
        keep = _keep_mask(noise_shape, float(level), seed, size)
    if keep is not None:
        return x * (tf.cast(keep, x.dtype) * _const(1. / (1. - float(level)), x))
    level = tf.cast(level, x.dtype)
    keep = random_uniform(noise_shape, dtype=x.dtype.name, seed=seed) >= level
    return x * tf.cast(keep, x.dtype) / (1. - level)


def _size_hint(shape):
    """About how many elements a mask of ``shape`` has, an unknown batch size counted as
    32 (Keras's default), 0 for an unknown rank: it only chooses between two equally
    exact ways to draw the mask."""
    if shape is None:
        return 0
    return int(np.prod([32 if d is None else d for d in shape], dtype=np.int64))


def bias_add(x, bias, data_format=None):
    x, bias = _pair(x, bias)
    data_format = _normalize_format(data_format)
    rank = _rank(x)
    channel_axis = 1 if data_format == 'channels_first' and rank > 2 else rank - 1
    if _rank(bias) != 1 or (x.shape[channel_axis] is not None and bias.shape[0] is not None
                            and bias.shape[0] != x.shape[channel_axis]):
        raise ValueError('bias_add: expected a 1-D bias of length %s (axis %d of x, shape %s), '
                         'received shape %s' % (x.shape[channel_axis], channel_axis, x.shape,
                                                bias.shape))
    if channel_axis == rank - 1:
        return tf.nn.bias_add(x, bias)
    shape = [1] * rank
    shape[channel_axis] = -1
    return x + tf.reshape(bias, shape)


# --- convolution ---------------------------------------------------------------------

def _padding(padding, op, allowed=('valid', 'same')):
    if padding not in allowed:
        raise ValueError('%s: padding must be one of %s, received %r'
                         % (op, ', '.join(repr(a) for a in allowed), padding))
    return padding.upper()


def _check_rank(x, n, op):
    if _rank(x) != n:
        raise ValueError('%s: expected a %d-D input, received shape %s' % (op, n, x.shape))


def _to_last(x, data_format):
    if data_format == 'channels_first':
        r = _rank(x)
        return tf.transpose(x, [0] + list(range(2, r)) + [1])
    return x


def _channels_last(x, rank, data_format, padding, op, allowed=('valid', 'same')):
    """What every convolution and pooling checks first: ``x`` must have ``rank`` axes and
    ``padding`` be one of ``allowed``. Returns ``x`` moved to channels-last, the data
    format and TensorFlow's padding name."""
    data_format = _normalize_format(data_format)
    _check_rank(x, rank, op)
    pad = _padding(padding, op, allowed)
    return _to_last(x, data_format), data_format, pad


def _from_last(y, data_format):
    if data_format == 'channels_first':
        r = _rank(y)
        return tf.transpose(y, [0, r - 1] + list(range(1, r - 1)))
    return y


def _dilate_kernel(kernel, dilation):
    """``kernel`` (*spatial, ...) with ``d - 1`` zeros inserted between taps along each
    spatial axis, so a dilated convolution becomes an undilated one (works when
    TensorFlow's own dilated convolution does not: dynamic kernel shapes, or strides and
    dilation together)."""
    for axis, d in enumerate(dilation):
        if d == 1:
            continue
        shape = tf.shape(kernel)
        k = shape[axis]
        expanded = tf.expand_dims(kernel, axis + 1)                     # (.., k, 1, ..)
        pads = [[0, 0]] * (kernel.shape.rank + 1)
        pads[axis + 1] = [0, d - 1]
        expanded = tf.pad(expanded, pads)                               # (.., k, d, ..)
        merged = tf.concat([shape[:axis], [k * d], shape[axis + 1:]], 0)
        kernel_dilated = tf.reshape(expanded, merged)
        begin = tf.zeros_like(shape)
        size = tf.tensor_scatter_nd_update(-tf.ones_like(shape), [[axis]], [(k - 1) * d + 1])
        static = kernel.shape.as_list()
        kernel = tf.slice(kernel_dilated, begin, size)
        if static[axis] is not None:
            static[axis] = (static[axis] - 1) * d + 1
        kernel.set_shape(static)
    return kernel


def _fast_dilation(kernel, strides, dilation):
    """True when TensorFlow's own dilated convolution (space-to-batch) can be used."""
    return (all(s == 1 for s in strides)
            and kernel.shape[:len(dilation)].is_fully_defined())


def _conv_nd(x, kernel, strides, pad, dilation):
    """Channels-last convolution with every stride/dilation combination the reference
    allows, differentiable on CPU."""
    if all(d == 1 for d in dilation):
        if len(strides) == 1:
            return tf.nn.conv1d(x, kernel, stride=strides[0], padding=pad)
        return tf.nn.conv2d(x, kernel, strides=list(strides), padding=pad)
    if _fast_dilation(kernel, strides, dilation):
        return tf.nn.convolution(x, kernel, strides=list(strides), padding=pad,
                                 dilations=list(dilation))
    kernel = _dilate_kernel(kernel, dilation)
    return _conv_nd(x, kernel, strides, pad, (1,) * len(dilation))


def conv1d(x, kernel, strides=1, padding='valid', data_format=None, dilation_rate=1):
    x, kernel = _pair(x, kernel)
    x, data_format, pad = _channels_last(x, 3, data_format, padding, 'conv1d',
                                         ('valid', 'same', 'causal'))
    strides = _tuple(strides, 1, 'strides')
    dilation = _tuple(dilation_rate, 1, 'dilation_rate')
    if pad == 'CAUSAL':
        width = kernel.shape[0]
        if width is None:
            width = tf.shape(kernel)[0]
        left = dilation[0] * (width - 1)
        x = tf.pad(x, [[0, 0], [left, 0], [0, 0]])
        pad = 'VALID'
    y = _conv_nd(x, kernel, strides, pad, dilation)
    return _from_last(y, data_format)


def conv2d(x, kernel, strides=(1, 1), padding='valid', data_format=None,
           dilation_rate=(1, 1)):
    x, kernel = _pair(x, kernel)
    x, data_format, pad = _channels_last(x, 4, data_format, padding, 'conv2d')
    y = _conv_nd(x, kernel, _tuple(strides, 2, 'strides'), pad,
                 _tuple(dilation_rate, 2, 'dilation_rate'))
    return _from_last(y, data_format)


def conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding='valid',
                     data_format=None, dilation_rate=(1, 1)):
    x, kernel = _pair(x, kernel)
    x, data_format, pad = _channels_last(x, 4, data_format, padding, 'conv2d_transpose')
    strides = _tuple(strides, 2, 'strides')
    dilation = _tuple(dilation_rate, 2, 'dilation_rate')
    dims = tf.unstack(tf.cast(output_shape, tf.int32), num=4) if tf.is_tensor(output_shape) \
        else output_shape
    dims = channels_last_output_shape(dims, data_format)
    if dims[0] is None:
        dims[0] = tf.shape(x)[0]
    for i in (1, 2, 3):
        if dims[i] is None:
            raise ValueError('conv2d_transpose: output_shape %r may leave only the batch '
                             'size unknown' % (output_shape,))
    static = [d if isinstance(d, (int, np.integer)) else None for d in dims]
    if any(tf.is_tensor(d) for d in dims):
        out_shape = tf.stack([tf.cast(d, tf.int32) if tf.is_tensor(d) else int(d)
                              for d in dims])
    else:
        out_shape = [int(d) for d in dims]
    if dilation != (1, 1):
        if strides != (1, 1) or dilation[0] != dilation[1]:
            raise ValueError('conv2d_transpose: TensorFlow supports dilation_rate %r only '
                             'with strides (1, 1) and equal rates, received strides %r'
                             % (dilation, strides))
        y = tf.nn.atrous_conv2d_transpose(x, kernel, out_shape, dilation[0], pad)
    else:
        y = tf.nn.conv2d_transpose(x, kernel, out_shape, strides=[1, strides[0], strides[1], 1],
                                   padding=pad)
    y.set_shape(static)
    return _from_last(y, data_format)


def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding='valid',
                     data_format=None, dilation_rate=(1, 1)):
    x, kernel = _pair(x, depthwise_kernel)
    x, data_format, pad = _channels_last(x, 4, data_format, padding, 'depthwise_conv2d')
    y = _depthwise(x, kernel, _tuple(strides, 2, 'strides'), pad,
                   _tuple(dilation_rate, 2, 'dilation_rate'))
    return _from_last(y, data_format)


def _depthwise(x, kernel, strides, pad, dilation):
    if dilation != (1, 1) and not _fast_dilation(kernel, strides, dilation):
        kernel, dilation = _dilate_kernel(kernel, dilation), (1, 1)
    return tf.nn.depthwise_conv2d(x, kernel, strides=[1, strides[0], strides[1], 1],
                                  padding=pad, dilations=list(dilation))


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1),
                     padding='valid', data_format=None, dilation_rate=(1, 1)):
    x, dk = _pair(x, depthwise_kernel)
    pk = _to_tensor(pointwise_kernel, x.dtype)
    x, data_format, pad = _channels_last(x, 4, data_format, padding, 'separable_conv2d')
    strides = _tuple(strides, 2, 'strides')
    dilation = _tuple(dilation_rate, 2, 'dilation_rate')
    if dilation == (1, 1) or _fast_dilation(dk, strides, dilation):
        y = tf.nn.separable_conv2d(x, dk, pk, strides=[1, strides[0], strides[1], 1],
                                   padding=pad, dilations=list(dilation))
    else:
        y = tf.nn.conv2d(_depthwise(x, dk, strides, pad, dilation), pk, 1, 'VALID')
    return _from_last(y, data_format)


def pool2d(x, pool_size, strides=(1, 1), padding='valid', data_format=None,
           pool_mode='max'):
    x, data_format, pad = _channels_last(_t(x), 4, data_format, padding, 'pool2d')
    pool_size = list(_tuple(pool_size, 2, 'pool_size'))
    strides = list(_tuple(strides, 2, 'strides'))
    if pool_mode == 'max':
        before_relu = _relu_input(x)
        pooled = x if before_relu is None else before_relu
        _bias_gradient_after_pooling(pooled)
        y = tf.nn.max_pool2d(pooled, pool_size, strides, pad)
        if before_relu is not None:
            # ReLU and max are both monotone, so max_pool(relu(z)) = relu(max_pool(z)),
            # values and gradients (ties go to the same first maximum): the ReLU and its
            # gradient then run over the pooled tensor, a quarter of the size for 2 x 2.
            y = tf.nn.relu(y)
    elif pool_mode == 'avg':
        y = tf.nn.avg_pool2d(x, pool_size, strides, pad)
    else:
        raise ValueError("pool2d: pool_mode must be 'max' or 'avg', received %r" % (pool_mode,))
    return _from_last(y, data_format)


def _bias_gradient_after_pooling(z):
    """When max pooling reads a bias add's output ``z`` in a traced graph, give that bias
    add a gradient that sums the bias gradient over the pooled gradient.

    Max pooling's gradient hands each pooled value's gradient to exactly one input
    position, so summed per channel the pooled gradient equals the gradient of ``z``:
    the same bias gradient from a quarter of the elements (2 x 2 pooling). And the
    convolution's filter gradient then runs without the bias gradient fused into it,
    which oneDNN does in 17.5 instead of 20.4 ms for the MNIST CNN's second convolution.
    Where ``z`` also feeds something else (its gradient is then a sum, not the pooling's
    gradient alone) the bias gradient is TensorFlow's own."""
    if tf.executing_eagerly() or not hasattr(z, 'op') or z.op.type != 'BiasAdd':
        return
    z.op._gradient_function = _pooled_bias_add_gradient


def _pooled_bias_add_gradient(op, grad):
    summed = grad
    source = grad.op
    if (source.type in ('MaxPoolGrad', 'MaxPoolGradV2')
            and source.inputs[0].name == op.outputs[0].name):
        summed = source.inputs[2]           # the gradient of the pooled values
    return grad, tf.raw_ops.BiasAddGrad(out_backprop=summed,
                                        data_format=op.get_attr('data_format'))


def _relu_input(x):
    """The input of the ReLU that made ``x`` in a traced graph, else None."""
    if tf.executing_eagerly() or not hasattr(x, 'op') or x.op.type != 'Relu':
        return None
    return x.op.inputs[0]


def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):
    x = _t(x)
    rank = _rank(x)
    axis = int(axis) % rank

    def along_axis(p):
        p = _to_tensor(p, x.dtype)
        if p.shape.rank == 1 and axis != rank - 1:
            shape = [1] * rank
            shape[axis] = -1
            return tf.reshape(p, shape)
        return p

    inv = tf.math.rsqrt(along_axis(var) + _const(epsilon, x))
    if gamma is not None:
        inv = inv * along_axis(gamma)
    y = (x - along_axis(mean)) * inv
    if beta is not None:
        y = y + along_axis(beta)
    return y
