"""JAX adapter: 3-D convolution (``lax.conv_general_dilated`` with 'DHW' dimension
numbers), 3-D pooling (``lax.reduce_window``) and padding; separable_conv1d,
local_conv1d/2d and resize_volumes from the shared composites."""
from minikeras.backend import numpy_like, volume_composites
from minikeras.backend.conv_geometry import normalize_tuple as _tuple, geometry as _geometry
from minikeras.backend.jax import core as _core, math as _math, nn as _nn
from minikeras.backend.jax._jax import jnp, lax, np, _channels_first, _t


def _numbers(data_format):
    io = 'NCDHW' if _channels_first(data_format) else 'NDHWC'
    return (io, 'DHWIO', io)


def _check_5d(x, padding, op):
    if x.ndim != 5:
        raise ValueError('%s: expected a 5-D input, received shape %s' % (op, x.shape))
    if padding not in ('valid', 'same'):
        raise ValueError("%s: padding must be 'valid' or 'same', received %r" % (op, padding))


def conv3d(x, kernel, strides=(1, 1, 1), padding='valid', data_format=None,
           dilation_rate=(1, 1, 1)):
    x, kernel = _nn._same(_t(x), _t(kernel))
    _check_5d(x, padding, 'conv3d')
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
    _check_5d(x, padding, 'conv3d_transpose')
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


def pool3d(x, pool_size, strides=(1, 1, 1), padding='valid', data_format=None,
           pool_mode='max'):
    x = _t(x)
    _check_5d(x, padding, 'pool3d')
    if pool_mode not in ('max', 'avg'):
        raise ValueError("pool3d: pool_mode must be 'max' or 'avg', received %r" % (pool_mode,))
    pool_size, strides = _tuple(pool_size, 3, 'pool_size'), _tuple(strides, 3, 'strides')
    spatial = _nn._spatial(x, data_format)
    pads, _ = _geometry(spatial, pool_size, strides, (1, 1, 1), padding)
    first = _channels_first(data_format)
    window = (1, 1) + pool_size if first else (1,) + pool_size + (1,)
    step = (1, 1) + strides if first else (1,) + strides + (1,)
    full = [(0, 0), (0, 0)] + list(pads) if first else [(0, 0)] + list(pads) + [(0, 0)]
    if pool_mode == 'max':
        return lax.reduce_window(x, -jnp.inf, lax.max, window, step, full).astype(x.dtype)
    total = lax.reduce_window(x, 0., lax.add, window, step, full)
    ones = jnp.asarray(np.ones(spatial, dtype=np.dtype(x.dtype)))
    counts = lax.reduce_window(ones, 0., lax.add, pool_size, strides, list(pads))
    counts = counts if first else counts[..., None]
    return (total / counts).astype(x.dtype)


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    x = _t(x)
    return numpy_like.pad(jnp, x, volume_composites.spatial_3d_pads(x, padding, data_format))


separable_conv1d, local_conv1d, local_conv2d, resize_volumes = \
    volume_composites.composite_ops(_core, _math, _nn)
