"""Argument checking and output-length arithmetic shared by the convolution and pooling
layers (Keras 2 ``keras.utils.conv_utils``). Engine-free."""
import numbers


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def normalize_tuple(value, n, name, layer=None, allow_zero=False):
    """``value`` (an int or an iterable of ``n`` ints) as a tuple of ``n`` positive ints
    (non-negative with ``allow_zero``)."""
    where = '%s: ' % layer if layer else ''
    if _is_int(value):
        result = (int(value),) * n
    else:
        try:
            result = tuple(value)
        except TypeError:
            raise ValueError('%s%s must be an integer or a tuple of %d integers, received '
                             '%s=%r' % (where, name, n, name, value))
        if len(result) != n or not all(_is_int(v) for v in result):
            raise ValueError('%s%s must be an integer or a tuple of %d integers, received '
                             '%s=%r' % (where, name, n, name, value))
        result = tuple(int(v) for v in result)
    lowest = 0 if allow_zero else 1
    if any(v < lowest for v in result):
        raise ValueError('%s%s must contain %s integers, received %s=%r'
                         % (where, name, 'non-negative' if allow_zero else 'positive',
                            name, value))
    return result


def normalize_padding(value, layer=None, allowed=('valid', 'same')):
    where = '%s: ' % layer if layer else ''
    padding = value.lower() if isinstance(value, str) else value
    if padding not in allowed:
        raise ValueError('%spadding must be one of %s, received padding=%r'
                         % (where, ', '.join(repr(a) for a in allowed), value))
    return padding


def normalize_data_format(value, layer=None):
    import minikeras.backend as K
    if value is None:
        return K.image_data_format()
    fmt = value.lower() if isinstance(value, str) else value
    if fmt not in ('channels_last', 'channels_first'):
        where = '%s: ' % layer if layer else ''
        raise ValueError("%sdata_format must be 'channels_last' or 'channels_first', "
                         "received data_format=%r" % (where, value))
    return fmt


def conv_output_length(input_length, filter_size, padding, stride, dilation=1):
    """Length of a convolution/pooling output along one axis (None stays None)."""
    if input_length is None:
        return None
    dilated = filter_size + (filter_size - 1) * (dilation - 1)
    if padding in ('same', 'causal'):
        length = input_length
    elif padding == 'valid':
        length = input_length - dilated + 1
    elif padding == 'full':
        length = input_length + dilated - 1
    else:
        raise ValueError('unknown padding %r' % (padding,))
    return (length + stride - 1) // stride


def deconv_length(dim_size, stride_size, kernel_size, padding, output_padding, dilation=1):
    """Length of a transposed convolution's output along one axis (Keras 2 formula)."""
    if dim_size is None:
        return None
    kernel_size = kernel_size + (kernel_size - 1) * (dilation - 1)
    if output_padding is None:
        if padding == 'valid':
            return dim_size * stride_size + max(kernel_size - stride_size, 0)
        if padding == 'full':
            return dim_size * stride_size - (stride_size + kernel_size - 2)
        return dim_size * stride_size
    pad = {'same': kernel_size // 2, 'valid': 0, 'full': kernel_size - 1}[padding]
    return (dim_size - 1) * stride_size + kernel_size - 2 * pad + output_padding


def conv_input_length(output_length, filter_size, padding, stride):
    """The input length a convolution maps to ``output_length`` (Keras 2.3.1)."""
    if output_length is None:
        return None
    pads = {'same': filter_size // 2, 'valid': 0, 'full': filter_size - 1}
    if padding not in pads:
        raise ValueError('padding must be one of %s, received %r' % (sorted(pads), padding))
    return (output_length - 1) * stride - 2 * pads[padding] + filter_size


def convert_kernel(kernel):
    """A numpy kernel with its spatial axes flipped: convolution <-> cross-correlation
    (Theano-trained Keras kernels <-> TensorFlow ones). Layout (..., in, out) kept."""
    import numpy as np
    kernel = np.asarray(kernel)
    if not 3 <= kernel.ndim <= 5:
        raise ValueError('convert_kernel expects a 1D, 2D or 3D convolution kernel (3 to 5 '
                         'axes), received shape %s' % (kernel.shape,))
    slices = [slice(None, None, -1)] * (kernel.ndim - 2) + [slice(None), slice(None)]
    return np.copy(kernel[tuple(slices)])
