"""TensorFlow adapter: 3-D convolution, pooling and padding with TensorFlow's own 3-D
ops (channels-last on CPU, so channels_first inputs are transposed there and back);
separable_conv1d, local_conv1d/2d and resize_volumes from the shared composites."""
import numpy as np

from minikeras.backend import volume_composites
from minikeras.backend.conv_geometry import normalize_tuple as _tuple
from minikeras.backend.tensorflow import core as _core, math as _math, nn as _nn
from minikeras.backend.tensorflow._tf import tf, _t, _rank, _pair, _normalize_format


def conv3d(x, kernel, strides=(1, 1, 1), padding='valid', data_format=None,
           dilation_rate=(1, 1, 1)):
    x, kernel = _pair(x, kernel)
    data_format = _normalize_format(data_format)
    volume_composites.check_5d(x, padding, 'conv3d')
    pad = _nn._padding(padding, 'conv3d')
    strides = _tuple(strides, 3, 'strides')
    dilation = _tuple(dilation_rate, 3, 'dilation_rate')
    x = _nn._to_last(x, data_format)
    if dilation != (1, 1, 1) and not _nn._fast_dilation(kernel, strides, dilation):
        kernel, dilation = _nn._dilate_kernel(kernel, dilation), (1, 1, 1)
    y = tf.nn.convolution(x, kernel, strides=list(strides), padding=pad,
                          dilations=list(dilation))
    return _nn._from_last(y, data_format)


def _transpose_output_shape(x, output_shape, data_format, op):
    """The channels-last output shape of a transposed convolution (batch from ``x`` when
    None), and its static version."""
    n = _rank(x)
    if tf.is_tensor(output_shape):
        dims = tf.unstack(tf.cast(output_shape, tf.int32), num=n)
    else:
        dims = list(output_shape)
        if len(dims) != n:
            raise ValueError('%s: output_shape must have %d entries, received %r'
                             % (op, n, output_shape))
    if data_format == 'channels_first':
        dims = [dims[0]] + dims[2:] + [dims[1]]
    if dims[0] is None:
        dims[0] = tf.shape(x)[0]
    if any(d is None for d in dims[1:]):
        raise ValueError('%s: output_shape %r may leave only the batch size unknown'
                         % (op, output_shape))
    static = [d if isinstance(d, (int, np.integer)) else None for d in dims]
    if any(tf.is_tensor(d) for d in dims):
        return tf.stack([tf.cast(d, tf.int32) if tf.is_tensor(d) else int(d)
                         for d in dims]), static
    return [int(d) for d in dims], static


def conv3d_transpose(x, kernel, output_shape, strides=(1, 1, 1), padding='valid',
                     data_format=None):
    x, kernel = _pair(x, kernel)
    data_format = _normalize_format(data_format)
    volume_composites.check_5d(x, padding, 'conv3d_transpose')
    pad = _nn._padding(padding, 'conv3d_transpose')
    strides = _tuple(strides, 3, 'strides')
    x = _nn._to_last(x, data_format)
    out_shape, static = _transpose_output_shape(x, output_shape, data_format,
                                                'conv3d_transpose')
    y = tf.nn.conv3d_transpose(x, kernel, out_shape, strides=[1] + list(strides) + [1],
                               padding=pad)
    y.set_shape(static)
    return _nn._from_last(y, data_format)


def pool3d(x, pool_size, strides=(1, 1, 1), padding='valid', data_format=None,
           pool_mode='max'):
    x = _t(x)
    data_format = _normalize_format(data_format)
    volume_composites.check_5d(x, padding, 'pool3d')
    pad = _nn._padding(padding, 'pool3d')
    pool_size = list(_tuple(pool_size, 3, 'pool_size'))
    strides = list(_tuple(strides, 3, 'strides'))
    volume_composites.check_pool_mode(pool_mode, 'pool3d')
    x = _nn._to_last(x, data_format)
    if x.dtype in (tf.float32, tf.float16, tf.bfloat16):
        pool = tf.nn.max_pool3d if pool_mode == 'max' else tf.nn.avg_pool3d
        y = pool(x, pool_size, strides, pad)
    else:
        # TensorFlow's CPU 3-D pools take float32 only, its 2-D pools also float64
        y = _separable_pool3d(x, pool_size, strides, padding, 'channels_last', pool_mode)
    return _nn._from_last(y, data_format)


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    x = _t(x)
    pads = volume_composites.spatial_3d_pads(x, padding, _normalize_format(data_format))
    return tf.pad(x, [list(p) for p in pads])


_separable_pool3d = volume_composites.separable_pool3d(_core, _math, _nn)
separable_conv1d, local_conv1d, local_conv2d, resize_volumes = \
    volume_composites.composite_ops(_core, _math, _nn)
