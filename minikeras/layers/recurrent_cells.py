"""Recurrent cells (Keras 2.3): SimpleRNNCell, LSTMCell, GRUCell, StackedRNNCells.

A cell computes one time step: ``call(inputs, states, training=None) -> (output,
new_states)``. Gate order and weight layout are Keras 2's on every engine:
LSTM kernel columns [i, f, c, o]; GRU [z, r, h]. ``project(inputs, training)`` lets the
RNN layer compute the input projection for all time steps with one matrix product
before the loop; ``call`` then receives projected inputs.
"""
import numpy as np

import minikeras.backend as K
from minikeras import activations
from minikeras.layers import signatures
from minikeras.layers.base import Layer
from minikeras.layers.core import base_config, check_float, check_int
from minikeras.layers.weight_options import (
    add_role_weight, set_weight_options, weight_options_config)


def _columns(x, index, units):
    """Columns [index*units, (index+1)*units) of a 2-D tensor."""
    return K.slice(x, [0, index * units], [-1, units])


def forget_bias_initializer(base, units, ahead=1):
    """The LSTM bias initializer of ``unit_forget_bias=True``: ``base`` everywhere but the
    forget gate's ``units`` entries (after ``ahead * units``), which start at one."""
    def init(shape, dtype=None):
        return np.concatenate([np.asarray(base((units * ahead,), dtype=dtype)),
                               np.ones((units,), dtype=dtype or 'float32'),
                               np.asarray(base((units * 2,), dtype=dtype))])
    return init


CELL_ROLES = ('kernel', 'recurrent', 'bias')


def add_kernels(cell, kernel_shape, recurrent_shape):
    """A recurrent cell's ``kernel`` and ``recurrent_kernel``, of these shapes."""
    cell.kernel = add_role_weight(cell, 'kernel', 'kernel', kernel_shape)
    cell.recurrent_kernel = add_role_weight(cell, 'recurrent', 'recurrent_kernel',
                                            recurrent_shape)


class _DropoutCell(Layer):
    """Shared by the built-in cells: arguments, input/recurrent dropout masks, config."""

    gates = 1

    def __init__(self, units, activation='tanh', recurrent_activation='sigmoid',
                 use_bias=True, kernel_initializer='glorot_uniform',
                 recurrent_initializer='orthogonal', bias_initializer='zeros',
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0., recurrent_dropout=0., **kwargs):
        super(_DropoutCell, self).__init__(**kwargs)
        name = type(self).__name__
        self.units = check_int(name, 'units', units)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        set_weight_options(self, locals(), CELL_ROLES)
        self.dropout = check_float(name, 'dropout', dropout, 0., 1., high_open=True)
        self.recurrent_dropout = check_float(name, 'recurrent_dropout', recurrent_dropout,
                                             0., 1., high_open=True)
        self._masks = (None, None)

    @property
    def state_size(self):
        return self.units

    @property
    def output_size(self):
        return self.units

    def _add_kernels(self, input_dim):
        n = self.gates * self.units
        add_kernels(self, (input_dim, n), (self.units, n))

    def set_dropout_masks(self, inputs, training=None):
        """Draw the per-sequence dropout masks (the same at every step), or clear them.
        ``inputs`` is the (batch, time, features) sequence."""
        def mask(rate, like):
            if not rate:
                return None
            ones = K.ones_like(like)
            return K.in_train_phase(lambda: K.dropout(ones, rate), ones, training=training)
        if not (self.dropout or self.recurrent_dropout):
            self._masks = (None, None)
            return
        first = K.sum(K.zeros_like(inputs), axis=1)                      # (batch, features)
        state_like = K.tile(K.sum(first, axis=-1, keepdims=True), (1, self.units))
        self._masks = (mask(self.dropout, first), mask(self.recurrent_dropout, state_like))

    def project(self, inputs, training=None):
        """Input projection for all steps: dot(inputs * input_mask, kernel) (+ bias)."""
        mask = self._masks[0]
        if mask is not None:
            inputs = inputs * K.expand_dims(mask, 1)
        return self._input_projection(inputs)

    def _input_projection(self, inputs):
        x = K.dot(inputs, self.kernel)
        if self.use_bias and not getattr(self, 'reset_after', False):
            x = K.bias_add(x, self.bias)
        return x

    def _recurrent_input(self, h):
        mask = self._masks[1]
        return h * mask if mask is not None else h

    def get_config(self):
        config = {'units': self.units, 'activation': activations.serialize(self.activation),
                  'recurrent_activation': activations.serialize(self.recurrent_activation),
                  'use_bias': self.use_bias}
        config.update(weight_options_config(self, CELL_ROLES))
        config.update(dropout=self.dropout, recurrent_dropout=self.recurrent_dropout)
        return base_config(self, config)


