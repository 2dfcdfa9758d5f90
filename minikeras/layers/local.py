"""Locally-connected layers (Keras 2.3.1): convolutions whose weights are not shared
between output positions. Weights as Keras 2.3.1 builds them, so its files load:
LocallyConnected1D kernel (output_length, kernel_size * input_dim, filters), bias
(output_length, filters); LocallyConnected2D kernel (output_row * output_col,
kernel_rows * kernel_cols * input_filter, filters), bias (output_row, output_col,
filters). Only 'valid' padding, as in Keras 2.3.1 (which has no ``implementation``
argument)."""
import minikeras.backend as K
from minikeras.layers.base import InputSpec
from minikeras.layers.convolutional import _Conv, base_arguments
from minikeras.layers.weight_options import add_role_weight
from minikeras.utils import conv_utils


class _LocallyConnected(_Conv):
    """A convolution's arguments and config (without dilation_rate); 'valid' only."""
    rank = None

    def __init__(self, filters, kernel_size, strides=1, padding='valid', data_format=None,
                 activation=None, use_bias=True, kernel_initializer='glorot_uniform',
                 bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super(_LocallyConnected, self).__init__(self.rank, **base_arguments(locals()))
        if self.padding != 'valid':
            raise ValueError('Invalid border mode for %s (only "valid" is supported): %s'
                             % (type(self).__name__, padding))

    def _allows_causal(self):
        return False

    def _weights(self, kernel_shape, bias_shape):
        self.kernel_shape = kernel_shape
        self.kernel = add_role_weight(self, 'kernel', 'kernel', kernel_shape)
        self.bias = add_role_weight(self, 'bias', 'bias', bias_shape) if self.use_bias else None

    def _finish(self, output, bias):
        """``output`` plus ``bias`` (already in the output's layout, without batch)."""
        if self.use_bias:
            output = output + K.expand_dims(bias, 0)
        if self.activation is not None:
            output = self.activation(output)
        return output

    def get_config(self):
        config = super(_LocallyConnected, self).get_config()
        config.pop('dilation_rate')
        return config


class LocallyConnected1D(_LocallyConnected):
    """Unshared-weight 1-D convolution over (batch, steps, input_dim)."""
    rank = 1

    def build(self, input_shape):
        input_dim = input_shape[2]
        if input_dim is None:
            raise ValueError('Axis 2 of input should be fully-defined. Found shape: %s'
                             % (tuple(input_shape),))
        output_length = self.compute_output_shape(input_shape)[1]
        if output_length is None:
            raise ValueError('layer %s (LocallyConnected1D) needs the length of its input to '
                             'be known, received shape %s' % (self.name, tuple(input_shape)))
        self._weights((output_length, self.kernel_size[0] * input_dim, self.filters),
                      (output_length, self.filters))
        self.input_spec = InputSpec(ndim=3, axes={2: input_dim})
        self.built = True

    def compute_output_shape(self, input_shape):
        length = conv_utils.conv_output_length(input_shape[1], self.kernel_size[0],
                                               self.padding, self.strides[0])
        return (input_shape[0], length, self.filters)

    def call(self, inputs):
        output = K.local_conv1d(inputs, self.kernel, self.kernel_size, self.strides)
        return self._finish(output, self.bias)

    def get_config(self):
        config = super(LocallyConnected1D, self).get_config()
        config.pop('data_format')  # Keras 2.3.1 leaves it out
        return config


class LocallyConnected2D(_LocallyConnected):
    """Unshared-weight 2-D convolution over 4-D inputs."""
    rank = 2

    def _spatial(self, input_shape):
        if self.data_format == 'channels_first':
            return input_shape[2], input_shape[3], input_shape[1]
        return input_shape[1], input_shape[2], input_shape[3]

    def build(self, input_shape):
        rows, cols, input_filter = self._spatial(input_shape)
        if rows is None or cols is None:
            raise ValueError('The spatial dimensions of the inputs to  a LocallyConnected2D '
                             'layer should be fully-defined, but layer received the inputs '
                             'shape %s' % (tuple(input_shape),))
        self.output_row = conv_utils.conv_output_length(rows, self.kernel_size[0],
                                                        self.padding, self.strides[0])
        self.output_col = conv_utils.conv_output_length(cols, self.kernel_size[1],
                                                        self.padding, self.strides[1])
        self._weights((self.output_row * self.output_col,
                       self.kernel_size[0] * self.kernel_size[1] * input_filter, self.filters),
                      (self.output_row, self.output_col, self.filters))
        axis = 1 if self.data_format == 'channels_first' else -1
        self.input_spec = InputSpec(ndim=4, axes={axis: input_filter})
        self.built = True

    def compute_output_shape(self, input_shape):
        rows, cols, _ = self._spatial(input_shape)
        rows = conv_utils.conv_output_length(rows, self.kernel_size[0], self.padding,
                                             self.strides[0])
        cols = conv_utils.conv_output_length(cols, self.kernel_size[1], self.padding,
                                             self.strides[1])
        if self.data_format == 'channels_first':
            return (input_shape[0], self.filters, rows, cols)
        return (input_shape[0], rows, cols, self.filters)

    def call(self, inputs):
        output = K.local_conv2d(inputs, self.kernel, self.kernel_size, self.strides,
                                (self.output_row, self.output_col), self.data_format)
        bias = self.bias
        if self.use_bias and self.data_format == 'channels_first':
            bias = K.permute_dimensions(bias, (2, 0, 1))
        return self._finish(output, bias)


