"""Theano/PyTensor adapter: the recurrent loop, as a ``scan`` (or a Python loop when
``unroll=True``)."""
from minikeras.backend.theano import _impl
from minikeras.backend.theano._impl import T
from minikeras.backend.theano.core import _known_shape, _tag, _to_tensor
from minikeras.backend.theano import compile as _compile


def _mask_like(mask_t, ref):
    """(batch,) bool mask broadcast against ``ref`` (batch, ...)."""
    return mask_t.dimshuffle([0] + ['x'] * (ref.ndim - 1))


def _outer_intermediates(step_function, x_time, initial_states, constants):
    """Computed tensors from outside the loop that the step uses (e.g. dropout masks
    drawn once per sequence), and whether the step's output is its first new state.
    Passing those tensors to scan as non-sequences keeps them computed once, outside the
    loop; otherwise scan would copy their graph (random draws included) into every step."""
    dummies = [x_time[0].type()] + [s.type() for s in initial_states]
    output, new_states = step_function(dummies[0], list(dummies[1:]) + list(constants))
    new_states = list(new_states)
    output_is_state = bool(new_states) and output is new_states[0]
    roots = [_to_tensor(output)] + [_to_tensor(s) for s in new_states]
    dummy_ids = set(id(d) for d in dummies)
    depends = {}
    stack = [(v, False) for v in roots]
    while stack:
        v, expanded = stack.pop()
        if id(v) in depends:
            continue
        if v.owner is None:
            depends[id(v)] = id(v) in dummy_ids
            continue
        if expanded:
            depends[id(v)] = any(depends[id(i)] for i in v.owner.inputs)
            continue
        stack.append((v, True))
        stack.extend((i, False) for i in v.owner.inputs if id(i) not in depends)
    # The frontier: outer-only tensors consumed by the step's own computation (the
    # outermost ones only, so no replaced tensor is an ancestor of another).
    found, seen = [], set(id(c) for c in constants)
    stack = list(roots)
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        if v.owner is None:
            continue
        if not depends[id(v)]:
            if isinstance(v.type, T.TensorType):
                found.append(v)
            continue
        stack.extend(v.owner.inputs)
    return found, output_is_state


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None,
        constants=None, unroll=False, input_length=None):
    inputs = _to_tensor(inputs)
    if inputs.ndim < 3:
        raise ValueError('rnn: inputs must have at least 3 axes (batch, time, ...), '
                         'received %d' % inputs.ndim)
    in_shape = _known_shape(inputs)
    constants = [_to_tensor(c) for c in (constants or [])]
    initial_states = [_to_tensor(s) for s in initial_states]
    x_time, mask_time = _time_major(inputs, mask, in_shape)
    if unroll:
        return _unrolled(step_function, x_time, initial_states, go_backwards, mask_time,
                         constants, input_length, in_shape)
    # Scan needs every state to keep one type from step to step.
    initial_states = [_impl._unbroadcast(s) for s in initial_states]
    results, updates, output_is_state = _scan(step_function, x_time, mask_time,
                                              initial_states, constants, go_backwards)
    if updates:
        _compile._add_pending_updates(updates)
    if not isinstance(results, (list, tuple)):
        results = [results]
    # when the step's output is its first state, scan stacked it once: results[0] is both
    outputs, states = results[0], list(results if output_is_state else results[1:])
    last_output = outputs[-1]
    out_axes = list(range(outputs.ndim))
    outputs = outputs.dimshuffle([1, 0] + out_axes[2:])
    new_states = [s[-1] for s in states]
    _tag_outputs(last_output, outputs, new_states, initial_states, in_shape)
    return last_output, outputs, new_states


def _time_major(inputs, mask, in_shape):
    """``inputs`` as (time, batch, ...) and ``mask`` (or None) as a (time, batch) bool."""
    axes = list(range(inputs.ndim))
    x_time = inputs.dimshuffle([1, 0] + axes[2:])
    _tag(x_time, (in_shape[1], in_shape[0]) + in_shape[2:])
    if mask is None:
        return x_time, None
    mask = _to_tensor(mask)
    if mask.ndim == 3:
        mask = mask[:, :, 0]
    if mask.ndim != 2:
        raise ValueError('rnn: mask must be (batch, time), received %d axes' % mask.ndim)
    mask = T.neq(mask, 0) if mask.dtype != 'bool' else mask
    return x_time, mask.dimshuffle(1, 0)


def _fit_states(new_states, states):
    new_states = list(new_states)
    if len(new_states) != len(states):
        raise ValueError('rnn: the step function returned %d states, expected %d'
                         % (len(new_states), len(states)))
    return [_impl._fit_type(n, s) for n, s in zip(new_states, states)]


