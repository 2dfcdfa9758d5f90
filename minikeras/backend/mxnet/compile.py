"""MXNet adapter: ``compiled_function``, the training primitive.

MXNet 1.9 has no gradient-as-a-graph-node (neither Symbols nor Gluon's CachedOp can
express ``K.gradients`` midway through a traced function), so a compiled function runs
``fn`` imperatively each call, with ``autograd`` recording: the forward pass is recorded,
``K.gradients`` runs the backward pass inside MXNet's engine (``autograd.grad``), and the
update math that follows runs as ordinary MXNet ops. Ops are queued asynchronously to
MXNet's engine; the call waits once, when it reads the outputs. The updates are copied
into the variables after every output and new value has been computed (Keras 2
semantics: all new values come from pre-update values).
"""
import numpy as onp

from mxnet import autograd
from mxnet import np as mnp

from minikeras.backend import adapter, state
from minikeras.backend.mxnet.core import (
    MXNetError, NDArray, _RandomSites, _active_streams, _assign, _is_float_dtype,
    _mxnet_value_error, _t, is_variable)


def _to_numpy(x):
    if isinstance(x, NDArray):
        return x.asnumpy()
    return onp.array(x)


def compiled_function(fn, input_specs, name=None):
    specs = [(tuple(s), onp.dtype(d or state.floatx()).name) for s, d in input_specs]
    sites = _RandomSites()
    label = str(name or getattr(fn, '__name__', None) or 'compiled_function')

    def call(*arrays):
        adapter.check_arity(label, specs, arrays)
        tensors = []
        for i, (array, spec) in enumerate(zip(arrays, specs)):
            if isinstance(array, NDArray):
                array = array.asnumpy()
            array = onp.asarray(array)
            adapter.check_input(i, array, spec)
            tensor = mnp.array(array, dtype=spec[1])
            if _is_float_dtype(spec[1]):
                tensor.attach_grad()  # so K.gradients may ask for d loss / d input
            tensors.append(tensor)
        sites.start_call()
        _active_streams.append(sites)
        was_recording = autograd.set_recording(True)
        was_training = autograd.set_training(True)
        try:
            outputs, updates = fn(*tensors)
            outputs = list(outputs)
            updates = list(updates)
        except MXNetError as e:
            raise _mxnet_value_error('compiled function %s' % label, e) from None
        finally:
            autograd.set_recording(was_recording)
            autograd.set_training(was_training)
            _active_streams.pop()
        try:
            pending = []
            for var, value in updates:
                if not is_variable(var):
                    raise TypeError('compiled function %s: an update targets %r, which is not '
                                    'a variable made by K.variable' % (label, var))
                if not isinstance(value, NDArray) and onp.ndim(value) == 0:
                    value = mnp.full(var.shape, value, dtype=onp.dtype(var.dtype).name)
                elif is_variable(value) or not isinstance(value, NDArray):
                    value = _t(value, var.dtype).copy()  # a snapshot, before any update
                if tuple(value.shape) != tuple(var.shape):
                    raise ValueError('compiled function %s: the update of variable %r (shape '
                                     '%s) has a new value of shape %s'
                                     % (label, var.name, tuple(var.shape), tuple(value.shape)))
                pending.append((var, value))
            results = [_to_numpy(o) for o in outputs]
            for var, value in pending:
                _assign(var, value)
        except MXNetError as e:
            raise _mxnet_value_error('compiled function %s' % label, e) from None
        return results
    call.__name__ = label
    return call
