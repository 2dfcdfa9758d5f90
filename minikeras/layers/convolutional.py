"""Convolution layers (Keras 2): Conv1D, Conv2D, Conv2DTranspose, SeparableConv2D,
DepthwiseConv2D, and the padding / cropping / upsampling layers.

Kernel layouts are the library's single layout (see the backend contract, nn.py):
Conv1D (w, in, out); Conv2D (h, w, in, out); Conv2DTranspose (h, w, out, in);
depthwise (h, w, in, multiplier); pointwise (1, 1, in * multiplier, out).
"""
import numbers

import minikeras.backend as K
from minikeras.layers.base import InputSpec, Layer
from minikeras.layers.core import base_config, check_bool, check_int, static_shape
from minikeras.layers.spatial import SpatialLayer, check_ndim as _check_ndim
from minikeras.layers.weight_options import (
    add_role_weight, set_weight_options, weight_options_config)
from minikeras.utils import conv_utils

_CONV_ARGUMENTS = ('filters', 'kernel_size', 'strides', 'padding', 'data_format',
                   'dilation_rate', 'activation', 'use_bias', 'kernel_initializer',
                   'bias_initializer', 'kernel_regularizer', 'bias_regularizer',
                   'activity_regularizer', 'kernel_constraint', 'bias_constraint')
SEPARABLE_ARGUMENTS = _CONV_ARGUMENTS + (
    'depth_multiplier', 'depthwise_initializer', 'pointwise_initializer',
    'depthwise_regularizer', 'pointwise_regularizer', 'depthwise_constraint',
    'pointwise_constraint')


def base_arguments(scope, names=_CONV_ARGUMENTS):
    """What a subclass's ``__init__`` passes on to its base class: the arguments among
    ``names`` it received (``scope``: its ``locals()``), plus its ``**kwargs``."""
    arguments = dict((name, scope[name]) for name in names if name in scope)
    arguments.update(scope['kwargs'])
    return arguments


class _Conv(Layer):
    """N-D convolution (rank 1 or 2) with an optional bias and activation."""

    _default_data_format = None  # None: K.image_data_format()

    def __init__(self, rank, filters, kernel_size, strides=1, padding='valid',
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer='glorot_uniform', bias_initializer='zeros',
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        from minikeras import activations
        super(_Conv, self).__init__(**kwargs)
        cls = type(self).__name__
        self.rank = rank
        self.filters = check_int(cls, 'filters', filters) if filters is not None else None
        self.kernel_size = conv_utils.normalize_tuple(kernel_size, rank, 'kernel_size', cls)
        self.strides = conv_utils.normalize_tuple(strides, rank, 'strides', cls)
        allowed = ('valid', 'same', 'causal') if rank == 1 and self._allows_causal() \
            else ('valid', 'same')
        self.padding = conv_utils.normalize_padding(padding, cls, allowed)
        self.data_format = conv_utils.normalize_data_format(data_format, cls)
        self.dilation_rate = conv_utils.normalize_tuple(dilation_rate, rank, 'dilation_rate',
                                                        cls)
        check_strides_and_dilation(cls, strides, dilation_rate, self.strides,
                                   self.dilation_rate)
        self.activation = activations.get(activation)
        self.use_bias = check_bool(cls, 'use_bias', use_bias)
        set_weight_options(self, locals(), ('kernel', 'bias'), activity=True)
        self.input_spec = InputSpec(ndim=rank + 2)

    def _allows_causal(self):
        return True

    # --- shapes ---------------------------------------------------------------------
    def _channel_axis(self):
        return 1 if self.data_format == 'channels_first' else -1

    def _check_input_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError('layer %s (%s) expects inputs with %d axes (batch, %s), '
                             'received shape %s'
                             % (self.name, type(self).__name__, self.rank + 2,
                                'channels, spatial...' if self.data_format == 'channels_first'
                                else 'spatial..., channels', input_shape))
        channels = input_shape[self._channel_axis()]
        if channels is None:
            raise ValueError('layer %s (%s): the channel axis of the input must be known, '
                             'received shape %s' % (self.name, type(self).__name__,
                                                    input_shape))
        return input_shape, channels

    def _spatial(self, input_shape):
        if self.data_format == 'channels_first':
            return tuple(input_shape[2:])
        return tuple(input_shape[1:-1])

    def _assemble(self, batch, spatial, channels):
        if self.data_format == 'channels_first':
            return (batch, channels) + tuple(spatial)
        return (batch,) + tuple(spatial) + (channels,)

    def _out_channels(self, in_channels):
        return self.filters

    def compute_output_shape(self, input_shape):
        input_shape, channels = self._check_input_shape(input_shape)
        spatial = []
        for i, size in enumerate(self._spatial(input_shape)):
            length = conv_utils.conv_output_length(size, self.kernel_size[i], self.padding,
                                                   self.strides[i], self.dilation_rate[i])
            if length is not None and length < 1:
                raise ValueError('layer %s (%s): input of shape %s is too small for '
                                 'kernel_size=%r, dilation_rate=%r with padding %r'
                                 % (self.name, type(self).__name__, input_shape,
                                    self.kernel_size, self.dilation_rate, self.padding))
            spatial.append(length)
        return self._assemble(input_shape[0], spatial, self._out_channels(channels))

    # --- weights and call -----------------------------------------------------------
    def build(self, input_shape):
        input_shape, channels = self._check_input_shape(input_shape)
        self.compute_output_shape(input_shape)  # size checks
        self._build_weights(channels)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis(): channels})
        self.built = True

    def _build_weights(self, channels):
        self.kernel = add_role_weight(self, 'kernel', 'kernel',
                                      self.kernel_size + (channels, self.filters))
        self._build_bias()

    def _build_bias(self, size=None):
        if self.use_bias:
            self.bias = add_role_weight(self, 'bias', 'bias', (size or self.filters,))
        else:
            self.bias = None

    def _convolve(self, inputs):
        if self.rank == 1:
            return K.conv1d(inputs, self.kernel, strides=self.strides[0],
                            padding=self.padding, data_format=self.data_format,
                            dilation_rate=self.dilation_rate[0])
        return K.conv2d(inputs, self.kernel, strides=self.strides, padding=self.padding,
                        data_format=self.data_format, dilation_rate=self.dilation_rate)

    def call(self, inputs):
        outputs = self._convolve(inputs)
        if self.use_bias:
            outputs = K.bias_add(outputs, self.bias, data_format=self.data_format)
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs

    def get_config(self):
        from minikeras import activations
        config = {
            'filters': self.filters,
            'kernel_size': self.kernel_size,
            'strides': self.strides,
            'padding': self.padding,
            'data_format': self.data_format,
            'dilation_rate': self.dilation_rate,
            'activation': activations.serialize(self.activation),
            'use_bias': self.use_bias,
        }
        config.update(weight_options_config(self, ('kernel', 'bias'), activity=True))
        return base_config(self, config)


