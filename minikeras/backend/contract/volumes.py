"""Contract: 3-D (volumetric) convolution, pooling, padding and resizing; separable 1-D
convolution; locally-connected (unshared-weight) 1-D and 2-D convolution.

Layouts are the library's single weight layout: conv3d kernel (d, h, w, in, out);
conv3d_transpose kernel (d, h, w, out, in); separable_conv1d depthwise kernel
(w, in, multiplier) and pointwise kernel (1, in * multiplier, out); local_conv kernels
(output positions, prod(kernel_size) * in, out) as Keras 2.3.1 builds them. 5-D inputs
are (batch, d, h, w, channels) for channels_last, (batch, channels, d, h, w) for
channels_first.
"""

__all__ = [
    'conv3d', 'conv3d_transpose', 'pool3d', 'resize_volumes', 'spatial_3d_padding',
    'separable_conv1d', 'local_conv1d', 'local_conv2d',
]


def conv3d(x, kernel, strides=(1, 1, 1), padding='valid', data_format=None,
           dilation_rate=(1, 1, 1)):
    """3-D convolution (cross-correlation) of a 5-D input with kernel (d, h, w, in, out)."""


def conv3d_transpose(x, kernel, output_shape, strides=(1, 1, 1), padding='valid',
                     data_format=None):
    """Transposed 3-D convolution (the gradient of conv3d) with kernel
    (d, h, w, out, in). ``output_shape`` is the full 5-D output shape in ``data_format``
    (batch may be None or a tensor)."""


def pool3d(x, pool_size, strides=(1, 1, 1), padding='valid', data_format=None,
           pool_mode='max'):
    """3-D pooling ('max' or 'avg'); 'same' average pooling divides by the count of
    non-padded entries."""


def resize_volumes(x, depth_factor, height_factor, width_factor, data_format):
    """Repeat each entry of the three spatial axes of a 5-D input by the integer factors
    (nearest-neighbour upsampling)."""


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    """Zero-pad the three spatial axes of a 5-D input by ((before, after),) * 3."""


def separable_conv1d(x, depthwise_kernel, pointwise_kernel, strides=1, padding='valid',
                     data_format=None, dilation_rate=1):
    """Per-channel 1-D convolution with kernel (w, in, multiplier), then a pointwise
    convolution with kernel (1, in * multiplier, out)."""


def local_conv1d(inputs, kernel, kernel_size, strides, data_format=None):
    """Unshared-weight 1-D convolution ('valid'): output step i is the window of
    ``kernel_size[0]`` steps starting at ``i * strides[0]``, flattened (step-major, then
    channels), times ``kernel[i]`` (in_features, out)."""


def local_conv2d(inputs, kernel, kernel_size, strides, output_shape, data_format=None):
    """Unshared-weight 2-D convolution ('valid') to spatial ``output_shape`` (rows, cols):
    output position (r, c) is its window flattened in the input's own axis order
    (channels_last: rows, cols, channels; channels_first: channels, rows, cols) times
    ``kernel[r * cols + c]``."""
