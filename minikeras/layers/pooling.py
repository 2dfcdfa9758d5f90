"""Pooling layers (Keras 2): Max/Average pooling 1-D and 2-D, and global pooling."""
import minikeras.backend as K
from minikeras.layers.base import InputSpec, Layer
from minikeras.layers.core import base_config
from minikeras.layers.spatial import SpatialLayer, check_ndim as _check_ndim
from minikeras.utils import conv_utils


def _set_pooling(layer, rank, pool_size, strides, padding, data_format):
    """The arguments of a ``rank``-D pooling layer, checked, as its attributes."""
    cls = type(layer).__name__
    if strides is None:
        strides = pool_size
    layer.pool_size = conv_utils.normalize_tuple(pool_size, rank, 'pool_size', cls)
    layer.strides = conv_utils.normalize_tuple(strides, rank, 'strides', cls)
    layer.padding = conv_utils.normalize_padding(padding, cls)
    layer.data_format = conv_utils.normalize_data_format(data_format, cls)
    layer.input_spec = InputSpec(ndim=rank + 2)


def _pooling_config(layer):
    return base_config(layer, {'pool_size': layer.pool_size, 'strides': layer.strides,
                               'padding': layer.padding, 'data_format': layer.data_format})


class _Pooling1D(Layer):
    """1-D pooling over axis 1 (channels_last) or 2 (channels_first) via ``K.pool2d``."""

    _mode = None

    def __init__(self, pool_size=2, strides=None, padding='valid',
                 data_format='channels_last', **kwargs):
        super(_Pooling1D, self).__init__(**kwargs)
        _set_pooling(self, 1, pool_size, strides, padding, data_format)

    def compute_output_shape(self, input_shape):
        _check_ndim(self, input_shape, 3)
        axis = 2 if self.data_format == 'channels_first' else 1
        length = conv_utils.conv_output_length(input_shape[axis], self.pool_size[0],
                                               self.padding, self.strides[0])
        if length is not None and length < 1:
            raise ValueError('layer %s (%s): input of shape %s is shorter than pool_size=%d'
                             % (self.name, type(self).__name__, tuple(input_shape),
                                self.pool_size[0]))
        shape = list(input_shape)
        shape[axis] = length
        return tuple(shape)

    def call(self, inputs):
        # (batch, steps, ch) -> (batch, steps, 1, ch); channels_first: (batch, ch, steps, 1)
        axis = 3 if self.data_format == 'channels_first' else 2
        x = K.expand_dims(inputs, axis)
        y = K.pool2d(x, (self.pool_size[0], 1), strides=(self.strides[0], 1),
                     padding=self.padding, data_format=self.data_format,
                     pool_mode=self._mode)
        return K.squeeze(y, axis)

    def get_config(self):
        return _pooling_config(self)


class MaxPooling1D(_Pooling1D):
    _mode = 'max'


class AveragePooling1D(_Pooling1D):
    _mode = 'avg'


class _Pooling2D(Layer):
    _mode = None
    _rank = 2  # 3 for the 3-D pooling layers

    def __init__(self, pool_size=(2, 2), strides=None, padding='valid', data_format=None,
                 **kwargs):
        super(_Pooling2D, self).__init__(**kwargs)
        _set_pooling(self, self._rank, pool_size, strides, padding, data_format)

    def compute_output_shape(self, input_shape):
        rank = self._rank
        _check_ndim(self, input_shape, rank + 2)
        first = 2 if self.data_format == 'channels_first' else 1
        shape = list(input_shape)
        for i in range(rank):
            length = conv_utils.conv_output_length(shape[first + i], self.pool_size[i],
                                                   self.padding, self.strides[i])
            if length is not None and length < 1:
                raise ValueError('layer %s (%s): input of shape %s is smaller than '
                                 'pool_size=%r' % (self.name, type(self).__name__,
                                                   tuple(input_shape), self.pool_size))
            shape[first + i] = length
        return tuple(shape)

    def call(self, inputs):
        return K.pool2d(inputs, self.pool_size, strides=self.strides, padding=self.padding,
                        data_format=self.data_format, pool_mode=self._mode)

    def get_config(self):
        return _pooling_config(self)