def _scan_step(step_function, outer, n_states, n_consts):
    """``call(x_t, rest) -> (states, output, new_states)``: step_function on scan's inner
    variables (``rest``: states, constants, outer tensors), outer tensors replaced by
    scan's."""
    def call(x_t, rest):
        states = list(rest[:n_states])
        consts = list(rest[n_states:n_states + n_consts])
        inner_outer = list(rest[n_states + n_consts:])
        output, new_states = step_function(x_t, states + consts)
        flat = [_to_tensor(output)] + [_to_tensor(s) for s in new_states]
        # Theano's scan hands fn placeholders for the non-sequences; PyTensor's hands
        # the outer tensors themselves (and substitutes them afterwards).
        replace = dict((o, i) for o, i in zip(outer, inner_outer) if o is not i)
        if replace:
            flat = _impl._clone_replace(flat, replace)
        return states, flat[0], flat[1:]
    return call


def _scan(step_function, x_time, mask_time, initial_states, constants, go_backwards):
    """scan over time: (results, updates, output_is_state). ``results`` is [outputs,
    *states], or [*states] when ``output_is_state``: without a mask, a step whose output
    is its first new state (LSTM, GRU, SimpleRNN: ``return h, [h, ...]``) gives scan
    that state only, whose stacked values are the outputs. One loop output fewer makes
    a smaller graph for the gradient's scan and less to compile."""
    outer, output_is_state = _outer_intermediates(step_function, x_time, initial_states,
                                                  constants)
    call_step = _scan_step(step_function, outer, len(initial_states), len(constants))
    if mask_time is None:
        def _step(x_t, *rest):
            states, output, new_states = call_step(x_t, rest)
            fitted = _fit_states(new_states, states)
            if not output_is_state:
                return [output] + fitted
            if output is not new_states[0]:
                raise RuntimeError('rnn: the step function returned its first state as its '
                                   'output when first called, and not when scan called it')
            return fitted

        results, updates = _impl._scan(
            _step, sequences=[x_time],
            outputs_info=([] if output_is_state else [None]) + initial_states,
            non_sequences=constants + outer, go_backwards=go_backwards)
        return results, updates, output_is_state

    first = x_time[-1] if go_backwards else x_time[0]
    out0, _ = step_function(first, list(initial_states) + constants)
    initial_output = _impl._unbroadcast(T.zeros_like(_to_tensor(out0)))

    def _masked_step(x_t, m_t, output_tm1, *rest):
        states, output, new_states = call_step(x_t, rest)
        output = _impl._fit_type(output, output_tm1)
        new_states = _fit_states(new_states, states)
        output = T.switch(_mask_like(m_t, output), output, output_tm1)
        kept = [T.switch(_mask_like(m_t, n), n, s) for n, s in zip(new_states, states)]
        return [output] + kept

    results, updates = _impl._scan(_masked_step, sequences=[x_time, mask_time],
                                   outputs_info=[initial_output] + initial_states,
                                   non_sequences=constants + outer, go_backwards=go_backwards)
    return results, updates, False


def _tag_outputs(last_output, outputs, new_states, initial_states, in_shape):
    last_shape = _known_shape(last_output)
    if last_shape and last_shape[0] is None:
        last_shape = (in_shape[0],) + last_shape[1:]
    _tag(last_output, last_shape)
    _tag(outputs, (last_shape[0], in_shape[1]) + tuple(last_shape[1:]))
    for n, s in zip(new_states, initial_states):
        _tag(n, _known_shape(s))


def _unrolled(step_function, x_time, initial_states, go_backwards, mask_time, constants,
              input_length, in_shape):
    n = in_shape[1] if in_shape[1] is not None else input_length
    if n is None:
        raise ValueError('rnn: unroll=True needs a static number of time steps (the '
                         'inputs have an unknown time axis and input_length is None)')
    order = range(n - 1, -1, -1) if go_backwards else range(n)
    states = list(initial_states)
    outputs = []
    prev = None
    for t in order:
        output, new_states = step_function(x_time[t], states + constants)
        output = _to_tensor(output)
        new_states = [_to_tensor(s) for s in new_states]
        if mask_time is not None:
            m = mask_time[t]
            if prev is None:
                prev = T.zeros_like(output)
            output = T.switch(_mask_like(m, output), output, prev)
            new_states = [T.switch(_mask_like(m, ns), ns, s)
                          for ns, s in zip(new_states, states)]
        prev = output
        outputs.append(output)
        states = new_states
    stacked = T.stack(outputs, axis=1)
    last_output = outputs[-1]
    _tag_outputs(last_output, stacked, states, initial_states, in_shape)
    return last_output, stacked, states
