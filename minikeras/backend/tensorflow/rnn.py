"""TensorFlow adapter: the recurrent loop.

``unroll=False``: a ``tf.while_loop`` over the time axis (works with a time length known
only at run time). The first step is computed before the loop so the loop variables get
the step's real output shape. ``unroll=True``: a Python loop over a static time length.
"""
from minikeras.backend import adapter
from minikeras.backend.tensorflow._tf import tf, _to_tensor


def _keep_where(mask_t, new, old):
    """``new`` where the (batch,) bool mask is true, else ``old``."""
    new = _to_tensor(new)
    old = _to_tensor(old, new.dtype)
    rank = new.shape.rank
    m = tf.reshape(mask_t, [-1] + [1] * (rank - 1)) if rank and rank > 1 else mask_t
    return tf.where(m, new, old)


def _prepare_mask(mask, inputs):
    mask = _to_tensor(mask)
    if mask.shape.rank == 3 and mask.shape[2] == 1:
        mask = tf.squeeze(mask, [2])
    if mask.shape.rank != 2:
        raise ValueError('rnn: mask of shape %s does not match inputs (batch, time) = %s'
                         % (mask.shape, inputs.shape[:2]))
    if not mask.shape.is_compatible_with(inputs.shape[:2]):
        raise ValueError('rnn: mask of shape %s does not match inputs (batch, time) = %s'
                         % (mask.shape, inputs.shape[:2]))
    if mask.dtype != tf.bool:
        mask = tf.not_equal(mask, tf.zeros((), mask.dtype))
    return mask


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None,
        constants=None, unroll=False, input_length=None):
    inputs = _to_tensor(inputs)
    rank = inputs.shape.rank
    if rank is None or rank < 3:
        raise ValueError('rnn: expected inputs of shape (batch, time, ...), received shape %s'
                         % (inputs.shape,))
    static_steps = inputs.shape[1]
    if static_steps == 0:
        raise ValueError('rnn: inputs have no time steps (shape %s)' % (inputs.shape,))
    states = [_to_tensor(s) for s in adapter.to_list(initial_states)]
    if mask is not None:
        mask = _prepare_mask(mask, inputs)
    inputs_tm, mask_tm = _time_major(inputs, mask, go_backwards)
    step = _masked_step(step_function, adapter.to_list(constants))
    if unroll:
        if static_steps is None:
            raise ValueError('rnn: unroll=True needs a static number of time steps; inputs '
                             'have shape %s' % (inputs.shape,))
        return _unrolled(step, inputs_tm, mask_tm, states, static_steps)
    return _while_loop(step, inputs_tm, mask_tm, states)


def _time_major(inputs, mask, go_backwards):
    """``inputs`` as (time, batch, ...) and ``mask`` as (time, batch), in the order the
    steps run."""
    inputs_tm = tf.transpose(inputs, [1, 0] + list(range(2, inputs.shape.rank)))
    mask_tm = tf.transpose(mask, [1, 0]) if mask is not None else None
    if go_backwards:
        inputs_tm = tf.reverse(inputs_tm, [0])
        if mask_tm is not None:
            mask_tm = tf.reverse(mask_tm, [0])
    return inputs_tm, mask_tm


def _masked_step(step_function, constants):
    """``step(input_t, mask_t, previous_output, states) -> (output, new_states)``: one
    call of ``step_function``; where ``mask_t`` is false the previous output and states
    are kept."""
    def step(input_t, mask_t, previous, states):
        output, new_states = step_function(input_t, list(states) + constants)
        output = _to_tensor(output)
        new_states = [_to_tensor(s) for s in adapter.to_list(new_states)]
        if len(new_states) != len(states):
            raise ValueError('rnn: step_function returned %d states, expected %d'
                             % (len(new_states), len(states)))
        if mask_t is not None:
            if previous is None:
                previous = tf.zeros_like(output)
            output = _keep_where(mask_t, output, previous)
            new_states = [_keep_where(mask_t, new, old) for new, old in zip(new_states, states)]
        return output, new_states
    return step


def _unrolled(step, inputs_tm, mask_tm, states, static_steps):
    outputs, previous = [], None
    for t in range(static_steps):
        previous, states = step(inputs_tm[t], None if mask_tm is None else mask_tm[t],
                                previous, states)
        outputs.append(previous)
    return outputs[-1], tf.stack(outputs, axis=1), states


def _while_loop(step, inputs_tm, mask_tm, states):
    """The steps in a ``tf.while_loop``; the first runs before it, so the loop variables
    get the step's real output shape."""
    steps = tf.shape(inputs_tm)[0]
    input_ta = tf.TensorArray(inputs_tm.dtype, size=steps, clear_after_read=True,
                              element_shape=inputs_tm.shape[1:]).unstack(inputs_tm)
    mask_ta = None
    if mask_tm is not None:
        mask_ta = tf.TensorArray(tf.bool, size=steps, element_shape=mask_tm.shape[1:])
        mask_ta = mask_ta.unstack(mask_tm)

    first, states = step(input_ta.read(0), None if mask_ta is None else mask_ta.read(0),
                         None, states)
    output_ta = tf.TensorArray(first.dtype, size=steps, element_shape=first.shape)
    output_ta = output_ta.write(0, first)

    def cond(t, previous, output_ta, states):
        return t < steps

    def body(t, previous, output_ta, states):
        output, new_states = step(input_ta.read(t),
                                  None if mask_ta is None else mask_ta.read(t),
                                  previous, states)
        return t + 1, output, output_ta.write(t, output), new_states

    _, last, output_ta, states = tf.while_loop(
        cond, body, (tf.constant(1, tf.int32), first, output_ta, states),
        parallel_iterations=32)
    outputs = output_ta.stack()
    outputs.set_shape(tf.TensorShape([inputs_tm.shape[0]]).concatenate(first.shape))
    outputs = tf.transpose(outputs, [1, 0] + list(range(2, outputs.shape.rank)))
    return last, outputs, list(states)