class MaxPooling2D(_Pooling2D):
    _mode = 'max'


class AveragePooling2D(_Pooling2D):
    _mode = 'avg'


class _GlobalPooling1D(Layer):
    def __init__(self, data_format='channels_last', **kwargs):
        super(_GlobalPooling1D, self).__init__(**kwargs)
        self.data_format = conv_utils.normalize_data_format(data_format,
                                                            type(self).__name__)
        self.input_spec = InputSpec(ndim=3)

    def _steps_axis(self):
        return 2 if self.data_format == 'channels_first' else 1

    def compute_output_shape(self, input_shape):
        _check_ndim(self, input_shape, 3)
        if self.data_format == 'channels_first':
            return (input_shape[0], input_shape[1])
        return (input_shape[0], input_shape[2])

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        return base_config(self, {'data_format': self.data_format})


class GlobalAveragePooling1D(_GlobalPooling1D):
    """Mean over the steps; with a (batch, steps) mask, the mean of unmasked steps."""

    def __init__(self, data_format='channels_last', **kwargs):
        super(GlobalAveragePooling1D, self).__init__(data_format, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        axis = self._steps_axis()
        if mask is None:
            return K.mean(inputs, axis=axis)
        weights = K.cast(mask, K.dtype(inputs))
        weights = K.expand_dims(weights, 1 if self.data_format == 'channels_first' else -1)
        total = K.sum(K.multiply(inputs, weights), axis=axis)
        return K.divide(total, K.sum(weights, axis=axis))


class GlobalMaxPooling1D(_GlobalPooling1D):
    def call(self, inputs):
        return K.max(inputs, axis=self._steps_axis())


class _GlobalPooling2D(SpatialLayer):
    """Pools the ``_rank`` spatial axes of a (rank + 2)-D input away (``_rank`` 3: the
    3-D global pooling layers)."""

    def __init__(self, data_format=None, **kwargs):
        super(_GlobalPooling2D, self).__init__(data_format, **kwargs)

    def compute_output_shape(self, input_shape):
        _check_ndim(self, input_shape, self._rank + 2)
        if self.data_format == 'channels_first':
            return (input_shape[0], input_shape[1])
        return (input_shape[0], input_shape[self._rank + 1])

    def get_config(self):
        return base_config(self, {'data_format': self.data_format})


class _GlobalAverage(object):
    """The mean over the pooled axes (2-D and 3-D global average pooling)."""

    def call(self, inputs):
        return K.mean(inputs, axis=self._axes())


class _GlobalMax(object):
    """The maximum over the pooled axes (2-D and 3-D global max pooling)."""

    def call(self, inputs):
        return K.max(inputs, axis=self._axes())


class GlobalAveragePooling2D(_GlobalAverage, _GlobalPooling2D):
    pass


class GlobalMaxPooling2D(_GlobalMax, _GlobalPooling2D):
    pass


# Keras 2 aliases
MaxPool1D = MaxPooling1D
MaxPool2D = MaxPooling2D
AvgPool1D = AveragePooling1D
AvgPool2D = AveragePooling2D
GlobalMaxPool1D = GlobalMaxPooling1D
GlobalMaxPool2D = GlobalMaxPooling2D
GlobalAvgPool1D = GlobalAveragePooling1D
GlobalAvgPool2D = GlobalAveragePooling2D

from minikeras.layers.volumes import (  # noqa: F401,E402  (the 3-D pooling layers)
    AveragePooling3D, AvgPool3D, GlobalAveragePooling3D, GlobalAvgPool3D, GlobalMaxPool3D,
    GlobalMaxPooling3D, MaxPool3D, MaxPooling3D)
