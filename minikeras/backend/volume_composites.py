"""Ops that Keras 2.3.1 itself writes with other backend ops, written once here and
built for each adapter from that adapter's own ops (so each engine runs and
differentiates them natively): ``separable_conv1d`` (a separable_conv2d over a unit
axis), ``local_conv1d`` / ``local_conv2d`` (one slice per output position, a batched dot
with the unshared kernel) and ``resize_volumes`` (repeat_elements along three axes).
"""
import itertools

import numpy as np

from minikeras.backend import state
from minikeras.backend.conv_geometry import normalize_tuple


def _lookup(modules, name):
    for module in modules:
        fn = getattr(module, name, None)
        if fn is not None:
            return fn
    raise AttributeError('volume_composites: no op %r in %s'
                         % (name, [m.__name__ for m in modules]))


def _spatial_axes(data_format, rank):
    if state.normalize_data_format(data_format) == 'channels_first':
        return list(range(2, 2 + rank))
    return list(range(1, 1 + rank))


def check_5d(x, padding, op):
    """A ValueError unless ``x`` has 5 axes and ``padding`` is 'valid' or 'same'."""
    ndim = x.ndim if hasattr(x, 'ndim') else len(x.shape)
    if ndim != 5:
        raise ValueError('%s: expected a 5-D input, received shape %s'
                         % (op, tuple(x.shape)))
    if padding not in ('valid', 'same'):
        raise ValueError("%s: padding must be 'valid' or 'same', received %r" % (op, padding))


def check_pool_mode(pool_mode, op):
    if pool_mode not in ('max', 'avg'):
        raise ValueError("%s: pool_mode must be 'max' or 'avg', received %r"
                         % (op, pool_mode))


def window_counts(spatial, pool_size, strides, pads):
    """How many non-padded entries each pooling window covers (float64 numpy array of
    the output's spatial shape): the product of the per-axis counts."""
    counts = np.ones(())
    for n, k, s, (before, after) in zip(spatial, pool_size, strides, pads):
        out = (n + before + after - k) // s + 1
        axis = np.array([min(i * s - before + k, n) - max(i * s - before, 0)
                         for i in range(out)], dtype='float64')
        counts = np.multiply.outer(counts, axis)
    return counts


def spatial_3d_pads(x, padding, data_format):
    """Per-axis (before, after) pairs of ``spatial_3d_padding`` for a 5-D ``x``."""
    padding = tuple(tuple(int(p) for p in pair) for pair in padding)
    if len(padding) != 3 or any(len(pair) != 2 for pair in padding):
        raise ValueError('spatial_3d_padding: padding must be 3 pairs of ints, received %r'
                         % (padding,))
    ndim = x.ndim if hasattr(x, 'ndim') else len(x.shape)
    if ndim != 5:
        raise ValueError('spatial_3d_padding: expected a 5-D tensor, received %d axes'
                         % (ndim,))
    pads = [(0, 0)] * 5
    for axis, pair in zip(_spatial_axes(data_format, 3), padding):
        pads[axis] = pair
    return tuple(pads)


def _ops(modules):
    return dict((name, _lookup(modules, name)) for name in (
        'int_shape', 'ndim', 'reshape', 'concatenate', 'batch_dot', 'permute_dimensions',
        'expand_dims', 'squeeze', 'separable_conv2d', 'repeat_elements', 'pool2d'))


def separable_pool3d(*modules):
    """``pool3d`` made of two ``pool2d``s of the adapter in ``modules``: one over
    (h, w) with depth folded into the batch, then one over depth. Exact for max; for
    average too, since a window's count of non-padded entries is the product of the
    per-axis counts. Needs the spatial and channel sizes when the op is built."""
    K = _ops(modules)

    def pool3d(x, pool_size, strides=(1, 1, 1), padding='valid', data_format=None,
               pool_mode='max'):
        check_5d(x, padding, 'pool3d')
        check_pool_mode(pool_mode, 'pool3d')
        pool_size = normalize_tuple(pool_size, 3, 'pool_size')
        strides = normalize_tuple(strides, 3, 'strides')
        channels_first = state.normalize_data_format(data_format) == 'channels_first'
        if channels_first:
            x = K['permute_dimensions'](x, (0, 2, 3, 4, 1))
        d, h, w, c = K['int_shape'](x)[1:]
        if None in (d, h, w, c):
            raise ValueError('pool3d: the spatial and channel sizes of the input must be '
                             'known, received shape %s' % (K['int_shape'](x),))
        y = K['pool2d'](K['reshape'](x, (-1, h, w, c)), pool_size[1:], strides[1:], padding,
                        'channels_last', pool_mode)
        h, w = K['int_shape'](y)[1:3]
        y = K['pool2d'](K['reshape'](y, (-1, d, h * w, c)), (pool_size[0], 1),
                        (strides[0], 1), padding, 'channels_last', pool_mode)
        y = K['reshape'](y, (-1, K['int_shape'](y)[1], h, w, c))
        if channels_first:
            y = K['permute_dimensions'](y, (0, 4, 1, 2, 3))
        return y
    return pool3d


