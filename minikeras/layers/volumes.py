"""Keras 2.3.1's 3-D layers (Conv3D, Conv3DTranspose, 3-D pooling, cropping, padding,
upsampling) and SeparableConv1D. Kernel layouts: Conv3D
(d, h, w, in, filters); Conv3DTranspose (d, h, w, filters, in); SeparableConv1D
depthwise (w, in, depth_multiplier), pointwise (1, in * depth_multiplier, filters).
``keras.layers.convolutional``, ``pooling`` and ``core`` re-export them, as in Keras."""
import numbers

import minikeras.backend as K
from minikeras.layers.base import InputSpec
from minikeras.layers.convolutional import (
    SEPARABLE_ARGUMENTS, SeparableConv2D, _Conv, _Cropping, _Transposed, _UpSampling,
    _ZeroPadding, _pair, base_arguments, check_strides_and_dilation)
from minikeras.layers.core import base_config
from minikeras.layers.pooling import _GlobalAverage, _GlobalMax, _GlobalPooling2D, _Pooling2D
from minikeras.utils import conv_utils


class Conv3D(_Conv):
    """3-D convolution (cross-correlation), kernel (d, h, w, in, filters)."""

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding='valid',
                 data_format=None, dilation_rate=(1, 1, 1), activation=None, use_bias=True,
                 kernel_initializer='glorot_uniform', bias_initializer='zeros',
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super(Conv3D, self).__init__(3, **base_arguments(locals()))

    def _allows_causal(self):
        return False

    def _convolve(self, inputs):
        return K.conv3d(inputs, self.kernel, strides=self.strides, padding=self.padding,
                        data_format=self.data_format, dilation_rate=self.dilation_rate)


class Conv3DTranspose(_Transposed, Conv3D):
    """Transposed 3-D convolution, kernel (d, h, w, filters, in); no dilation_rate, as in
    Keras 2.3.1."""

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding='valid',
                 output_padding=None, data_format=None, activation=None, use_bias=True,
                 kernel_initializer='glorot_uniform', bias_initializer='zeros',
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super(Conv3DTranspose, self).__init__(**base_arguments(locals()))
        self._set_output_padding(output_padding)

    def _transpose(self, inputs, output_shape):
        return K.conv3d_transpose(inputs, self.kernel, output_shape, strides=self.strides,
                                  padding=self.padding, data_format=self.data_format)

    def get_config(self):
        config = super(Conv3DTranspose, self).get_config()
        config.pop('dilation_rate')
        return config


class SeparableConv1D(SeparableConv2D):
    """Depthwise 1-D convolution, then a pointwise one to ``filters``."""

    def __init__(self, filters, kernel_size, strides=1, padding='valid',
                 data_format='channels_last', dilation_rate=1, depth_multiplier=1,
                 activation=None, use_bias=True, depthwise_initializer='glorot_uniform',
                 pointwise_initializer='glorot_uniform', bias_initializer='zeros',
                 depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        arguments = base_arguments(locals(), SEPARABLE_ARGUMENTS)
        arguments.update(kernel_size=1, strides=1, dilation_rate=1)
        super(SeparableConv1D, self).__init__(**arguments)
        cls = 'SeparableConv1D'
        self.rank = 1
        self.kernel_size = conv_utils.normalize_tuple(kernel_size, 1, 'kernel_size', cls)
        self.strides = conv_utils.normalize_tuple(strides, 1, 'strides', cls)
        self.dilation_rate = conv_utils.normalize_tuple(dilation_rate, 1, 'dilation_rate', cls)
        check_strides_and_dilation(cls, strides, dilation_rate, self.strides,
                                   self.dilation_rate)
        self.input_spec = InputSpec(ndim=3)

    def _convolve(self, inputs):
        return K.separable_conv1d(inputs, self.depthwise_kernel, self.pointwise_kernel,
                                  strides=self.strides, padding=self.padding,
                                  data_format=self.data_format,
                                  dilation_rate=self.dilation_rate)


# --- pooling ----------------------------------------------------------------------------

class _Pooling3D(_Pooling2D):
    _rank = 3

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding='valid', data_format=None,
                 **kwargs):
        super(_Pooling3D, self).__init__(pool_size, strides, padding, data_format, **kwargs)

    def call(self, inputs):
        return K.pool3d(inputs, self.pool_size, strides=self.strides, padding=self.padding,
                        data_format=self.data_format, pool_mode=self._mode)


class MaxPooling3D(_Pooling3D):
    _mode = 'max'


class AveragePooling3D(_Pooling3D):
    _mode = 'avg'


class _GlobalPooling3D(_GlobalPooling2D):
    _rank = 3


class GlobalAveragePooling3D(_GlobalAverage, _GlobalPooling3D):
    pass


class GlobalMaxPooling3D(_GlobalMax, _GlobalPooling3D):
    pass


# --- padding, cropping, upsampling ---------------------------------------------

def _three_pairs(value, name, cls):
    """Keras 2 3-D padding/cropping argument (an int, 3 ints or 3 pairs) -> 3 pairs."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return (_pair(value, name, cls),) * 3
    try:
        items = tuple(value)
    except TypeError:
        items = ()
    if len(items) != 3:
        raise ValueError('%s: %s must be an int, a tuple of 3 ints or a tuple of 3 tuples of '
                         '2 ints (all >= 0), received %s=%r' % (cls, name, name, value))
    return tuple(_pair(item, name, cls) for item in items)


class ZeroPadding3D(_ZeroPadding):
    """Zero-pad the three spatial axes of a 5-D input."""

    _rank = 3

    def __init__(self, padding=(1, 1, 1), data_format=None, **kwargs):
        super(ZeroPadding3D, self).__init__(data_format, **kwargs)
        self.padding = _three_pairs(padding, 'padding', 'ZeroPadding3D')

    def call(self, inputs):
        return K.spatial_3d_padding(inputs, padding=self.padding, data_format=self.data_format)


class Cropping3D(_Cropping):
    """Crop the three spatial axes of a 5-D input by ((before, after),) * 3."""

    _rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super(Cropping3D, self).__init__(data_format, **kwargs)
        self.cropping = _three_pairs(cropping, 'cropping', 'Cropping3D')


class UpSampling3D(_UpSampling):
    """Repeat entries along the three spatial axes by integer factors."""

    _rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super(UpSampling3D, self).__init__(data_format, **kwargs)
        self.size = conv_utils.normalize_tuple(size, 3, 'size', 'UpSampling3D')

    def call(self, inputs):
        return K.resize_volumes(inputs, self.size[0], self.size[1], self.size[2],
                                self.data_format)

    def get_config(self):
        return base_config(self, {'size': self.size, 'data_format': self.data_format})


# Keras 2 aliases
Convolution3D = Conv3D
Deconvolution3D = Conv3DTranspose
Convolution3DTranspose = Conv3DTranspose
SeparableConvolution1D = SeparableConv1D
MaxPool3D = MaxPooling3D
AvgPool3D = AveragePooling3D
GlobalMaxPool3D = GlobalMaxPooling3D
GlobalAvgPool3D = GlobalAveragePooling3D
