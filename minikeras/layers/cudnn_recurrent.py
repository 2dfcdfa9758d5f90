"""CuDNNLSTM and CuDNNGRU (Keras 2.3.1): the math of NVIDIA CuDNN's recurrent kernels on
every engine, with the weight layout Keras's CuDNN layers save, so their files load.

Layout (as Keras 2.3.1 hands its weights to CuDNN): kernel (input_dim, gates*units) and
recurrent_kernel (units, gates*units) hold, per gate, the *flat buffer* of CuDNN's
row-major (units, input_dim) / (units, units) matrix W, applied as ``W . x``; the bias
(2*gates*units,) is the input biases then the recurrent biases. Gates in Keras order:
LSTM [i, f, c, o], GRU [z, r, h]. The GRU applies the reset gate after the recurrent
product (``GRU(reset_after=True)``). Sigmoid and tanh, no dropout, no masking; the
conversion to and from LSTM / GRU(reset_after=True) weights is
``engine.saving.preprocess_weights_for_loading``.
"""
import minikeras.backend as K
from minikeras import regularizers
from minikeras.layers import signatures
from minikeras.layers.base import Layer
from minikeras.layers.core import check_int
from minikeras.layers.recurrent import RNN, _OwnCellRNN
from minikeras.layers.recurrent_cells import (
    CELL_ROLES, _columns, add_kernels, forget_bias_initializer)
from minikeras.layers.weight_options import (
    _ser, add_role_weight, set_weight_options, weight_options_config)


def _gate_kernels(kernel, rows, units, gates):
    """(rows, gates*units) as the (rows, gates*units) matrix ``x . K`` needs: each gate's
    block read as CuDNN's row-major (units, rows) buffer, then transposed."""
    blocks = [K.transpose(K.reshape(_columns(kernel, g, units), (units, rows)))
              for g in range(gates)]
    return K.concatenate(blocks, axis=1)


class _CuDNNCell(Layer):
    gates = 1

    def __init__(self, units, kernel_initializer, recurrent_initializer, bias_initializer,
                 kernel_regularizer, recurrent_regularizer, bias_regularizer,
                 kernel_constraint, recurrent_constraint, bias_constraint, **kwargs):
        super(_CuDNNCell, self).__init__(**kwargs)
        self.units = units
        set_weight_options(self, locals(), CELL_ROLES)
        self._recurrent = None

    @property
    def output_size(self):
        return self.units

    def _bias_init(self):
        return self.bias_initializer

    def build(self, input_shape):
        n = self.gates * self.units
        self.input_dim = int(input_shape[-1])
        add_kernels(self, (self.input_dim, n), (self.units, n))
        self.bias = add_role_weight(self, 'bias', 'bias', (2 * n,), self._bias_init())
        self.built = True

    def _bias_half(self, index):
        n = self.gates * self.units
        return K.slice(self.bias, [index * n], [n])

    def project(self, inputs, training=None):
        """x . W for all steps (+ the biases the gates add outside the recurrence); keeps
        the recurrent matrix for the steps of this call."""
        self._recurrent = _gate_kernels(self.recurrent_kernel, self.units, self.units,
                                        self.gates)
        kernel = _gate_kernels(self.kernel, self.input_dim, self.units, self.gates)
        return K.bias_add(K.dot(inputs, kernel), self._input_bias())


class _CuDNNLSTMCell(_CuDNNCell):
    gates = 4

    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super(_CuDNNLSTMCell, self).__init__(units, **kwargs)
        self.unit_forget_bias = unit_forget_bias

    @property
    def state_size(self):
        return (self.units, self.units)

    def _bias_init(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        # Keras 2.3.1: the recurrent forget bias is one
        return forget_bias_initializer(self.bias_initializer, self.units, ahead=5)

    def _input_bias(self):
        return self._bias_half(0) + self._bias_half(1)

    def call(self, inputs, states, training=None):
        h_tm1, c_tm1 = states[0], states[1]
        z = inputs + K.dot(h_tm1, self._recurrent)
        u = self.units
        i = K.sigmoid(_columns(z, 0, u))
        f = K.sigmoid(_columns(z, 1, u))
        c = f * c_tm1 + i * K.tanh(_columns(z, 2, u))
        h = K.sigmoid(_columns(z, 3, u)) * K.tanh(c)
        return h, [h, c]


class _CuDNNGRUCell(_CuDNNCell):
    gates = 3

    @property
    def state_size(self):
        return self.units

    def _input_bias(self):
        return self._bias_half(0)

    def call(self, inputs, states, training=None):
        h_tm1 = states[0]
        u = self.units
        inner = K.bias_add(K.dot(h_tm1, self._recurrent), self._bias_half(1))
        z = K.sigmoid(_columns(inputs, 0, u) + _columns(inner, 0, u))
        r = K.sigmoid(_columns(inputs, 1, u) + _columns(inner, 1, u))
        hh = K.tanh(_columns(inputs, 2, u) + r * _columns(inner, 2, u))
        h = z * h_tm1 + (1. - z) * hh
        return h, [h]


_WEIGHT_ARGS = ('kernel_initializer', 'recurrent_initializer', 'bias_initializer',
                'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer',
                'kernel_constraint', 'recurrent_constraint', 'bias_constraint')


class _CuDNNRNN(_OwnCellRNN):
    """The CuDNN layers: their cell (``cell_class``) takes ``units``, the weight arguments
    and ``cell_kwargs``."""

    cell_class = None

    def __init__(self, units, cell_kwargs, activity_regularizer=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, **kwargs):
        cell_kwargs = dict(cell_kwargs, **dict((k, kwargs.pop(k)) for k in _WEIGHT_ARGS))
        units = check_int(type(self).__name__, 'units', units)
        cell = self.cell_class(units, **cell_kwargs)
        super(_CuDNNRNN, self).__init__(cell, return_sequences=return_sequences,
                                        return_state=return_state, go_backwards=go_backwards,
                                        stateful=stateful, **kwargs)
        self.units = units
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.supports_masking = False

    def get_config(self):
        cell = self.cell
        config = {'units': self.units}
        config.update(weight_options_config(cell, CELL_ROLES))
        config['activity_regularizer'] = _ser(regularizers, self.activity_regularizer)
        config.update(self._extra_config())
        outer = RNN.get_config(self)
        outer.pop('cell')
        outer.pop('unroll')
        config.update(outer)
        return config

    def _extra_config(self):
        return {}


class CuDNNLSTM(_CuDNNRNN):
    """Long short-term memory with CuDNN's math and Keras 2.3.1's CuDNN weight layout."""

    cell_class = _CuDNNLSTMCell

    @signatures.keras_signature(signatures.CUDNN_LSTM)
    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super(CuDNNLSTM, self).__init__(units, {'unit_forget_bias': bool(unit_forget_bias)},
                                        **kwargs)

    def _extra_config(self):
        return {'unit_forget_bias': self.cell.unit_forget_bias}


class CuDNNGRU(_CuDNNRNN):
    """Gated recurrent unit with CuDNN's math (reset gate after the recurrent product)
    and Keras 2.3.1's CuDNN weight layout."""

    cell_class = _CuDNNGRUCell

    @signatures.keras_signature(signatures.CUDNN_GRU)
    def __init__(self, units, **kwargs):
        super(CuDNNGRU, self).__init__(units, {}, **kwargs)
