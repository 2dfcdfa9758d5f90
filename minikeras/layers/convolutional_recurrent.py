"""ConvLSTM2D and ConvLSTM2DCell (Keras 2.3.1): an LSTM whose input and recurrent
transformations are 2-D convolutions, over (batch, time, rows, cols, channels) inputs
(channels_last) or (batch, time, channels, rows, cols) (channels_first).

Kernel (kh, kw, channels, 4*filters), recurrent kernel (kh, kw, filters, 4*filters),
gates [i, f, c, o]; the input convolution uses the layer's strides, padding and
dilation, the recurrent one stride 1 and 'same' padding, as in Keras.
"""
import inspect

import numpy as np

import minikeras.backend as K
from minikeras import activations, regularizers
from minikeras.layers import signatures
from minikeras.layers.base import Layer
from minikeras.layers.core import check_int
from minikeras.layers.recurrent import _OwnCellRNN
from minikeras.layers.recurrent_cells import CELL_ROLES, add_kernels, forget_bias_initializer
from minikeras.layers.weight_options import (
    _ser, add_role_weight, set_weight_options, weight_options_config)
from minikeras.utils import conv_utils


class ConvLSTM2DCell(Layer):
    """One step of ConvLSTM2D; states [h, c] shaped like the output feature map."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid',
                 data_format=None, dilation_rate=(1, 1), activation='tanh',
                 recurrent_activation='hard_sigmoid', use_bias=True,
                 kernel_initializer='glorot_uniform', recurrent_initializer='orthogonal',
                 bias_initializer='zeros', unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.,
                 recurrent_dropout=0., **kwargs):
        super(ConvLSTM2DCell, self).__init__(**kwargs)
        self.filters = check_int('ConvLSTM2DCell', 'filters', filters)
        self.kernel_size = conv_utils.normalize_tuple(kernel_size, 2, 'kernel_size')
        self.strides = conv_utils.normalize_tuple(strides, 2, 'strides')
        self.padding = conv_utils.normalize_padding(padding)
        self.data_format = K.normalize_data_format(data_format)
        self.dilation_rate = conv_utils.normalize_tuple(dilation_rate, 2, 'dilation_rate')
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        set_weight_options(self, locals(), CELL_ROLES)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.dropout = min(1., max(0., float(dropout)))
        self.recurrent_dropout = min(1., max(0., float(recurrent_dropout)))
        self.state_size = (self.filters, self.filters)
        self._masks = (None, None)

    def build(self, input_shape):
        axis = 1 if self.data_format == 'channels_first' else -1
        channels = input_shape[axis]
        if channels is None:
            raise ValueError('ConvLSTM2DCell: the channel dimension of the inputs should be '
                             'defined, received shape %s' % (tuple(input_shape),))
        n = 4 * self.filters
        add_kernels(self, self.kernel_size + (int(channels), n),
                    self.kernel_size + (self.filters, n))
        if self.use_bias:
            init = forget_bias_initializer(self.bias_initializer, self.filters) \
                if self.unit_forget_bias else None
            self.bias = add_role_weight(self, 'bias', 'bias', (n,), init)
        self.built = True

    def _gate(self, kernel, g):
        f = self.filters
        return K.slice(kernel, [0, 0, 0, g * f], [-1, -1, -1, f])

    def input_conv(self, x, g):
        out = K.conv2d(x, self._gate(self.kernel, g), strides=self.strides,
                       padding=self.padding, data_format=self.data_format,
                       dilation_rate=self.dilation_rate)
        if self.use_bias:
            out = K.bias_add(out, K.slice(self.bias, [g * self.filters], [self.filters]),
                             data_format=self.data_format)
        return out

    def recurrent_conv(self, h, g):
        return K.conv2d(h, self._gate(self.recurrent_kernel, g), strides=(1, 1),
                        padding='same', data_format=self.data_format)

    def set_dropout_masks(self, inputs, training=None):
        """Four input and four recurrent dropout masks per sequence, one per gate (as
        Keras 2.3.1 draws them); ``inputs`` is the (batch, time, ...) sequence."""
        def masks(rate, like):
            if not rate:
                return None
            ones = K.ones_like(like)
            return [K.in_train_phase(lambda: K.dropout(ones, rate), ones, training=training)
                    for _ in range(4)]
        if not (self.dropout or self.recurrent_dropout):
            self._masks = (None, None)
            return
        first = K.zeros_like(K.sum(inputs, axis=1))
        self._masks = (masks(self.dropout, first),
                       masks(self.recurrent_dropout, self.zero_state(first)))

    def zero_state(self, x):
        """Zeros shaped like the state for one step's input ``x`` (the input convolution
        of a zero kernel, so shapes follow strides, padding and dilation)."""
        channels = K.int_shape(x)[1 if self.data_format == 'channels_first' else -1]
        zeros = K.constant(np.zeros(self.kernel_size + (channels, self.filters)),
                           dtype=K.dtype(x))
        return K.conv2d(x, zeros, strides=self.strides, padding=self.padding,
                        data_format=self.data_format, dilation_rate=self.dilation_rate)

    def call(self, inputs, states, training=None):
        h_tm1, c_tm1 = states[0], states[1]
        x_masks, h_masks = self._masks
        xs = [inputs * m for m in x_masks] if x_masks else [inputs] * 4
        hs = [h_tm1 * m for m in h_masks] if h_masks else [h_tm1] * 4
        z = [self.input_conv(xs[g], g) + self.recurrent_conv(hs[g], g) for g in range(4)]
        i = self.recurrent_activation(z[0])
        f = self.recurrent_activation(z[1])
        c = f * c_tm1 + i * self.activation(z[2])
        h = self.recurrent_activation(z[3]) * self.activation(c)
        return h, [h, c]

    def get_config(self):
        config = Layer.get_config(self)
        config.update({
            'filters': self.filters, 'kernel_size': self.kernel_size,
            'strides': self.strides, 'padding': self.padding,
            'data_format': self.data_format, 'dilation_rate': self.dilation_rate,
            'activation': activations.serialize(self.activation),
            'recurrent_activation': activations.serialize(self.recurrent_activation),
            'use_bias': self.use_bias})
        options = list(weight_options_config(self, CELL_ROLES).items())
        config.update(options[:3])  # the initializers, then unit_forget_bias (Keras's order)
        config['unit_forget_bias'] = self.unit_forget_bias
        config.update(options[3:])
        config.update(dropout=self.dropout, recurrent_dropout=self.recurrent_dropout)
        return config


# Keras 2.3.1's ConvLSTM2D arguments: the cell's, plus activity_regularizer and the RNN's
_CELL_PARAMETERS = [(p.name, p.default)
                    for p in inspect.signature(ConvLSTM2DCell.__init__).parameters.values()
                    if p.name not in ('self', 'kwargs')]
_CELL_ARGUMENTS = [name for name, _ in _CELL_PARAMETERS[2:]]
CONV_LSTM_2D = (_CELL_PARAMETERS[:16] + [('activity_regularizer', None)]
                + _CELL_PARAMETERS[16:19]
                + [('return_sequences', False), ('go_backwards', False), ('stateful', False)]
                + _CELL_PARAMETERS[19:])


class ConvLSTM2D(_OwnCellRNN):
    """Convolutional LSTM over 5-D sequences of feature maps (Keras 2.3.1 arguments)."""

    @signatures.keras_signature(CONV_LSTM_2D)
    def __init__(self, filters, kernel_size, **kwargs):
        cell = ConvLSTM2DCell(filters, kernel_size,
                              **dict((name, kwargs.pop(name)) for name in _CELL_ARGUMENTS))
        activity_regularizer = kwargs.pop('activity_regularizer')
        super(ConvLSTM2D, self).__init__(cell, **kwargs)
        self.activity_regularizer = regularizers.get(activity_regularizer)

    def _seq_shape(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        if len(input_shape) != 5:
            raise ValueError('%s expects input of shape (batch, time, rows, cols, channels) '
                             '(or channels first), received %s'
                             % (self.name, tuple(input_shape)))
        return tuple(input_shape)

    def _map_shape(self, shape):
        """(rows, cols) of the output feature maps for a (batch, time, ...) shape."""
        first = self.cell.data_format == 'channels_first'
        spatial = shape[3:5] if first else shape[2:4]
        return tuple(conv_utils.conv_output_length(d, k, self.cell.padding, s, dilation=r)
                     for d, k, s, r in zip(spatial, self.cell.kernel_size, self.cell.strides,
                                           self.cell.dilation_rate))

    def _state_shape(self, shape):
        rows, cols = self._map_shape(shape)
        f = self.cell.filters
        return (f, rows, cols) if self.cell.data_format == 'channels_first' else (rows, cols, f)

    def build(self, input_shape):
        shape = self._seq_shape(input_shape)
        if not self.cell.built:
            self.cell.build((shape[0],) + shape[2:])
        if self.stateful:
            if shape[0] is None:
                raise ValueError('%s: a stateful RNN needs a fixed batch size' % self.name)
            self.states = [K.variable(np.zeros((shape[0],) + self._state_shape(shape)))
                           for _ in range(2)]
        self.built = True

    def compute_output_shape(self, input_shape):
        shape = self._seq_shape(input_shape)
        state = (shape[0],) + self._state_shape(shape)
        out = (shape[0], shape[1]) + state[1:] if self.return_sequences else state
        if self.return_state:
            return [out, state, state]
        return out

    def _zero_states(self, inputs):
        cell = self.cell
        first = K.zeros_like(K.sum(inputs, axis=1))  # (batch, rows, cols, channels)
        return [cell.zero_state(first)] * 2

    def get_config(self):
        config = super(ConvLSTM2D, self).get_config()
        config['activity_regularizer'] = _ser(regularizers, self.activity_regularizer)
        return config
