"""MXNet adapter: the recurrent loop, a Python loop over time on imperative arrays.

Arrays are concrete, so any time length works (known or not, no unrolling limit), and
autograd records every step, so RNNs train with ``unroll=False``.
"""
from mxnet import np as mnp

from minikeras.backend import adapter
from minikeras.backend.mxnet.core import _t


def _keep_where(mask_t, new, old):
    """``new`` where the (batch,) mask is true, else ``old``."""
    new, old = _t(new), _t(old)
    m = mnp.reshape(mask_t, (-1,) + (1,) * (new.ndim - 1))
    return mnp.where(m, new, old)


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None,
        constants=None, unroll=False, input_length=None):
    inputs = _t(inputs)
    if inputs.ndim < 3:
        raise ValueError('rnn: expected inputs of shape (batch, time, ...), received shape %s'
                         % (inputs.shape,))
    steps = inputs.shape[1]
    if steps == 0:
        raise ValueError('rnn: inputs have no time steps (shape %s)' % (inputs.shape,))
    if mask is not None:
        mask = _t(mask)
        if mask.ndim == 3 and mask.shape[2] == 1:
            mask = mask[:, :, 0]
        if tuple(mask.shape) != tuple(inputs.shape[:2]):
            raise ValueError('rnn: mask of shape %s does not match inputs (batch, time) = %s'
                             % (mask.shape, inputs.shape[:2]))
        if mask.dtype != bool:
            mask = mask != 0
    states = [_t(s) for s in adapter.to_list(initial_states)]
    constants = adapter.to_list(constants)
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)

    outputs, previous = [], None
    for t in order:
        output, new_states = step_function(inputs[:, t], states + constants)
        output = _t(output)
        new_states = [_t(s) for s in adapter.to_list(new_states)]
        if mask is not None:
            if previous is None:
                previous = mnp.zeros_like(output)
            mask_t = mask[:, t]
            output = _keep_where(mask_t, output, previous)
            new_states = [_keep_where(mask_t, new, old)
                          for new, old in zip(new_states, states)]
        outputs.append(output)
        previous, states = output, new_states
    stacked = mnp.stack(outputs, axis=1)
    return outputs[-1], stacked, states
