"""JAX adapter: the recurrent loop, a ``lax.scan`` over the time axis.

Without a mask the scan carries the states only and runs all steps but the last, which
runs after it (so the stacked outputs are dead code when only the last one is used). With
a mask, masked steps keep the previous output and states, so the output is carried too:
the first step runs before the scan to give it its real shape (and dtype), the scan runs
the rest (time lengths are static per trace in JAX). ``unroll=True`` is a Python loop.

When ``inputs`` is an input projection made in this trace (``K.dot(x, kernel)``, maybe
``+ bias``: the recurrent layers project every step at once), each step computes its own
slice ``x_t . kernel + bias`` inside the loop (see ``_trace._note_projection``).
"""
from minikeras.backend import adapter, numpy_like
from minikeras.backend.jax import _trace
from minikeras.backend.jax._jax import jnp, lax, _t


def _keep_where(mask_t, new, old):
    """``new`` where the (batch,) mask is true, else ``old`` (cast: the scan keeps dtypes)."""
    new, old = _t(new), _t(old)
    return numpy_like.keep_where(jnp, mask_t, new, old.astype(new.dtype))


def _time_major(inputs, go_backwards):
    """The per-step inputs, time first, and how a step gets its input from its slice."""
    projection = _trace._projection_of(inputs)
    if projection is not None:
        inputs, kernel, bias = projection

        def step_input(x_t):
            z = jnp.dot(x_t, kernel)
            return z if bias is None else z + bias
    else:
        def step_input(x_t):
            return x_t
    inputs_tm = jnp.swapaxes(inputs, 0, 1)  # (time, batch, ...)
    return (jnp.flip(inputs_tm, 0) if go_backwards else inputs_tm), step_input


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None,
        constants=None, unroll=False, input_length=None):
    inputs, mask = numpy_like.rnn_inputs(_t, inputs, mask)
    steps = inputs.shape[1]
    states = [_t(s) for s in adapter.to_list(initial_states)]
    constants = adapter.to_list(constants)
    inputs_tm, step_input = _time_major(inputs, go_backwards)
    mask_tm = None if mask is None else jnp.swapaxes(mask, 0, 1)
    if go_backwards and mask_tm is not None:
        mask_tm = jnp.flip(mask_tm, 0)

    def step(x_t, mask_t, previous, states):
        output, new_states = step_function(step_input(x_t), list(states) + constants)
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
        return output, [s.astype(o.dtype) for s, o in zip(new_states, states)]

    if unroll:
        outputs = []
        for t in range(steps):
            previous, states = step(inputs_tm[t], None if mask_tm is None else mask_tm[t],
                                    outputs[-1] if outputs else None, states)
            outputs.append(previous)
        return outputs[-1], jnp.stack(outputs, axis=1), states
    if mask_tm is None:
        def body(states, x_t):
            output, new_states = step(x_t, None, None, states)
            return new_states, output

        # the last step after the scan: when only it is used (return_sequences=False),
        # the scan's stacked outputs are dead code and JAX drops them
        states, outputs = lax.scan(body, states, inputs_tm[:-1])
        last, states = step(inputs_tm[-1], None, None, states)
        outputs = jnp.concatenate([outputs, last[None]], axis=0)
        return last, jnp.swapaxes(outputs, 0, 1), list(states)

    def masked_body(carry, xs):
        output, new_states = step(xs[0], xs[1], carry[0], carry[1])
        return (output, new_states), output

    first, states = step(inputs_tm[0], mask_tm[0], None, states)
    (last, states), outputs = lax.scan(masked_body, (first, states),
                                       (inputs_tm[1:], mask_tm[1:]))
    outputs = jnp.concatenate([first[None], outputs], axis=0)
    return last, jnp.swapaxes(outputs, 0, 1), list(states)
