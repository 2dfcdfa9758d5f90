"""JAX adapter: 3-D convolution (``lax.conv_general_dilated`` with 'DHW' dimension
numbers) and padding; 3-D pooling as two of the adapter's 2-D poolings
(``lax.reduce_window``), separable_conv1d, local_conv1d/2d and resize_volumes from the
shared composites."""
from minikeras.backend import numpy_like, volume_composites
from minikeras.backend.conv_geometry import normalize_tuple as _tuple, geometry as _geometry
from minikeras.backend.jax import core as _core, math as _math, nn as _nn
from minikeras.backend.jax._jax import jnp, lax, np, _channels_first, _t


def _numbers(data_format):
    io = 'NCDHW' if _channels_first(data_format) else 'NDHWC'
    return (io, 'DHWIO', io)


def conv3d(x, kernel, strides=(1, 1, 1), padding='valid', data_format=None,
           dilation_rate=(1, 1, 1)):
    x, kernel = _nn._same(_t(x), _t(kernel))
    volume_composites.check_5d(x, padding, 'conv3d')
    channels = _nn._channels(x, data_format)
    if kernel.ndim != 5 or kernel.shape[3] != channels:
        raise ValueError('conv3d: kernel of shape %s does not fit input with %d channels '
                         '(expected (d, h, w, %d, out))' % (kernel.shape, channels, channels))
    strides = _tuple(strides, 3, 'strides')
    dilation = _tuple(dilation_rate, 3, 'dilation_rate')
    pads, _ = _geometry(_nn._spatial(x, data_format), kernel.shape[:3], strides, dilation,
                        padding)
    return lax.conv_general_dilated(
        x, kernel, window_strides=strides, padding=[tuple(p) for p in pads],
        rhs_dilation=dilation, dimension_numbers=_numbers(data_format),
        precision=lax.Precision.HIGHEST)


def conv3d_transpose(x, kernel, output_shape, strides=(1, 1, 1), padding='valid',
                     data_format=None):
    x, kernel = _nn._same(_t(x), _t(kernel))
    volume_composites.check_5d(x, padding, 'conv3d_transpose')
    strides = _tuple(strides, 3, 'strides')
    if not isinstance(output_shape, (list, tuple)):
        output_shape = np.asarray(output_shape).tolist()
    dims = [None if d is None else int(np.asarray(d)) for d in output_shape]
    if len(dims) != 5:
        raise ValueError('conv3d_transpose: output_shape must have 5 entries, received %r'
                         % (output_shape,))
    first = _channels_first(data_format)
    out_channels, out_spatial = (dims[1], dims[2:]) if first else (dims[4], dims[1:4])
    in_spatial = _nn._spatial(x, data_format)
    if kernel.ndim != 5 or kernel.shape[3] != out_channels or \
            kernel.shape[4] != _nn._channels(x, data_format):
        raise ValueError('conv3d_transpose: kernel of shape %s does not fit input %s and '
                         'output_shape %s' % (kernel.shape, x.shape, output_shape))
    k = tuple(kernel.shape[:3])
    pads, outs = _geometry(out_spatial, k, strides, (1, 1, 1), padding)
    if tuple(outs) != tuple(in_spatial):
        raise ValueError('conv3d_transpose: output_shape %s is inconsistent with input shape '
                         '%s: a conv3d of the output would have spatial shape %s'
                         % (output_shape, x.shape, tuple(outs)))
    # The adjoint of conv3d: the input dilated by the strides, correlated with the
    # flipped kernel; the padding crops/extends to the requested output.
    lax_pads = []
    for size, (before, after), n, kk, s in zip(out_spatial, pads, in_spatial, k, strides):
        adj = size + before + after - ((n - 1) * s + kk)
        lax_pads.append((kk - 1 - before, kk - 1 - after + adj))
    flipped = jnp.flip(jnp.swapaxes(kernel, 3, 4), axis=(0, 1, 2))
    return lax.conv_general_dilated(
        x, flipped, window_strides=(1, 1, 1), padding=lax_pads, lhs_dilation=strides,
        dimension_numbers=_numbers(data_format), precision=lax.Precision.HIGHEST)


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    x = _t(x)
    return numpy_like.pad(jnp, x, volume_composites.spatial_3d_pads(x, padding, data_format))


pool3d = volume_composites.separable_pool3d(_core, _math, _nn)
separable_conv1d, local_conv1d, local_conv2d, resize_volumes = \
    volume_composites.composite_ops(_core, _math, _nn)
