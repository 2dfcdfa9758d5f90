"""JAX adapter: the recurrent loop, a ``lax.scan`` over the time axis.

The first step runs before the scan so the carried output has the step's real shape
(and dtype); the scan runs the remaining steps (time lengths are static per trace in
JAX). Masked steps keep the previous output and states. ``unroll=True`` is a Python loop.
"""
from minikeras.backend import adapter, numpy_like
from minikeras.backend.jax._jax import jnp, lax, _t



def _keep_where(mask_t, new, old):
    """``new`` where the (batch,) mask is true, else ``old`` (cast: the scan keeps dtypes)."""
    new, old = _t(new), _t(old)
    return numpy_like.keep_where(jnp, mask_t, new, old.astype(new.dtype))


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None,
        constants=None, unroll=False, input_length=None):
    inputs, mask = numpy_like.rnn_inputs(_t, inputs, mask)
    steps = inputs.shape[1]
    states = [_t(s) for s in adapter.to_list(initial_states)]
    constants = adapter.to_list(constants)
    inputs_tm = jnp.swapaxes(inputs, 0, 1)  # (time, batch, ...)
    mask_tm = None if mask is None else jnp.swapaxes(mask, 0, 1)
    if go_backwards:
        inputs_tm = jnp.flip(inputs_tm, 0)
        mask_tm = None if mask_tm is None else jnp.flip(mask_tm, 0)

    def step(input_t, mask_t, previous, states):
        output, new_states = step_function(input_t, list(states) + constants)
        output = _t(output)
        new_states = [_t(s) for s in adapter.to_list(new_states)]
        if len(new_states) != len(states):
            raise ValueError('rnn: step_function returned %d states, expected %d'
                             % (len(new_states), len(states)))
        if mask_t is not None:
            if previous is None:
                previous = jnp.zeros_like(output)
            output = _keep_where(mask_t, output, previous)
            new_states = [_keep_where(mask_t, new, old) for new, old in zip(new_states, states)]
        return output, new_states

    first, states = step(inputs_tm[0], None if mask_tm is None else mask_tm[0], None, states)
    if unroll:
        outputs = [first]
        for t in range(1, steps):
            previous, states = step(inputs_tm[t], None if mask_tm is None else mask_tm[t],
                                    outputs[-1], states)
            outputs.append(previous)
        return outputs[-1], jnp.stack(outputs, axis=1), states

    def body(carry, xs):
        previous, states = carry
        input_t, mask_t = xs
        output, new_states = step(input_t, mask_t, previous, states)
        return (output, [s.astype(o.dtype) for s, o in zip(new_states, states)]), output

    rest = (inputs_tm[1:], None if mask_tm is None else mask_tm[1:])
    (last, states), outputs = lax.scan(body, (first, states), rest)
    outputs = jnp.concatenate([first[None], outputs], axis=0)
    return last, jnp.swapaxes(outputs, 0, 1), list(states)
