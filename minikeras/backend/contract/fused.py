"""Contract: fused steps (optimizer updates, the standard LSTM loop). Ops here have a
generic implementation (``minikeras/backend/generic.py``, written with the engine's own
contract ops) that every engine inherits; an engine overrides one only with a faster path
that gives the same values (the conformance suite checks it against the generic one)."""

__all__ = ['optimizer_step', 'lstm']


def optimizer_step(method, params, grads, slots, lr, config):
    """New values of ``params`` and their optimizer ``slots`` after one step of a
    built-in optimizer's rule; returns ``(new_params, new_slots)`` laid out like the
    arguments.

    ``method``: 'sgd' (slots: [moments]; ``config``: momentum, nesterov), 'rmsprop'
    ([accumulators]; rho, epsilon), 'adagrad' ([accumulators]; epsilon), 'adadelta'
    ([accumulators, delta accumulators]; rho, epsilon) or 'adam' ([m, v, vhat]; beta_1,
    beta_2, epsilon, amsgrad). ``params``, ``grads``: lists of tensors; ``slots``: one
    list of variables per slot kind, each parallel to ``params``; ``lr``: the step's rate
    (scalar tensor or float; for 'adam' the bias-corrected rate ``lr_t``); ``config``:
    dict of Python numbers. A new slot value may be the slot variable itself: it then
    needs no update (an engine's fused path has already written it; the generic path
    returns it only for a slot the rule leaves unchanged, Adam's ``vhat`` without
    AMSGrad). The generic path never writes ``params``: the caller updates them (after
    constraints). An engine's fused path inside a compiled function may write them in
    place, after every read of the old values; it then returns the written values, and
    the caller's update of a parameter to that value is not applied a second time.
    """


def lstm(inputs, initial_states, kernel, recurrent_kernel, bias=None, go_backwards=False):
    """The standard LSTM layer's loop, as one op an engine may run with a fused kernel:
    ``z = x_t kernel (+ bias) + h recurrent_kernel``, gates [i, f, c, o] (columns of
    ``units`` each), ``i, f, o = sigmoid(...)``, ``c = f c_prev + i tanh(z_c)``,
    ``h = o tanh(c)``. ``inputs`` (batch, time, features), ``initial_states`` [h, c]
    (batch, units), ``kernel`` (features, 4 units), ``recurrent_kernel`` (units,
    4 units), ``bias`` (4 units) or None. No mask, no dropout; ``go_backwards`` as in
    ``rnn``. Returns ``(last_output, outputs, [h, c])`` like ``rnn``; the generic
    implementation is ``rnn`` with that step.
    """
