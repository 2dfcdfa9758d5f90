"""Theano/PyTensor adapter: ``compiled_function``, one ``theano.function`` per call site.

``fn`` is traced once on symbolic inputs; outputs, the caller's updates and the updates
that scan loops report (random streams inside a loop) are compiled into one function.
Random streams outside loops advance through their shared states' default updates.
Engine errors at run time become a short ``ValueError``.
"""
import numpy as np

from minikeras.backend import adapter, state
from minikeras.backend.theano import _impl
from minikeras.backend.theano._impl import T
from minikeras.backend.theano.core import _tag, _to_tensor

# Updates reported while a function is traced (scan's own updates); drained by
# compile_graph.
_pending_updates = []


def _add_pending_updates(updates):
    for var, value in dict(updates).items():
        _pending_updates.append((var, value))


def _summarize(e):
    """The first line of an engine error plus the input shapes it reports."""
    text = str(e)
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    if not lines:
        return type(e).__name__
    summary = lines[0]
    for l in lines[1:]:
        if l.startswith('Inputs shapes:'):
            summary += ' (%s)' % l
            break
    if len(summary) > 600:
        summary = summary[:600] + '...'
    return summary


def _compile_graph(inputs, outputs, updates, name=None):
    pending = list(_pending_updates)
    del _pending_updates[:]
    seen = set()
    pairs = []
    for var, value in pending:
        # Engine-made updates (random states advanced inside scan loops).
        seen.add(id(var))
        pairs.append((var, value))
    for var, value in list(updates):
        if not isinstance(var, _impl.SharedVariable):
            raise TypeError('compiled function %s: an update must target a variable made '
                            'by K.variable, received %r' % (name or '', var))
        if id(var) in seen:
            raise ValueError('compiled function %s: variable %r is updated twice in one '
                             'step; combine the updates into one' % (name or '', var.name))
        seen.add(id(var))
        try:
            pairs.append((var, _impl._fit_type(_to_tensor(value), var)))
        except (TypeError, ValueError) as e:
            raise ValueError('compiled function %s: the update of variable %r does not fit '
                             'it (variable shape %s, dtype %s): %s'
                             % (name or '', var.name,
                                var.get_value(borrow=True, return_internal_type=True).shape,
                                var.dtype, _summarize(e)))
    try:
        return _impl._function(inputs, outputs, updates=pairs, on_unused_input='ignore',
                              name=name)
    except (TypeError, ValueError, NotImplementedError) as e:
        raise ValueError('%s backend: compiling %s failed: %s'
                         % (_impl.IMPL, name or 'a function', _summarize(e))) from None


def _run(fn, arrays, name):
    try:
        return fn(*arrays)
    except (ValueError, TypeError, IndexError, RuntimeError, MemoryError,
            AssertionError) as e:
        raise ValueError('%s backend: %s failed at run time: %s'
                         % (_impl.IMPL, name, _summarize(e))) from None


def compiled_function(fn, input_specs, name=None):
    specs = []
    for s, d in input_specs:
        specs.append((tuple(None if x is None else int(x) for x in s),
                      str(np.dtype(d or state.floatx()).name)))
    label = str(name or getattr(fn, '__name__', None) or 'compiled function')
    inputs = []
    for i, (s, d) in enumerate(specs):
        inputs.append(_tag(_impl._tensor_input(d, s, name='%s_input_%d' % (label, i)), s))
    del _pending_updates[:]
    outputs, updates = fn(*inputs)
    outputs = [_to_tensor(o) for o in outputs]
    compiled = _compile_graph(inputs, outputs, list(updates or []), name=label)

    def call(*arrays):
        adapter.check_arity(label, specs, arrays)
        values = []
        for i, (array, spec) in enumerate(zip(arrays, specs)):
            array = np.asarray(array)
            adapter.check_input(i, array, spec)
            values.append(array.astype(spec[1], copy=False))
        return [np.asarray(r) for r in _run(compiled, values, label)]

    def unchecked(*arrays):
        try:     # the engine returns numpy arrays, not aliased to its own buffers
            return compiled(*arrays)
        except Exception:
            return call(*arrays)    # the checked call explains what went wrong
    call.__name__ = label
    call.engine_function = compiled
    call.unchecked = unchecked
    return call
