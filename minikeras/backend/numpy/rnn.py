"""NumPy reference: the recurrent loop, as a plain Python loop over time."""
import numpy as np

from minikeras.backend import adapter
from minikeras.backend.numpy.core import _as_array


def _keep_where(mask_t, new, old):
    """``new`` where the (batch,) mask is true, else ``old``."""
    new, old = _as_array(new), _as_array(old)
    m = mask_t.reshape((-1,) + (1,) * (new.ndim - 1))
    return np.where(m, new, old)


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None,
        constants=None, unroll=False, input_length=None):
    inputs = _as_array(inputs)
    if inputs.ndim < 3:
        raise ValueError('rnn: expected inputs of shape (batch, time, ...), received shape %s'
                         % (inputs.shape,))
    steps = inputs.shape[1]
    if steps == 0:
        raise ValueError('rnn: inputs have no time steps (shape %s)' % (inputs.shape,))
    if mask is not None:
        mask = _as_array(mask)
        if mask.ndim == 3 and mask.shape[2] == 1:
            mask = mask[:, :, 0]
        if mask.shape != inputs.shape[:2]:
            raise ValueError('rnn: mask of shape %s does not match inputs (batch, time) = %s'
                             % (mask.shape, inputs.shape[:2]))
        mask = mask.astype(bool)
    states = [_as_array(s) for s in adapter.to_list(initial_states)]
    constants = adapter.to_list(constants)
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)

    outputs, previous = [], None
    for t in order:
        output, new_states = step_function(inputs[:, t], states + constants)
        output = _as_array(output)
        new_states = [_as_array(s) for s in adapter.to_list(new_states)]
        if mask is not None:
            if previous is None:
                previous = np.zeros_like(output)
            output = _keep_where(mask[:, t], output, previous)
            new_states = [_keep_where(mask[:, t], new, old)
                          for new, old in zip(new_states, states)]
        outputs.append(output)
        previous, states = output, new_states
    outputs = np.stack(outputs, axis=1)
    return outputs[:, -1], outputs, states
