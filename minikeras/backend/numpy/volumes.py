"""NumPy reference: 3-D convolution, pooling, padding and resizing; separable 1-D and
locally-connected convolution, written directly (loops over taps and output positions)
so that the adapters' versions have an independent oracle."""
import itertools

import numpy as np

from minikeras.backend import state
from minikeras.backend.volume_composites import check_5d, check_pool_mode, spatial_3d_pads
from minikeras.backend.numpy.core import _as_array, _value_of
from minikeras.backend.numpy.nn import (
    _conv, _conv_geometry, _from_channels_last, _pool, _to_channels_last, _tuple, _window)


def conv3d(x, kernel, strides=(1, 1, 1), padding='valid', data_format=None,
           dilation_rate=(1, 1, 1)):
    x, kernel = _as_array(x), _as_array(kernel)
    check_5d(x, padding, 'conv3d')
    y = _conv(_to_channels_last(x, data_format), kernel, _tuple(strides, 3, 'strides'),
              padding, _tuple(dilation_rate, 3, 'dilation_rate'))
    return _from_channels_last(y, data_format)


def _output_dims(output_shape, data_format, n):
    dims = [None if d is None else int(_value_of(d)) for d in _value_of(output_shape)]
    if len(dims) != n + 2:
        raise ValueError('expected an output_shape of %d entries, received %r'
                         % (n + 2, output_shape))
    if state.normalize_data_format(data_format) == 'channels_first':
        dims = [dims[0]] + dims[2:] + [dims[1]]
    return dims


def conv3d_transpose(x, kernel, output_shape, strides=(1, 1, 1), padding='valid',
                     data_format=None):
    x, kernel = _as_array(x), _as_array(kernel)
    check_5d(x, padding, 'conv3d_transpose')
    x = _to_channels_last(x, data_format)
    strides = _tuple(strides, 3, 'strides')
    dims = _output_dims(output_shape, data_format, 3)
    out_spatial, out_channels = dims[1:4], dims[4]
    if kernel.ndim != 5 or kernel.shape[3] != out_channels or kernel.shape[4] != x.shape[-1]:
        raise ValueError('conv3d_transpose: kernel of shape %s does not fit input %s and '
                         'output_shape %s (expected kernel (d, h, w, %s, %d))'
                         % (kernel.shape, x.shape, tuple(output_shape), out_channels,
                            x.shape[-1]))
    pads, outs = _conv_geometry(out_spatial, kernel.shape[:3], strides, (1, 1, 1), padding)
    if tuple(outs) != x.shape[1:4]:
        raise ValueError('conv3d_transpose: output_shape %s is inconsistent with input shape '
                         '%s: a conv3d of the output would have spatial shape %s'
                         % (tuple(output_shape), x.shape, tuple(outs)))
    # The adjoint of conv3d: every tap scatters its contribution back where conv3d read.
    padded = np.zeros((x.shape[0],) + tuple(o + sum(p) for o, p in zip(out_spatial, pads))
                      + (out_channels,), dtype=np.result_type(x, kernel))
    for tap in itertools.product(*[range(k) for k in kernel.shape[:3]]):
        window = (slice(None),) + _window(tap, outs, strides, (1, 1, 1))
        padded[window] += np.tensordot(x, kernel[tap], axes=([-1], [1]))
    crop = tuple(slice(p[0], p[0] + o) for p, o in zip(pads, out_spatial))
    return _from_channels_last(padded[(slice(None),) + crop], data_format)


def pool3d(x, pool_size, strides=(1, 1, 1), padding='valid', data_format=None,
           pool_mode='max'):
    x = _as_array(x)
    check_5d(x, padding, 'pool3d')
    check_pool_mode(pool_mode, 'pool3d')
    return _pool(x, _tuple(pool_size, 3, 'pool_size'), _tuple(strides, 3, 'strides'),
                 padding, data_format, pool_mode)


def _spatial_axes(data_format):
    if state.normalize_data_format(data_format) == 'channels_first':
        return (2, 3, 4)
    return (1, 2, 3)


def resize_volumes(x, depth_factor, height_factor, width_factor, data_format):
    x = _as_array(x)
    if data_format not in ('channels_first', 'channels_last'):
        raise ValueError("resize_volumes: data_format must be 'channels_first' or "
                         "'channels_last', received %r" % (data_format,))
    if x.ndim != 5:
        raise ValueError('resize_volumes: expected a 5-D input, received shape %s' % (x.shape,))
    for axis, factor in zip(_spatial_axes(data_format),
                            (depth_factor, height_factor, width_factor)):
        x = np.repeat(x, int(factor), axis=axis)
    return x


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    x = _as_array(x)
    return np.pad(x, spatial_3d_pads(x, padding, data_format), mode='constant')


def separable_conv1d(x, depthwise_kernel, pointwise_kernel, strides=1, padding='valid',
                     data_format=None, dilation_rate=1):
    x, dk, pk = _as_array(x), _as_array(depthwise_kernel), _as_array(pointwise_kernel)
    if x.ndim != 3:
        raise ValueError('separable_conv1d: expected a 3-D input, received shape %s'
                         % (x.shape,))
    x = _to_channels_last(x, data_format)
    channels, multiplier = dk.shape[1], dk.shape[2]
    # depthwise: a conv1d whose kernel is block-diagonal over the channels
    full = np.zeros((dk.shape[0], channels, channels * multiplier), dtype=dk.dtype)
    for c in range(channels):
        full[:, c, c * multiplier:(c + 1) * multiplier] = dk[:, c, :]
    y = _conv(x, full, _tuple(strides, 1, 'strides'), padding,
              _tuple(dilation_rate, 1, 'dilation_rate'))
    y = _conv(y, pk, (1,), 'valid', (1,))
    return _from_channels_last(y, data_format)


def _local_conv(x, kernel, kernel_size, strides, output_shape, data_format):
    x, kernel = _as_array(x), _as_array(kernel)
    rank = len(output_shape)
    if x.ndim != rank + 2:
        raise ValueError('local_conv%dd: expected a %d-D input, received shape %s'
                         % (rank, rank + 2, x.shape))
    channels_first = state.normalize_data_format(data_format) == 'channels_first'
    kernel_size, strides = _tuple(kernel_size, rank, 'kernel_size'), _tuple(strides, rank,
                                                                          'strides')
    out = np.zeros((x.shape[0],) + tuple(output_shape) + (kernel.shape[-1],),
                   dtype=np.result_type(x, kernel))
    for i, position in enumerate(itertools.product(*[range(n) for n in output_shape])):
        box = tuple(slice(p * s, p * s + k) for p, s, k in zip(position, strides, kernel_size))
        if channels_first:  # features ordered (channels, *window)
            window = x[(slice(None), slice(None)) + box]
        else:               # features ordered (*window, channels)
            window = x[(slice(None),) + box + (slice(None),)]
        out[(slice(None),) + position] = window.reshape(x.shape[0], -1).dot(kernel[i])
    return _from_channels_last(out, data_format)


def local_conv1d(inputs, kernel, kernel_size, strides, data_format=None):
    return _local_conv(inputs, kernel, kernel_size, strides, (_as_array(kernel).shape[0],),
                       data_format)


def local_conv2d(inputs, kernel, kernel_size, strides, output_shape, data_format=None):
    return _local_conv(inputs, kernel, kernel_size, strides, tuple(output_shape), data_format)



