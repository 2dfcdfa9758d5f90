"""MXNet adapter: ``compiled_function``, the training primitive.

MXNet 1.9 has no gradient-as-a-graph-node (neither Symbols nor Gluon's CachedOp can
express ``K.gradients`` midway through a traced function), so the first call of a
compiled function for an input signature runs ``fn`` imperatively, with ``autograd``
recording: the forward pass is recorded, ``K.gradients`` runs the backward pass inside
MXNet's engine (``autograd.grad``), and the update math that follows runs as ordinary
MXNet ops. That call is traced (``capture``): later calls with the same signature run
the captured step, two cached graphs (forward + loss, differentiated by autograd; the
rest) and the optimizer's fused kernels, instead of ``fn`` op by op, as Gluon's
``hybridize`` does. A signature whose trace cannot be captured stays imperative
(``call.not_captured`` says why). Either way the updates are copied into the variables
after every output and new value has been computed (Keras 2 semantics: all new values
come from pre-update values), and ops are queued asynchronously to MXNet's engine: the
call waits once, when it reads the outputs.

Two things keep the engine's queue full, so a step costs about what its kernels cost:
- The inputs (and the random values drawn ahead) enter MXNet without an engine copy
  (``core._from_host``): making them does not wait for the previous step's queued work,
  so this step's ops are queued while the engine still runs the last one's.
- Autograd computes a gradient for every input that has a gradient buffer, and for the
  first layer of a network that is a matrix product as large as the weight's gradient.
  So an input gets a buffer only if ``K.gradients`` asks for it. The first call gives
  every float input one and notes which ones were asked for; later imperative calls
  give buffers to those only. If a later call asks for another input
  (``core._InputWatch`` notices before any gradient is computed), the call starts again
  with every input's buffer and keeps them from then on. Nothing is assigned before a
  call returns, so starting again changes nothing but the random draws.
"""
import contextlib

import numpy as onp

from mxnet import autograd
from mxnet import np as mnp

from minikeras.backend import adapter, state
from minikeras.backend.mxnet import capture
from minikeras.backend.mxnet.core import (
    MXNetError, NDArray, _InputGradientAsked, _InputWatch, _RandomSites, _active_streams,
    _assign, _from_host, _input_watches, _is_float_dtype, _mark, _mxnet_value_error, _t,
    is_variable)


_RETRY_WITHOUT_KERNELS = 'trace again without fused kernels'


@contextlib.contextmanager
def _no_trace():
    yield


def _to_numpy(x):
    if isinstance(x, NDArray):
        return x.asnumpy()
    return onp.array(x)


