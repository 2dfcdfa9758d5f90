"""Recurrent layers (Keras 2.3): RNN(cell), SimpleRNN, LSTM, GRU.

The time loop is ``K.rnn`` (each engine's own loop: tf.while_loop, scan, ...), never a
forced unroll. Masks (from Embedding(mask_zero=True) or Masking) hold the previous
output and state at masked steps. A plain LSTM (tanh, sigmoid gates, no mask, no dropout,
no constants, not unrolled) calls ``K.lstm`` instead, which an engine may run with a
fused kernel (as Keras 3 picks cuDNN); its generic implementation is the same loop.
"""
import numpy as np

import minikeras.backend as K
from minikeras import activations
from minikeras.layers.base import Layer, current_context
from minikeras.layers import signatures
from minikeras.layers.core import base_config
from minikeras.layers.recurrent_cells import (  # noqa: F401
    GRUCell, LSTMCell, SimpleRNNCell, StackedRNNCells, _as_list)


class RNN(Layer):
    """Runs ``cell`` over the time axis of (batch, time, features) inputs."""

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        input_dim = kwargs.pop('input_dim', None)
        input_length = kwargs.pop('input_length', None)
        if input_dim is not None and 'input_shape' not in kwargs:
            kwargs['input_shape'] = (input_length, input_dim)
        if not hasattr(cell, 'call') or not hasattr(cell, 'state_size'):
            raise ValueError('RNN: cell must have call() and state_size, received %r' % (cell,))
        super(RNN, self).__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.supports_masking = True
        self.states = None

    def _sublayers(self):
        return [self.cell] if isinstance(self.cell, Layer) else []

    @property
    def _state_sizes(self):
        return _as_list(self.cell.state_size)

    @property
    def _output_size(self):
        return getattr(self.cell, 'output_size', self._state_sizes[0])

    def _seq_shape(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        if len(input_shape) != 3:
            raise ValueError('%s expects input of shape (batch, time, features), received %s'
                             % (self.name, tuple(input_shape)))
        return tuple(input_shape)

    def build(self, input_shape):
        shape = self._seq_shape(input_shape)
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build((shape[0], shape[2]))
            self.cell.built = True
        if self.stateful:
            if shape[0] is None:
                raise ValueError('%s: a stateful RNN needs a fixed batch size: give the first '
                                 'layer batch_input_shape=(batch, time, features) or '
                                 'batch_size=...' % self.name)
            self.states = [K.variable(np.zeros((shape[0], n)), name='%s/state_%d' % (self.name, i))
                           for i, n in enumerate(self._state_sizes)]
        self.built = True

    def compute_output_shape(self, input_shape):
        shape = self._seq_shape(input_shape)
        out = (shape[0], shape[1], self._output_size) if self.return_sequences \
            else (shape[0], self._output_size)
        if self.return_state:
            return [out] + [(shape[0], n) for n in self._state_sizes]
        return out

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            mask = mask[0]
        out = mask if self.return_sequences else None
        if self.return_state:
            return [out] + [None] * len(self._state_sizes)
        return out

    def _zero_states(self, inputs):
        base = K.sum(K.zeros_like(inputs), axis=[1, 2])          # (batch,)
        base = K.expand_dims(base, -1)                           # (batch, 1)
        return [K.tile(base, (1, n)) for n in self._state_sizes]

    def call(self, inputs, mask=None, training=None, initial_state=None, constants=None):
        if isinstance(inputs, list):
            initial_state = inputs[1:] or initial_state
            inputs = inputs[0]
        if isinstance(mask, list):
            mask = mask[0]
        if initial_state is not None:
            states = _as_list(initial_state)
        elif self.stateful:
            states = list(self.states)
        else:
            states = self._zero_states(inputs)
        if len(states) != len(self._state_sizes):
            raise ValueError('%s expects %d initial states, received %d'
                             % (self.name, len(self._state_sizes), len(states)))
        cell = self.cell
        if mask is None and constants is None and self._fusable_lstm():
            last, outputs, new_states = K.lstm(
                inputs, states, cell.kernel, cell.recurrent_kernel,
                cell.bias if cell.use_bias else None, go_backwards=self.go_backwards)
            return self._finish(last, outputs, new_states)
        if hasattr(cell, 'set_dropout_masks'):
            cell.set_dropout_masks(inputs, training)
        seq = cell.project(inputs, training) if hasattr(cell, 'project') else inputs
        consts = _as_list(constants) if constants is not None else None

        def step(x, step_states):
            n = len(self._state_sizes)
            kwargs = {'training': training}
            if consts:
                kwargs['constants'] = step_states[n:]
            out, new = cell.call(x, list(step_states[:n]), **kwargs)
            return out, _as_list(new)
        timesteps = K.int_shape(inputs)[1]
        last, outputs, new_states = K.rnn(step, seq, states, go_backwards=self.go_backwards,
                                          mask=mask, constants=consts, unroll=self.unroll,
                                          input_length=timesteps)
        return self._finish(last, outputs, new_states)

    def _fusable_lstm(self):
        """A plain LSTM that ``K.lstm`` computes (the options Keras 3 checks for cuDNN)."""
        cell = self.cell
        return (type(cell) is LSTMCell and not self.unroll and not cell.dropout and
                not cell.recurrent_dropout and cell.activation is activations.tanh and
                cell.recurrent_activation is activations.sigmoid)

    def _finish(self, last, outputs, new_states):
        if self.stateful:
            ctx = current_context()
            if ctx is not None:
                ctx.state_updates.extend(zip(self.states, new_states))
        output = outputs if self.return_sequences else last
        if self.return_state:
            return [output] + list(new_states)
        return output

    def reset_states(self, states=None):
        if not self.stateful:
            raise AttributeError('%s is not stateful; only stateful RNNs have states to reset'
                                 % self.name)
        if states is None:
            for var, n in zip(self.states, self._state_sizes):
                K.set_value(var, np.zeros(K.int_shape(var)))
            return
        states = _as_list(states)
        if len(states) != len(self.states):
            raise ValueError('%s: reset_states expects %d arrays, received %d'
                             % (self.name, len(self.states), len(states)))
        for var, value in zip(self.states, states):
            value = np.asarray(value)
            if value.shape != K.int_shape(var):
                raise ValueError('%s: state has shape %s, received %s'
                                 % (self.name, K.int_shape(var), value.shape))
            K.set_value(var, value)

    def get_config(self):
        from minikeras.layers import serialize
        return base_config(self, {
            'cell': serialize(self.cell), 'return_sequences': self.return_sequences,
            'return_state': self.return_state, 'go_backwards': self.go_backwards,
            'stateful': self.stateful, 'unroll': self.unroll})

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from minikeras.layers import deserialize
        config = dict(config)
        cell = deserialize(config.pop('cell'), custom_objects=custom_objects)
        return cls(cell, **config)


_CELL_ARGS = ('activation', 'recurrent_activation', 'use_bias', 'kernel_initializer',
              'recurrent_initializer', 'bias_initializer', 'kernel_regularizer',
              'recurrent_regularizer', 'bias_regularizer', 'kernel_constraint',
              'recurrent_constraint', 'bias_constraint', 'dropout', 'recurrent_dropout',
              'unit_forget_bias', 'implementation', 'reset_after')
_RNN_ARGS = ('return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll')


class _OwnCellRNN(RNN):
    """An RNN layer that builds its cell from its own arguments (SimpleRNN, LSTM, GRU,
    ConvLSTM2D, the CuDNN layers): the cell's settings read as the layer's, one config
    of both."""

    def __getattr__(self, name):
        # Keras 2 exposes cell settings on the layer (layer.units, layer.kernel, ...)
        if name != 'cell' and 'cell' in self.__dict__ and hasattr(self.__dict__['cell'], name):
            return getattr(self.__dict__['cell'], name)
        raise AttributeError(name)

    def get_config(self):
        config = self.cell.get_config()
        for key in ('name', 'trainable', 'dtype'):
            config.pop(key, None)
        outer = RNN.get_config(self)
        outer.pop('cell')
        config.update(outer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


class _CellLayer(_OwnCellRNN):
    """An RNN whose cell is the ``cell_class`` of the layer's own arguments (SimpleRNN,
    LSTM, GRU)."""

    cell_class = None

    def __init__(self, units, **kwargs):
        cell_kwargs = dict((k, kwargs.pop(k)) for k in _CELL_ARGS if k in kwargs)
        activity_regularizer = kwargs.pop('activity_regularizer', None)
        cell = self.cell_class(units, **cell_kwargs)
        super(_CellLayer, self).__init__(cell, **kwargs)
        from minikeras import regularizers
        self.activity_regularizer = regularizers.get(activity_regularizer)

    def get_config(self):
        """Keras 2.3.1's keys, ``activity_regularizer`` after the weight regularizers."""
        from minikeras import regularizers
        from minikeras.layers.weight_options import _ser
        ordered = {}
        for key, value in super(_CellLayer, self).get_config().items():
            ordered[key] = value
            if key == 'bias_regularizer':
                ordered['activity_regularizer'] = _ser(regularizers, self.activity_regularizer)
        return ordered


class SimpleRNN(_CellLayer):
    cell_class = SimpleRNNCell

    @signatures.keras_signature(signatures.SIMPLE_RNN)
    def __init__(self, units, **kwargs):
        super(SimpleRNN, self).__init__(units, **kwargs)


class LSTM(_CellLayer):
    cell_class = LSTMCell

    @signatures.keras_signature(signatures.LSTM)
    def __init__(self, units, **kwargs):
        super(LSTM, self).__init__(units, **kwargs)


class GRU(_CellLayer):
    cell_class = GRUCell

    @signatures.keras_signature(signatures.GRU)
    def __init__(self, units, **kwargs):
        super(GRU, self).__init__(units, **kwargs)
