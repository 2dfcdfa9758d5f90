"""Convolution and pooling geometry shared by the adapters that pad explicitly.

TensorFlow's layout of 'same' padding (the extra row or column goes at the end) is the
library's meaning of 'same'; adapters whose engine pads differently compute the amounts
here and pad themselves."""
import numpy as np


def normalize_tuple(value, n, what):
    """``value`` (an int or ``n`` ints) as a tuple of ``n`` ints."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError('%s: expected %d integers, received %r' % (what, n, value))
    return value


def padding_amounts(size, k, stride, dilation, padding):
    """``((before, after), output length)`` for one spatial axis of length ``size``."""
    span = dilation * (k - 1) + 1
    if padding == 'valid':
        pads, out = (0, 0), (size - span) // stride + 1
    elif padding == 'same':
        out = -(-size // stride)
        total = max(0, (out - 1) * stride + span - size)
        pads = (total // 2, total - total // 2)
    elif padding == 'causal':
        pads, out = (span - 1, 0), (size - 1) // stride + 1
    else:
        raise ValueError("padding must be 'valid', 'same' or 'causal', received %r"
                         % (padding,))
    if out < 1:
        raise ValueError('a kernel spanning %d entries does not fit in an input of length %d '
                         'with padding %r' % (span, size, padding))
    return pads, out


def geometry(spatial, kernel_spatial, strides, dilation, padding):
    """Per-axis padding pairs and output lengths of a convolution or pooling window."""
    pads, outs = [], []
    for size, k, s, d in zip(spatial, kernel_spatial, strides, dilation):
        p, o = padding_amounts(size, k, s, d, padding)
        pads.append(p)
        outs.append(o)
    return pads, outs


def channels_last_output_shape(output_shape, data_format):
    """``conv2d_transpose``'s ``output_shape`` (4 entries, in ``data_format``'s order) as a
    list in channels-last order."""
    dims = list(output_shape)
    if len(dims) != 4:
        raise ValueError('conv2d_transpose: output_shape must have 4 entries, received %r'
                         % (output_shape,))
    if data_format == 'channels_first':
        dims = [dims[0], dims[2], dims[3], dims[1]]
    return dims