def composite_ops(*modules):
    """(separable_conv1d, local_conv1d, local_conv2d, resize_volumes) made of the ops
    found in ``modules`` (an adapter's topic modules)."""
    K = _ops(modules)
    local_conv1d, local_conv2d = _local_convs(K)
    return _separable_conv1d(K), local_conv1d, local_conv2d, _resize_volumes(K)


def _separable_conv1d(K):
    def separable_conv1d(x, depthwise_kernel, pointwise_kernel, strides=1, padding='valid',
                         data_format=None, dilation_rate=1):
        if K['ndim'](x) != 3:
            raise ValueError('separable_conv1d: expected a 3-D input, received shape %s'
                             % (K['int_shape'](x),))
        data_format = state.normalize_data_format(data_format)
        strides = normalize_tuple(strides, 1, 'strides')
        dilation = normalize_tuple(dilation_rate, 1, 'dilation_rate')
        # (batch, steps, ch) -> (batch, 1, steps, ch); channels_first (batch, ch, 1, steps).
        # The unit axis takes the same stride (its output stays 1 long), as Keras 2.3.1
        # does: some engines want equal strides on both axes.
        axis = 2 if data_format == 'channels_first' else 1
        y = K['separable_conv2d'](
            K['expand_dims'](x, axis), K['expand_dims'](depthwise_kernel, 0),
            K['expand_dims'](pointwise_kernel, 0), strides=strides * 2, padding=padding,
            data_format=data_format, dilation_rate=(1,) + dilation)
        return K['squeeze'](y, axis)
    return separable_conv1d


def _local_convs(K):
    """local_conv1d and local_conv2d: one slice per output position, a batched dot."""
    def local_conv(inputs, kernel, kernel_size, strides, output_shape, data_format, op):
        data_format = state.normalize_data_format(data_format)
        rank = len(output_shape)
        if K['ndim'](inputs) != rank + 2:
            raise ValueError('%s: expected a %d-D input, received shape %s'
                             % (op, rank + 2, K['int_shape'](inputs)))
        kernel_shape = K['int_shape'](kernel)
        if len(kernel_shape) != 3:
            raise ValueError('%s: expected a kernel (output positions, features, filters), '
                             'received shape %s' % (op, kernel_shape))
        feature_dim, channels_out = kernel_shape[1], kernel_shape[2]
        kernel_size = normalize_tuple(kernel_size, rank, 'kernel_size')
        strides = normalize_tuple(strides, rank, 'strides')
        windows = []
        for position in itertools.product(*[range(int(n)) for n in output_shape]):
            index = [slice(None)] * (rank + 2)
            for axis, p, k, s in zip(_spatial_axes(data_format, rank), position,
                                     kernel_size, strides):
                index[axis] = slice(p * s, p * s + k)
            windows.append(K['reshape'](inputs[tuple(index)], (1, -1, feature_dim)))
        # (positions, batch, features) . (positions, features, out) -> (positions, batch, out)
        output = K['batch_dot'](K['concatenate'](windows, axis=0), kernel)
        output = K['reshape'](output, tuple(int(n) for n in output_shape) + (-1, channels_out))
        if data_format == 'channels_first':
            pattern = (rank, rank + 1) + tuple(range(rank))
        else:
            pattern = (rank,) + tuple(range(rank)) + (rank + 1,)
        return K['permute_dimensions'](output, pattern)

    def local_conv1d(inputs, kernel, kernel_size, strides, data_format=None):
        output_length = K['int_shape'](kernel)[0]
        return local_conv(inputs, kernel, kernel_size, strides, (output_length,),
                          data_format, 'local_conv1d')

    def local_conv2d(inputs, kernel, kernel_size, strides, output_shape, data_format=None):
        output_shape = tuple(output_shape)
        if len(output_shape) != 2:
            raise ValueError('local_conv2d: output_shape must be (rows, cols), received %r'
                             % (output_shape,))
        return local_conv(inputs, kernel, kernel_size, strides, output_shape, data_format,
                          'local_conv2d')
    return local_conv1d, local_conv2d


def _resize_volumes(K):
    def resize_volumes(x, depth_factor, height_factor, width_factor, data_format):
        if data_format not in ('channels_first', 'channels_last'):
            raise ValueError("resize_volumes: data_format must be 'channels_first' or "
                             "'channels_last', received %r" % (data_format,))
        if K['ndim'](x) != 5:
            raise ValueError('resize_volumes: expected a 5-D input, received shape %s'
                             % (K['int_shape'](x),))
        for axis, factor in zip(_spatial_axes(data_format, 3),
                                (depth_factor, height_factor, width_factor)):
            x = K['repeat_elements'](x, int(factor), axis=axis)
        return x
    return resize_volumes
