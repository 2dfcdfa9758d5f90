"""CNTK adapter: the recurrent loop, unrolled in Python (time is static here)."""
from minikeras.backend import adapter
from minikeras.backend.cntk.core import _to_tensor, zeros_like
from minikeras.backend.cntk import math as M


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None,
        constants=None, unroll=False, input_length=None):
    inputs = _to_tensor(inputs)
    shape = inputs.static_shape
    if len(shape) < 3:
        raise ValueError('rnn: expected inputs of shape (batch, time, ...), received shape %s'
                         % (shape,))
    steps = shape[1]
    if mask is not None:
        mask = _to_tensor(mask)
        mshape = mask.static_shape
        if len(mshape) == 3 and mshape[2] == 1:
            mask = M.squeeze(mask, 2)
            mshape = mask.static_shape
        if mshape != shape[:2]:
            raise ValueError('rnn: mask of shape %s does not match inputs (batch, time) = %s'
                             % (mshape, shape[:2]))
        mask = M.not_equal(mask, 0)
    states = [_to_tensor(s) for s in adapter.to_list(initial_states)]
    constants = adapter.to_list(constants)
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    outputs, previous = [], None
    for t in order:
        output, new_states = step_function(M._getitem(inputs, (slice(None), t)),
                                           states + constants)
        output = _to_tensor(output)
        new_states = [_to_tensor(s) for s in adapter.to_list(new_states)]
        if mask is not None:
            keep = M._getitem(mask, (slice(None), t))
            if previous is None:
                previous = zeros_like(output)
            output = M.switch(keep, output, previous)
            new_states = [M.switch(keep, new, old) for new, old in zip(new_states, states)]
        outputs.append(output)
        previous, states = output, new_states
    stacked = M.stack(outputs, axis=1)
    return outputs[-1], stacked, states
