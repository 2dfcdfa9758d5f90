"""Theano/PyTensor adapter: 3-D convolution and pooling. Classic Theano convolves with
its own ``conv3d`` (``filter_flip=False``: cross-correlation, kernels only transposed);
PyTensor has no 3-D convolution op, so there a convolution is strided slices of the
(padded) channels-last input, one per kernel tap, concatenated and multiplied by the
kernel (im2col). Pooling is the element-wise max or sum of such slices on both.
Transposed 3-D convolution is the adjoint (gradient) of this conv3d, as
conv2d_transpose is of conv2d. Spatial sizes must be known when the function is built.
separable_conv1d, local_conv1d/2d and resize_volumes come from the shared composites."""
import itertools

import numpy as np

from minikeras.backend import state, volume_composites
from minikeras.backend.conv_geometry import normalize_tuple as _tuple, geometry as _geometry
from minikeras.backend.theano import _impl
from minikeras.backend.theano import core as _core, math as _m, nn as _nn, conv as _conv
from minikeras.backend.theano._impl import T
from minikeras.backend.theano.core import _known_shape, _tag, _to_tensor


def _to_last(x, data_format, padding, op):
    x = _to_tensor(x)
    volume_composites.check_5d(x, padding, op)
    if state.normalize_data_format(data_format) == 'channels_first':
        return _m.permute_dimensions(x, (0, 2, 3, 4, 1))
    return x


def _from_last(y, data_format):
    if state.normalize_data_format(data_format) == 'channels_first':
        return _m.permute_dimensions(y, (0, 4, 1, 2, 3))
    return y


def _spatial(x, op):
    spatial = _known_shape(x)[1:4]
    if any(d is None for d in spatial):
        raise ValueError('%s: the Theano backend needs the spatial size of the input when '
                         'the function is built, received shape %s' % (op, _known_shape(x)))
    return spatial


def _taps(x, window, outs, strides, dilation):
    """The strided slice of channels-last ``x`` that each window tap meets."""
    out = []
    for tap in itertools.product(*[range(k) for k in window]):
        index = [slice(None)]
        for t, o, s, d in zip(tap, outs, strides, dilation):
            index.append(slice(t * d, t * d + s * (o - 1) + 1, s))
        out.append(x[tuple(index) + (slice(None),)])
    return out


def _pad(x, pads, value=0):
    return _m._pad(x, {1: pads[0], 2: pads[1], 3: pads[2]}, value=value)


def _conv3d_last(x, kernel, strides, padding, dilation):
    kernel = _to_tensor(kernel)
    if kernel.dtype != x.dtype:
        kernel = T.cast(kernel, x.dtype)
    kshape = _known_shape(kernel)
    if kernel.ndim != 5 or any(d is None for d in kshape):
        raise ValueError('conv3d: expected a 5-D kernel (d, h, w, in, out) of known shape, '
                         'received shape %s' % (kshape,))
    pads, outs = _geometry(_spatial(x, 'conv3d'), kshape[:3], strides, dilation, padding)
    if _impl.NATIVE_CONV:
        from theano.tensor.nnet import conv3d as native_conv3d
        out = native_conv3d(_pad(x, pads).dimshuffle(0, 4, 1, 2, 3),
                            kernel.dimshuffle(4, 3, 0, 1, 2), border_mode='valid',
                            subsample=strides, filter_flip=False, filter_dilation=dilation)
        out = out.dimshuffle(0, 2, 3, 4, 1)
    else:
        taps = _taps(_pad(x, pads), kshape[:3], outs, strides, dilation)
        cols = taps[0] if len(taps) == 1 else T.concatenate(taps, axis=4)
        out = T.dot(cols, kernel.reshape((int(np.prod(kshape[:4])), kshape[4])))
    return _tag(out, (_known_shape(x)[0],) + tuple(outs) + (kshape[4],))


def conv3d(x, kernel, strides=(1, 1, 1), padding='valid', data_format=None,
           dilation_rate=(1, 1, 1)):
    x = _to_last(x, data_format, padding, 'conv3d')
    out = _conv3d_last(x, kernel, _tuple(strides, 3, 'strides'), padding,
                       _tuple(dilation_rate, 3, 'dilation_rate'))
    return _from_last(out, data_format)


def conv3d_transpose(x, kernel, output_shape, strides=(1, 1, 1), padding='valid',
                     data_format=None):
    x = _to_last(x, data_format, padding, 'conv3d_transpose')
    kernel = _to_tensor(kernel)
    if _core._is_engine_tensor(output_shape) or len(output_shape) != 5:
        raise ValueError('conv3d_transpose: output_shape must be a tuple of 5 entries whose '
                         'spatial and channel entries are ints (batch may be None or a '
                         'tensor), received %r' % (output_shape,))
    dims = list(output_shape)
    if state.normalize_data_format(data_format) == 'channels_first':
        dims = [dims[0]] + dims[2:] + [dims[1]]
    batch = dims[0]
    static_batch = batch if isinstance(batch, (int, np.integer)) else None
    if batch is None or static_batch is not None:
        batch = x.shape[0]
    spatial_out = [int(d) for d in dims[1:]]
    # The adjoint of y -> conv3d(y, kernel): kernel (d, h, w, out, in) read as a conv3d
    # kernel maps `out` channels to `in` channels.
    y = T.zeros([batch] + spatial_out, dtype=x.dtype)
    y = _tag(y, [static_batch] + spatial_out)
    forward = _conv3d_last(y, kernel, _tuple(strides, 3, 'strides'), padding, (1, 1, 1))
    if _known_shape(forward)[1:4] != _known_shape(x)[1:4]:
        raise ValueError('conv3d_transpose: output_shape %s is inconsistent with input shape '
                         '%s: a conv3d of the output would have spatial shape %s'
                         % (tuple(output_shape), _known_shape(x), _known_shape(forward)[1:4]))
    out = _impl.grad(T.sum(forward * x), y)
    _tag(out, [static_batch if static_batch is not None else _known_shape(x)[0]]
         + spatial_out)
    return _from_last(out, data_format)


def pool3d(x, pool_size, strides=(1, 1, 1), padding='valid', data_format=None,
           pool_mode='max'):
    volume_composites.check_pool_mode(pool_mode, 'pool3d')
    x = _to_last(x, data_format, padding, 'pool3d')
    pool_size, strides = _tuple(pool_size, 3, 'pool_size'), _tuple(strides, 3, 'strides')
    spatial = _spatial(x, 'pool3d')
    pads, outs = _geometry(spatial, pool_size, strides, (1, 1, 1), padding)
    fill = -np.inf if pool_mode == 'max' else 0
    taps = _taps(_pad(x, pads, value=fill), pool_size, outs, strides, (1, 1, 1))
    out = taps[0]
    for t in taps[1:]:
        out = T.maximum(out, t) if pool_mode == 'max' else out + t
    if pool_mode == 'avg':
        counts = volume_composites.window_counts(spatial, pool_size, strides, pads)
        out = out / counts[..., None].astype(x.dtype)
    _tag(out, (_known_shape(x)[0],) + tuple(outs) + (_known_shape(x)[4],))
    return _from_last(out, data_format)


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    x = _to_tensor(x)
    pads = volume_composites.spatial_3d_pads(x, padding, data_format)
    return _m._pad(x, dict((axis, pair) for axis, pair in enumerate(pads) if pair != (0, 0)))


separable_conv1d, local_conv1d, local_conv2d, resize_volumes = \
    volume_composites.composite_ops(_core, _m, _nn, _conv)