def check_strides_and_dilation(cls, strides, dilation_rate, strides_tuple, dilation_tuple):
    """Keras refuses strides > 1 together with dilation_rate > 1."""
    if max(strides_tuple) > 1 and max(dilation_tuple) > 1:
        raise ValueError('%s: strides > 1 cannot be combined with dilation_rate > 1, '
                         'received strides=%r and dilation_rate=%r'
                         % (cls, strides, dilation_rate))


class Conv1D(_Conv):
    """1-D convolution over (batch, steps, channels); padding also 'causal'."""

    def __init__(self, filters, kernel_size, strides=1, padding='valid',
                 data_format='channels_last', dilation_rate=1, activation=None,
                 use_bias=True, kernel_initializer='glorot_uniform', bias_initializer='zeros',
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super(Conv1D, self).__init__(1, **base_arguments(locals()))


class Conv2D(_Conv):
    """2-D convolution (cross-correlation), kernel (h, w, in, filters)."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid',
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 kernel_initializer='glorot_uniform', bias_initializer='zeros',
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super(Conv2D, self).__init__(2, **base_arguments(locals()))

    def _allows_causal(self):
        return False


class _Transposed(object):
    """What the transposed convolutions share (rank from ``self.rank``): output_padding,
    the output shape, the kernel (*k, filters, in) and the call, given ``_transpose``."""

    def _set_output_padding(self, output_padding):
        cls = type(self).__name__
        self.output_padding = output_padding
        if output_padding is not None:
            self.output_padding = conv_utils.normalize_tuple(
                output_padding, self.rank, 'output_padding', cls, allow_zero=True)
            for stride, pad in zip(self.strides, self.output_padding):
                if pad >= stride:
                    raise ValueError('%s: output_padding must be smaller than strides, '
                                     'received output_padding=%r and strides=%r'
                                     % (cls, output_padding, self.strides))

    def compute_output_shape(self, input_shape):
        input_shape, _ = self._check_input_shape(input_shape)
        pads = self.output_padding or (None,) * self.rank
        spatial = [conv_utils.deconv_length(size, self.strides[i], self.kernel_size[i],
                                            self.padding, pads[i], self.dilation_rate[i])
                   for i, size in enumerate(self._spatial(input_shape))]
        return self._assemble(input_shape[0], spatial, self.filters)

    def _build_weights(self, channels):
        self.kernel = add_role_weight(self, 'kernel', 'kernel',
                                      self.kernel_size + (self.filters, channels))
        self._build_bias()

    def _convolve(self, inputs):
        shape = static_shape(self, inputs)
        if any(d is None for d in self._spatial(shape)):
            raise ValueError('layer %s (%s) needs the spatial size of its input to be '
                             'known, received shape %s'
                             % (self.name, type(self).__name__, shape))
        out_shape = (None,) + tuple(self.compute_output_shape(shape)[1:])
        return self._transpose(inputs, out_shape)

    def get_config(self):
        config = super(_Transposed, self).get_config()
        config['output_padding'] = self.output_padding
        return config


class Conv2DTranspose(_Transposed, Conv2D):
    """Transposed 2-D convolution, kernel (h, w, filters, in)."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid',
                 output_padding=None, data_format=None, dilation_rate=(1, 1),
                 activation=None, use_bias=True, kernel_initializer='glorot_uniform',
                 bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super(Conv2DTranspose, self).__init__(**base_arguments(locals()))
        self._set_output_padding(output_padding)

    def _transpose(self, inputs, output_shape):
        return K.conv2d_transpose(inputs, self.kernel, output_shape, strides=self.strides,
                                  padding=self.padding, data_format=self.data_format,
                                  dilation_rate=self.dilation_rate)


def _add_depthwise_kernel(layer, channels):
    layer.depthwise_kernel = add_role_weight(
        layer, 'depthwise', 'depthwise_kernel',
        layer.kernel_size + (channels, layer.depth_multiplier))


class DepthwiseConv2D(Conv2D):
    """Per-channel 2-D convolution, kernel (h, w, in, depth_multiplier); output channel
    ``c * depth_multiplier + m``."""

    def __init__(self, kernel_size, strides=(1, 1), padding='valid', depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 depthwise_initializer='glorot_uniform', bias_initializer='zeros',
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super(DepthwiseConv2D, self).__init__(None, **base_arguments(locals()))
        self.depth_multiplier = check_int('DepthwiseConv2D', 'depth_multiplier',
                                          depth_multiplier)
        set_weight_options(self, locals(), ('depthwise',))

    def _out_channels(self, in_channels):
        return in_channels * self.depth_multiplier

    def _build_weights(self, channels):
        _add_depthwise_kernel(self, channels)
        self._build_bias(channels * self.depth_multiplier)

    def _convolve(self, inputs):
        return K.depthwise_conv2d(inputs, self.depthwise_kernel, strides=self.strides,
                                  padding=self.padding, data_format=self.data_format,
                                  dilation_rate=self.dilation_rate)

    def get_config(self):
        config = super(DepthwiseConv2D, self).get_config()
        for key in ('filters', 'kernel_initializer', 'kernel_regularizer',
                    'kernel_constraint'):
            config.pop(key)
        config['depth_multiplier'] = self.depth_multiplier
        config.update(weight_options_config(self, ('depthwise',)))
        return config


class SeparableConv2D(Conv2D):
    """Depthwise convolution followed by a 1x1 (pointwise) convolution to ``filters``."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid',
                 data_format=None, dilation_rate=(1, 1), depth_multiplier=1, activation=None,
                 use_bias=True, depthwise_initializer='glorot_uniform',
                 pointwise_initializer='glorot_uniform', bias_initializer='zeros',
                 depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super(SeparableConv2D, self).__init__(**base_arguments(locals()))
        self.depth_multiplier = check_int('SeparableConv2D', 'depth_multiplier',
                                          depth_multiplier)
        set_weight_options(self, locals(), ('depthwise', 'pointwise'))

    def _build_weights(self, channels):
        _add_depthwise_kernel(self, channels)
        self.pointwise_kernel = add_role_weight(
            self, 'pointwise', 'pointwise_kernel',
            (1,) * self.rank + (channels * self.depth_multiplier, self.filters))
        self._build_bias()

    def _convolve(self, inputs):
        return K.separable_conv2d(inputs, self.depthwise_kernel, self.pointwise_kernel,
                                  strides=self.strides, padding=self.padding,
                                  data_format=self.data_format,
                                  dilation_rate=self.dilation_rate)

    def get_config(self):
        config = super(SeparableConv2D, self).get_config()
        for key in ('kernel_initializer', 'kernel_regularizer', 'kernel_constraint'):
            config.pop(key)
        config['depth_multiplier'] = self.depth_multiplier
        config.update(weight_options_config(self, ('depthwise', 'pointwise')))
        return config


# --- padding, cropping, upsampling -----------------------------------------------------

def _pair_of_pairs(value, name, cls):
    """Keras 2 2-D padding/cropping argument -> ((top, bottom), (left, right))."""
    bad = ValueError('%s: %s must be an int, a tuple of 2 ints or a tuple of 2 tuples of 2 '
                     'ints (all >= 0), received %s=%r' % (cls, name, name, value))
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if value < 0:
            raise bad
        return ((int(value), int(value)), (int(value), int(value)))
    try:
        items = tuple(value)
    except TypeError:
        raise bad
    if len(items) != 2:
        raise bad
    out = []
    for item in items:
        if isinstance(item, numbers.Integral) and not isinstance(item, bool):
            pair = (item, item)
        else:
            try:
                pair = tuple(item)
            except TypeError:
                raise bad
        if len(pair) != 2 or not all(isinstance(p, numbers.Integral) and p >= 0
                                     for p in pair):
            raise bad
        out.append((int(pair[0]), int(pair[1])))
    return tuple(out)


def _pair(value, name, cls):
    """Keras 2 1-D padding/cropping argument -> (before, after)."""
    bad = ValueError('%s: %s must be an int or a tuple of 2 ints (>= 0), received %s=%r'
                     % (cls, name, name, value))
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if value < 0:
            raise bad
        return (int(value), int(value))
    try:
        pair = tuple(value)
    except TypeError:
        raise bad
    if len(pair) != 2 or not all(isinstance(p, numbers.Integral) and p >= 0 for p in pair):
        raise bad
    return (int(pair[0]), int(pair[1]))


def _add(size, extra):
    return None if size is None else size + extra


class ZeroPadding1D(Layer):
    """Zero-pad axis 1 of (batch, steps, features)."""

    def __init__(self, padding=1, **kwargs):
        super(ZeroPadding1D, self).__init__(**kwargs)
        self.padding = _pair(padding, 'padding', 'ZeroPadding1D')
        self.input_spec = InputSpec(ndim=3)

    def compute_output_shape(self, input_shape):
        _check_ndim(self, input_shape, 3)
        return (input_shape[0], _add(input_shape[1], sum(self.padding)), input_shape[2])

    def call(self, inputs):
        return K.temporal_padding(inputs, padding=self.padding)

    def get_config(self):
        return base_config(self, {'padding': self.padding})


class _SpatialResize(SpatialLayer):
    """A layer that changes the lengths of the ``_rank`` spatial axes of its input, each
    by ``_length(i, length)``."""

    def compute_output_shape(self, input_shape):
        _check_ndim(self, input_shape, self._rank + 2)
        s = list(input_shape)
        for i, axis in enumerate(self._axes()):
            s[axis] = self._length(i, s[axis])
        return tuple(s)


class _ZeroPadding(_SpatialResize):
    """Pads spatial axis i with ``self.padding[i]`` = (before, after) zeros."""

    def _length(self, i, length):
        return _add(length, sum(self.padding[i]))

    def get_config(self):
        return base_config(self, {'padding': self.padding, 'data_format': self.data_format})


class ZeroPadding2D(_ZeroPadding):
    """Zero-pad the rows and columns of a 4-D input."""

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super(ZeroPadding2D, self).__init__(data_format, **kwargs)
        self.padding = _pair_of_pairs(padding, 'padding', 'ZeroPadding2D')

    def call(self, inputs):
        return K.spatial_2d_padding(inputs, padding=self.padding, data_format=self.data_format)


def _crop(layer, x, axes, croppings):
    """``x`` with ``croppings[i]`` = (before, after) entries removed along ``axes[i]``."""
    shape = static_shape(layer, x)
    if all(shape[a] is not None for a in axes):
        start, size = [0] * len(shape), [-1] * len(shape)
        for a, (before, after) in zip(axes, croppings):
            start[a], size[a] = before, shape[a] - before - after
        return K.slice(x, start, size)
    # an axis of unknown length: basic slicing, which every engine's tensors support
    index = [slice(None)] * len(shape)
    for a, (before, after) in zip(axes, croppings):
        index[a] = slice(before, -after if after else None)
    return x[tuple(index)]


def _sub(layer, size, crop):
    if size is None:
        return None
    if size - crop < 1:
        raise ValueError('layer %s (%s): cropping %d entries from an axis of length %d '
                         'leaves nothing' % (layer.name, type(layer).__name__, crop, size))
    return size - crop


class Cropping1D(Layer):
    """Crop axis 1 of (batch, steps, features) by (start, end)."""

    def __init__(self, cropping=(1, 1), **kwargs):
        super(Cropping1D, self).__init__(**kwargs)
        self.cropping = _pair(cropping, 'cropping', 'Cropping1D')
        self.input_spec = InputSpec(ndim=3)

    def compute_output_shape(self, input_shape):
        _check_ndim(self, input_shape, 3)
        return (input_shape[0], _sub(self, input_shape[1], sum(self.cropping)),
                input_shape[2])

    def call(self, inputs):
        return _crop(self, inputs, [1], [self.cropping])

    def get_config(self):
        return base_config(self, {'cropping': self.cropping})


class _Cropping(_SpatialResize):
    """Crops ``self.cropping[i]`` = (before, after) entries off spatial axis i."""

    def _length(self, i, length):
        return _sub(self, length, sum(self.cropping[i]))

    def call(self, inputs):
        return _crop(self, inputs, self._axes(), list(self.cropping))

    def get_config(self):
        return base_config(self, {'cropping': self.cropping, 'data_format': self.data_format})


class Cropping2D(_Cropping):
    """Crop the rows and columns of a 4-D input by ((top, bottom), (left, right))."""

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super(Cropping2D, self).__init__(data_format, **kwargs)
        self.cropping = _pair_of_pairs(cropping, 'cropping', 'Cropping2D')


class UpSampling1D(Layer):
    """Repeat each step ``size`` times along axis 1."""

    def __init__(self, size=2, **kwargs):
        super(UpSampling1D, self).__init__(**kwargs)
        self.size = check_int('UpSampling1D', 'size', size)
        self.input_spec = InputSpec(ndim=3)

    def compute_output_shape(self, input_shape):
        _check_ndim(self, input_shape, 3)
        size = input_shape[1] * self.size if input_shape[1] is not None else None
        return (input_shape[0], size, input_shape[2])

    def call(self, inputs):
        return K.repeat_elements(inputs, self.size, axis=1)

    def get_config(self):
        return base_config(self, {'size': self.size})


class _UpSampling(_SpatialResize):
    """Repeats entries ``self.size[i]`` times along spatial axis i."""

    def _length(self, i, length):
        return None if length is None else length * self.size[i]


class UpSampling2D(_UpSampling):
    """Upsample rows and columns by integer factors ('nearest' or 'bilinear')."""

    def __init__(self, size=(2, 2), data_format=None, interpolation='nearest', **kwargs):
        super(UpSampling2D, self).__init__(data_format, **kwargs)
        self.size = conv_utils.normalize_tuple(size, 2, 'size', 'UpSampling2D')
        if interpolation not in ('nearest', 'bilinear'):
            raise ValueError("UpSampling2D: interpolation must be 'nearest' or 'bilinear', "
                             "received interpolation=%r" % (interpolation,))
        self.interpolation = interpolation

    def call(self, inputs):
        return K.resize_images(inputs, self.size[0], self.size[1], self.data_format,
                               interpolation=self.interpolation)

    def get_config(self):
        return base_config(self, {'size': self.size, 'data_format': self.data_format,
                                  'interpolation': self.interpolation})


# Keras 2 aliases
Convolution1D = Conv1D
Convolution2D = Conv2D
Deconvolution2D = Conv2DTranspose
SeparableConvolution2D = SeparableConv2D
Convolution2DTranspose = Conv2DTranspose

# Keras 2.3.1 also re-exports the pooling layers from keras.layers.convolutional
from minikeras.layers.pooling import (  # noqa: F401,E402
    AveragePooling1D, AveragePooling2D, MaxPooling1D, MaxPooling2D)
from minikeras.layers.volumes import (  # noqa: F401,E402  (3-D layers, SeparableConv1D)
    AveragePooling3D, Conv3D, Conv3DTranspose, Convolution3D, Cropping3D, Deconvolution3D,
    MaxPooling3D, SeparableConv1D, SeparableConvolution1D, UpSampling3D, ZeroPadding3D)
