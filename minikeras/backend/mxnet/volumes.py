"""MXNet adapter: 3-D convolution (``npx.convolution`` / ``npx.deconvolution`` with 3-D
kernels), 3-D pooling (``npx.pooling``) and padding; separable_conv1d, local_conv1d/2d
and resize_volumes from the shared composites."""
import numpy as onp

from mxnet import np as mnp
from mxnet import npx

from minikeras.backend import numpy_like, volume_composites
from minikeras.backend.conv_geometry import normalize_tuple as _tuple, geometry as _geometry
from minikeras.backend.mxnet import core as _core, math as _math, nn as _nn
from minikeras.backend.mxnet.core import NDArray, _t


def conv3d(x, kernel, strides=(1, 1, 1), padding='valid', data_format=None,
           dilation_rate=(1, 1, 1)):
    x, kernel = _t(x), _t(kernel)
    volume_composites.check_5d(x, padding, 'conv3d')
    x = _nn._to_channels_first(x, data_format)
    if kernel.ndim != 5 or kernel.shape[3] != x.shape[1]:
        raise ValueError('conv3d: kernel of shape %s does not fit input with %d channels '
                         '(expected (d, h, w, %d, out))' % (kernel.shape, x.shape[1],
                                                           x.shape[1]))
    weight = mnp.transpose(kernel, (4, 3, 0, 1, 2))
    y = _nn._convolve(x, weight, _tuple(strides, 3, 'strides'), padding,
                      _tuple(dilation_rate, 3, 'dilation_rate'))
    return _nn._from_channels_first(y, data_format)


def conv3d_transpose(x, kernel, output_shape, strides=(1, 1, 1), padding='valid',
                     data_format=None):
    x, kernel = _t(x), _t(kernel)
    volume_composites.check_5d(x, padding, 'conv3d_transpose')
    strides = _tuple(strides, 3, 'strides')
    if isinstance(output_shape, NDArray):
        output_shape = output_shape.asnumpy().tolist()
    dims = [None if d is None else int(d.asnumpy() if isinstance(d, NDArray) else d)
            for d in output_shape]
    if len(dims) != 5:
        raise ValueError('conv3d_transpose: output_shape must have 5 entries, received %r'
                         % (output_shape,))
    if not _nn._channels_first(data_format):
        dims = [dims[0], dims[4]] + dims[1:4]
    x = _nn._to_channels_first(x, data_format)
    out_channels, out_spatial = dims[1], dims[2:]
    if kernel.ndim != 5 or kernel.shape[3] != out_channels or kernel.shape[4] != x.shape[1]:
        raise ValueError('conv3d_transpose: kernel of shape %s does not fit input %s and '
                         'output_shape %s' % (kernel.shape, x.shape, output_shape))
    k = tuple(kernel.shape[:3])
    pads, outs = _geometry(out_spatial, k, strides, (1, 1, 1), padding)
    if tuple(outs) != tuple(x.shape[2:]):
        raise ValueError('conv3d_transpose: output_shape %s is inconsistent with input shape '
                         '%s: a conv3d of the output would have spatial shape %s'
                         % (output_shape, x.shape, tuple(outs)))
    # MXNet's deconvolution is 1-D/2-D only (and not used for 2-D either, see nn)
    y = _nn._transposed_convolution(x, kernel, out_spatial, pads, strides, (1, 1, 1))
    return _nn._from_channels_first(y, data_format)


def pool3d(x, pool_size, strides=(1, 1, 1), padding='valid', data_format=None,
           pool_mode='max'):
    x = _t(x)
    volume_composites.check_5d(x, padding, 'pool3d')
    volume_composites.check_pool_mode(pool_mode, 'pool3d')
    pool_size, strides = _tuple(pool_size, 3, 'pool_size'), _tuple(strides, 3, 'strides')
    x = _nn._to_channels_first(x, data_format)
    spatial = x.shape[2:]
    pads, _ = _geometry(spatial, pool_size, strides, (1, 1, 1), padding)
    dtype = onp.dtype(x.dtype).name
    padded = mnp.pad(x, ((0, 0), (0, 0)) + tuple(pads), mode='constant')
    if pool_mode == 'max':
        # mx.np.pad ignores constant_values: pad with zeros, then add -inf there
        padded = padded + _nn._padding_mask(spatial, pads, dtype)
        y = npx.pooling(padded, kernel=pool_size, stride=strides, pad=(0, 0, 0),
                        pool_type='max', pooling_convention='valid')
    else:  # average of the non-padded entries only (TensorFlow)
        total = npx.pooling(padded, kernel=pool_size, stride=strides, pad=(0, 0, 0),
                            pool_type='sum', pooling_convention='valid')
        counts = volume_composites.window_counts(spatial, pool_size, strides, pads)
        y = total / mnp.array(counts[None, None], dtype=dtype)
    return _nn._from_channels_first(y, data_format)


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    x = _t(x)
    return numpy_like.pad(mnp, x, volume_composites.spatial_3d_pads(x, padding, data_format))


separable_conv1d, local_conv1d, local_conv2d, resize_volumes = \
    volume_composites.composite_ops(_core, _math, _nn)