class SimpleRNNCell(_DropoutCell):
    """h = activation(x W + b + h_prev U)."""

    @signatures.keras_signature(signatures.SIMPLE_RNN_CELL)
    def __init__(self, units, activation='tanh', **kwargs):
        super(SimpleRNNCell, self).__init__(units, activation=activation, **kwargs)

    def build(self, input_shape):
        self._add_kernels(input_shape[-1])
        if self.use_bias:
            self.bias = add_role_weight(self, 'bias', 'bias', (self.units,))
        self.built = True

    def call(self, inputs, states, training=None):
        h = self._recurrent_input(states[0])
        output = inputs + K.dot(h, self.recurrent_kernel)
        if self.activation is not None:
            output = self.activation(output)
        return output, [output]

    def get_config(self):
        config = super(SimpleRNNCell, self).get_config()
        config.pop('recurrent_activation')
        return config


class LSTMCell(_DropoutCell):
    """Long short-term memory; states [h, c]; kernel columns [i, f, c, o]."""

    gates = 4

    @signatures.keras_signature(signatures.LSTM_CELL)
    def __init__(self, units, unit_forget_bias=True, implementation=2, **kwargs):
        super(LSTMCell, self).__init__(units, **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.implementation = implementation

    @property
    def state_size(self):
        return (self.units, self.units)

    def build(self, input_shape):
        self._add_kernels(input_shape[-1])
        if self.use_bias:
            init = forget_bias_initializer(self.bias_initializer, self.units) \
                if self.unit_forget_bias else None
            self.bias = add_role_weight(self, 'bias', 'bias', (self.units * 4,), init)
        self.built = True

    def call(self, inputs, states, training=None):
        h_tm1, c_tm1 = states[0], states[1]
        z = inputs + K.dot(self._recurrent_input(h_tm1), self.recurrent_kernel)
        u = self.units
        i = self.recurrent_activation(_columns(z, 0, u))
        f = self.recurrent_activation(_columns(z, 1, u))
        c = f * c_tm1 + i * self.activation(_columns(z, 2, u))
        o = self.recurrent_activation(_columns(z, 3, u))
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        config = super(LSTMCell, self).get_config()
        config.update({'unit_forget_bias': self.unit_forget_bias,
                       'implementation': self.implementation})
        return config


class GRUCell(_DropoutCell):
    """Gated recurrent unit; kernel columns [z, r, h]. ``reset_after=True`` applies the
    reset gate after the recurrent product and keeps separate input and recurrent biases
    (bias shape (2, 3*units)), the CuDNN-compatible variant."""

    gates = 3

    @signatures.keras_signature(signatures.GRU_CELL)
    def __init__(self, units, reset_after=False, implementation=2, **kwargs):
        super(GRUCell, self).__init__(units, **kwargs)
        self.reset_after = bool(reset_after)
        self.implementation = implementation

    def build(self, input_shape):
        self._add_kernels(input_shape[-1])
        if self.use_bias:
            shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
            self.bias = add_role_weight(self, 'bias', 'bias', shape)
        self.built = True

    def _input_projection(self, inputs):
        x = K.dot(inputs, self.kernel)
        if self.use_bias:
            bias = K.gather(self.bias, 0) if self.reset_after else self.bias
            x = K.bias_add(x, bias)
        return x

    def call(self, inputs, states, training=None):
        u = self.units
        h_tm1 = states[0]
        if self.reset_after:
            inner = K.dot(self._recurrent_input(h_tm1), self.recurrent_kernel)
            if self.use_bias:
                inner = K.bias_add(inner, K.gather(self.bias, 1))
        else:
            inner = K.dot(self._recurrent_input(h_tm1),
                          K.slice(self.recurrent_kernel, [0, 0], [-1, 2 * u]))
        z = self.recurrent_activation(_columns(inputs, 0, u) + _columns(inner, 0, u))
        r = self.recurrent_activation(_columns(inputs, 1, u) + _columns(inner, 1, u))
        if self.reset_after:
            hh = self.activation(_columns(inputs, 2, u) + r * _columns(inner, 2, u))
        else:
            rh = self._recurrent_input(r * h_tm1)
            kernel_h = K.slice(self.recurrent_kernel, [0, 2 * u], [-1, u])
            hh = self.activation(_columns(inputs, 2, u) + K.dot(rh, kernel_h))
        h = z * h_tm1 + (1. - z) * hh
        return h, [h]

    def get_config(self):
        config = super(GRUCell, self).get_config()
        config.update({'reset_after': self.reset_after, 'implementation': self.implementation})
        return config


class StackedRNNCells(Layer):
    """Several cells run as one: the output of each feeds the next."""

    def __init__(self, cells, **kwargs):
        for cell in cells:
            if not hasattr(cell, 'call') or not hasattr(cell, 'state_size'):
                raise ValueError('StackedRNNCells: every cell needs call() and state_size; '
                                 'received %r' % (cell,))
        self.cells = list(cells)
        super(StackedRNNCells, self).__init__(**kwargs)

    def _sublayers(self):
        return list(self.cells)

    @property
    def state_size(self):
        sizes = []
        for cell in self.cells:
            sizes.extend(_as_list(cell.state_size))
        return tuple(sizes)

    @property
    def output_size(self):
        last = self.cells[-1]
        return getattr(last, 'output_size', _as_list(last.state_size)[0])

    def build(self, input_shape):
        shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(shape)
                cell.built = True
            size = getattr(cell, 'output_size', _as_list(cell.state_size)[0])
            shape = shape[:-1] + (size,)
        self.built = True

    def set_dropout_masks(self, inputs, training=None):
        like = inputs
        for cell in self.cells:
            if hasattr(cell, 'set_dropout_masks'):
                cell.set_dropout_masks(like, training)
            size = getattr(cell, 'output_size', _as_list(cell.state_size)[0])
            # later cells see the previous cell's output: a (batch, 1, size) stand-in
            like = K.tile(K.sum(K.zeros_like(inputs), axis=[1, 2], keepdims=True),
                          (1, 1, size))

    def call(self, inputs, states, training=None):
        new_states, pos = [], 0
        for i, cell in enumerate(self.cells):
            n = len(_as_list(cell.state_size))
            cell_states = list(states[pos:pos + n])
            pos += n
            if i > 0 and hasattr(cell, 'project'):
                inputs = cell._input_projection(inputs) if cell._masks[0] is None else \
                    cell._input_projection(inputs * cell._masks[0])
            inputs, states_out = cell.call(inputs, cell_states, training=training)
            new_states.extend(_as_list(states_out))
        return inputs, new_states

    def project(self, inputs, training=None):
        first = self.cells[0]
        return first.project(inputs, training) if hasattr(first, 'project') else inputs

    def get_config(self):
        from minikeras.layers import serialize
        return base_config(self, {'cells': [serialize(c) for c in self.cells]})

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from minikeras.layers import deserialize
        cells = [deserialize(c, custom_objects=custom_objects) for c in config.pop('cells')]
        return cls(cells, **config)


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]
