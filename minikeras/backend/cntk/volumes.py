"""CNTK adapter: 3-D convolution, transposed convolution and pooling with CNTK's own
N-D ``convolution`` / ``pooling`` (channels-first, explicit TensorFlow 'same'
padding); separable_conv1d, local_conv1d/2d and resize_volumes from the shared
composites."""
import numpy as np

from minikeras.backend import volume_composites
from minikeras.backend.cntk import core as _core, layout, math as M, nn as _nn
from minikeras.backend.cntk.core import C, CntkTensor, _storage_of, _to_tensor
from minikeras.backend.conv_geometry import normalize_tuple as _tuple, padding_amounts


def conv3d(x, kernel, strides=(1, 1, 1), padding='valid', data_format=None,
           dilation_rate=(1, 1, 1)):
    _nn._check_padding(padding, 'conv3d')
    return _nn._conv_nd(x, kernel, _tuple(strides, 3, 'strides'), padding, data_format,
                        _tuple(dilation_rate, 3, 'dilation_rate'), 'conv3d')


def conv3d_transpose(x, kernel, output_shape, strides=(1, 1, 1), padding='valid',
                     data_format=None):
    _nn._check_padding(padding, 'conv3d_transpose')
    strides = _tuple(strides, 3, 'strides')
    x, kernel = M._operands(x, kernel)
    x = _nn._float(x)
    dt = M._result_dtype(x._dtype, kernel._dtype)
    xn = M._cast_node(x.node, _storage_of(dt))
    kn = M._cast_node(kernel.node, _storage_of(dt))
    if len(x.static_shape) != 5:
        raise ValueError('conv3d_transpose: expected a 5-D input, received shape %s'
                         % (x.static_shape,))
    cf = _nn._channels_first(data_format)
    if not cf:
        xn = _nn._to_cf(xn, 5)
    batch, in_channels = int(xn.shape[0]), int(xn.shape[1])
    out = _nn._transpose_output_shape(output_shape, 5, 'conv3d_transpose')
    out_spatial, out_channels = (out[2:], out[1]) if cf else (out[1:4], out[4])
    kshape = kernel.static_shape
    if len(kshape) != 5 or kshape[3] != out_channels or kshape[4] != in_channels:
        raise ValueError('conv3d_transpose: kernel of shape %s does not fit input %s and '
                         'output_shape %s' % (kshape, x.static_shape, tuple(out)))
    geometry = [padding_amounts(o, k, s, 1, padding)
                for o, k, s in zip(out_spatial, kshape[:3], strides)]
    if tuple(g[1] for g in geometry) != tuple(int(d) for d in xn.shape[2:]):
        raise ValueError('conv3d_transpose: output_shape %s is inconsistent with input shape '
                         '%s: a conv3d of the output would have spatial shape %s'
                         % (tuple(out), x.static_shape, tuple(g[1] for g in geometry)))
    # zero-upsample by the strides, pad by the kernel span - 1, correlate with the
    # spatially flipped kernel (library (d, h, w, out, in) -> CNTK (out, in, d, h, w))
    up = xn
    for i, s in enumerate(strides):
        up = _nn._dilate_axis(up, 2 + i, s)
    kc = C.transpose(kn, [3, 4, 0, 1, 2])
    kc = M.reverse(CntkTensor(kc, dt), (2, 3, 4)).node
    result = _nn._conv_cf(up, kc, (1, 1, 1), [(k - 1, k - 1) for k in kshape[:3]])
    for i, ((before, _), size) in enumerate(zip([g[0] for g in geometry], out_spatial)):
        length = int(result.shape[2 + i])
        if before + size > length:
            pattern = [[0, 0]] * 5
            pattern[2 + i] = [0, before + size - length]
            result = C.pad(result, pattern=pattern)
        result = C.slice(result, 2 + i, before, before + size)
    result = M._reshape_node(result, [batch, out_channels] + list(out_spatial))
    if not cf:
        result = _nn._from_cf(result, 5)
    return CntkTensor(result, dt)


def pool3d(x, pool_size, strides=(1, 1, 1), padding='valid', data_format=None,
           pool_mode='max'):
    _nn._check_padding(padding, 'pool3d')
    volume_composites.check_pool_mode(pool_mode, 'pool3d')
    pool_size, strides = _tuple(pool_size, 3, 'pool_size'), _tuple(strides, 3, 'strides')
    x = _nn._float(x)
    if len(x.static_shape) != 5:
        raise ValueError('pool3d: expected a 5-D input, received shape %s' % (x.static_shape,))
    cf = _nn._channels_first(data_format)
    xn = x.node if cf else _nn._to_cf(x.node, 5)
    shape = [int(d) for d in xn.shape]
    geometry = [padding_amounts(n, k, s, 1, padding)
                for n, k, s in zip(shape[2:], pool_size, strides)]
    pads, outs = [g[0] for g in geometry], [g[1] for g in geometry]
    if pool_mode == 'max':
        padded = _nn._pad_node(xn, [(0, 0), (0, 0)] + pads, value=-np.inf)
        y = C.pooling(layout._to_batch(padded), C.MAX_POOLING, pool_size, strides=strides,
                      auto_padding=[False])
    else:  # a sum pooling (mean * size) divided by the count of non-padded entries
        padded = _nn._pad_node(xn, [(0, 0), (0, 0)] + pads)
        y = C.pooling(layout._to_batch(padded), C.AVG_POOLING, pool_size, strides=strides,
                      auto_padding=[False])
        counts = volume_composites.window_counts(shape[2:], pool_size, strides, pads)
        scale = (np.prod(pool_size) / counts).astype(np.dtype(xn.dtype).name)
        y = C.element_times(y, C.constant(scale))
    y = layout._unbatch(y, shape[:2] + outs)
    if not cf:
        y = _nn._from_cf(y, 5)
    return CntkTensor(y, x._dtype)


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    x = _to_tensor(x)
    return M._pad(x, list(volume_composites.spatial_3d_pads(x, padding, data_format)))


separable_conv1d, local_conv1d, local_conv2d, resize_volumes = \
    volume_composites.composite_ops(_core, M, _nn)