def compiled_function(fn, input_specs, name=None):
    specs = [(tuple(s), onp.dtype(d or state.floatx()).name) for s, d in input_specs]
    sites = _RandomSites()
    label = str(name or getattr(fn, '__name__', None) or 'compiled_function')
    float_inputs = frozenset(i for i, (_, dtype) in enumerate(specs) if _is_float_dtype(dtype))
    learned = {'asked': None}   # the inputs whose gradient calls ask for, once known

    steps = {}   # input signature -> (captured step, updated variables) or None

    def signature(tensors):
        return tuple((tuple(t.shape), t.dtype) for t in tensors)

    def run(tensors, with_grad, trace=None):
        for i in with_grad:
            tensors[i].attach_grad()
        if trace is not None:
            for t in tensors:
                _mark(t)
        watch = _InputWatch(tensors, with_grad)
        sites.start_call()
        _active_streams.append(sites)
        _input_watches.append(watch)
        was_recording = autograd.set_recording(True)
        was_training = autograd.set_training(True)
        try:
            with capture._tracing(trace) if trace is not None else _no_trace():
                outputs, updates = fn(*tensors)
            return list(outputs), list(updates), watch.asked
        except MXNetError as e:
            raise _mxnet_value_error('compiled function %s' % label, e) from None
        finally:
            autograd.set_recording(was_recording)
            autograd.set_training(was_training)
            _active_streams.pop()
            _input_watches.pop()

    def pending_updates(updates):
        pending = []
        for var, value in updates:
            if not is_variable(var):
                raise TypeError('compiled function %s: an update targets %r, which is not '
                                'a variable made by K.variable' % (label, var))
            if value is var:
                continue   # written in place (e.g. a fused optimizer's slots)
            if not isinstance(value, NDArray) and onp.ndim(value) == 0:
                value = mnp.full(var.shape, value, dtype=onp.dtype(var.dtype).name)
            elif is_variable(value) or not isinstance(value, NDArray):
                value = _t(value, var.dtype).copy()  # a snapshot, before any update
            if tuple(value.shape) != tuple(var.shape):
                raise ValueError('compiled function %s: the update of variable %r (shape '
                                 '%s) has a new value of shape %s'
                                 % (label, var.name, tuple(var.shape), tuple(value.shape)))
            pending.append((var, value))
        return pending

    def imperative(tensors, trace, key):
        if learned['asked'] is None:
            outputs, updates, asked = run(tensors, float_inputs, trace)
            learned['asked'] = frozenset(asked)
        else:
            try:
                outputs, updates, _ = run(tensors, learned['asked'], trace)
            except _InputGradientAsked:
                learned['asked'] = float_inputs
                trace = capture.Trace(trace.kernels_allowed) if trace is not None else None
                outputs, updates, _ = run(tensors, float_inputs, trace)
        pending = pending_updates(updates)
        if trace is not None:
            try:
                step = capture._capture(trace, tensors, outputs + [v for _, v in pending],
                                       dict(trace.randoms))
                recipes = dict((site, sites.recipes[site]) for site, _ in trace.randoms)
                steps[key] = (step, [var for var, _ in pending], recipes)
            except capture.NotCapturable as e:
                retry = e.retry_without_kernels and trace.kernels_allowed
                steps[key] = _RETRY_WITHOUT_KERNELS if retry else None
                call.not_captured = str(e)
        return outputs, pending

    def captured(tensors, step, variables, recipes):
        sites.recipes = dict(recipes)   # this signature's draws, to draw ahead
        sites.start_call()
        heads = step.run(step.values(tensors, sites.draw_all()), tensors)[:step.n_results]
        outputs = heads[:len(heads) - len(variables)]
        return outputs, list(zip(variables, heads[len(outputs):]))

    def call(*arrays):
        adapter.check_arity(label, specs, arrays)
        tensors = []
        for i, (array, spec) in enumerate(zip(arrays, specs)):
            if isinstance(array, NDArray):
                array = array.asnumpy()
            array = onp.asarray(array)
            adapter.check_input(i, array, spec)
            tensors.append(_from_host(array.astype(spec[1], copy=False)))
        key = signature(tensors)
        known = steps.get(key, False)
        try:
            if isinstance(known, tuple):
                outputs, pending = captured(tensors, *known)
            else:
                trace = None
                if known is _RETRY_WITHOUT_KERNELS:
                    trace = capture.Trace(kernels=False)
                elif known is False and capture.ENABLED and \
                        len(steps) < capture.MAX_SIGNATURES:
                    trace = capture.Trace()
                outputs, pending = imperative(tensors, trace, key)
            for var, value in pending:
                if value is not var:  # (a captured step's fused kernels wrote var)
                    _assign(var, value)   # queued after every op that reads var's value
            sites.draw_ahead()        # while the engine computes the outputs
            results = [_to_numpy(o) for o in outputs]
        except MXNetError as e:
            raise _mxnet_value_error('compiled function %s' % label, e) from None
        return results
    call.not_captured = None   # why the last trace that failed was not captured
    call.captured_signatures = lambda: [k for k, v in steps.items() if isinstance(v, tuple)]
    call.__name__ = label
    return call
