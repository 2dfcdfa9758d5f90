"""Contract: the recurrent loop."""

__all__ = ['rnn']


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None,
        constants=None, unroll=False, input_length=None):
    """Iterate ``step_function`` over axis 1 of ``inputs`` (batch, time, ...).

    ``step_function(input_t, states + constants) -> (output_t, new_states)`` uses only
    contract ops. ``mask`` (batch, time) bool/0-1: where 0, the output repeats the
    previous output (zeros at first) and states are kept. ``go_backwards`` iterates
    from the last step (outputs are in iteration order). ``unroll`` builds a Python loop
    (needs a static time length). Returns ``(last_output, outputs, new_states)`` with
    outputs shaped (batch, time, ...).
    """
