"""MXNet adapter: ``compiled_function``, the training primitive.

MXNet 1.9 has no gradient-as-a-graph-node (neither Symbols nor Gluon's CachedOp can
express ``K.gradients`` midway through a traced function), so a compiled function runs
``fn`` imperatively each call, with ``autograd`` recording: the forward pass is recorded,
``K.gradients`` runs the backward pass inside MXNet's engine (``autograd.grad``), and the
update math that follows runs as ordinary MXNet ops. Ops are queued asynchronously to
MXNet's engine; the call waits once, when it reads the outputs. The updates are copied
into the variables after every output and new value has been computed (Keras 2
semantics: all new values come from pre-update values).

Two things keep the engine's queue full, so a step costs about what its kernels cost:
- The inputs (and the random values drawn ahead) enter MXNet without an engine copy
  (``core._from_host``): making them does not wait for the previous step's queued work,
  so this step's ops are queued while the engine still runs the last one's.
- Autograd computes a gradient for every input that has a gradient buffer, and for the
  first layer of a network that is a matrix product as large as the weight's gradient.
  So an input gets a buffer only if ``K.gradients`` asks for it. The first call gives
  every float input one and notes which ones were asked for; later calls give buffers
  to those only. If a later call asks for another input (``core._InputWatch`` notices
  before any gradient is computed), the call starts again with every input's buffer and
  keeps them from then on. Nothing is assigned before a call returns, so starting again
  changes nothing but the random draws.
"""
import numpy as onp

from mxnet import autograd
from mxnet import np as mnp

from minikeras.backend import adapter, state
from minikeras.backend.mxnet.core import (
    MXNetError, NDArray, _InputGradientAsked, _InputWatch, _RandomSites, _active_streams,
    _assign, _from_host, _input_watches, _is_float_dtype, _mxnet_value_error, _t,
    is_variable)


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

    def run(tensors, with_grad):
        for i in with_grad:
            tensors[i].attach_grad()
        watch = _InputWatch(tensors, with_grad)
        sites.start_call()
        _active_streams.append(sites)
        _input_watches.append(watch)
        was_recording = autograd.set_recording(True)
        was_training = autograd.set_training(True)
        try:
            outputs, updates = fn(*tensors)
            return list(outputs), list(updates), watch.asked
        except MXNetError as e:
            raise _mxnet_value_error('compiled function %s' % label, e) from None
        finally:
            autograd.set_recording(was_recording)
            autograd.set_training(was_training)
            _active_streams.pop()
            _input_watches.pop()

    def call(*arrays):
        adapter.check_arity(label, specs, arrays)
        tensors = []
        for i, (array, spec) in enumerate(zip(arrays, specs)):
            if isinstance(array, NDArray):
                array = array.asnumpy()
            array = onp.asarray(array)
            adapter.check_input(i, array, spec)
            tensors.append(_from_host(array.astype(spec[1], copy=False)))
        if learned['asked'] is None:
            outputs, updates, asked = run(tensors, float_inputs)
            learned['asked'] = frozenset(asked)
        else:
            try:
                outputs, updates, _ = run(tensors, learned['asked'])
            except _InputGradientAsked:
                learned['asked'] = float_inputs
                outputs, updates, _ = run(tensors, float_inputs)
        try:
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
            for var, value in pending:
                _assign(var, value)   # queued after every op that reads var's old value
            sites.draw_ahead()        # while the engine computes the outputs
            results = [_to_numpy(o) for o in outputs]
        except MXNetError as e:
            raise _mxnet_value_error('compiled function %s' % label, e) from None
        return results
    call.__name__ = label
    return call
