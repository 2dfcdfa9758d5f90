"""The JAX engine adapter: every contract op with ``jax.numpy`` / ``lax``.

``compiled_function`` traces a training step into one ``jax.jit`` call with the
variables threaded through as explicit state (see ``compile`` and ``_trace``). Each op is
wrapped so that, inside such a trace, its result is counted: ``gradients`` can then
differentiate with respect to any tensor a contract op made.
"""
import functools

from minikeras.backend import adapter as _adapter
from minikeras.backend.jax import _trace
from minikeras.backend.jax import compile, control, core, ctc, math, nn, random, rnn, volumes

_NOT_COUNTED = ('compiled_function', 'gradients', 'engine_info', 'variable', 'zeros', 'ones',
                'eye', 'is_tensor', 'is_variable', 'get_value', 'set_value', 'eval',
                'int_shape', 'ndim', 'dtype', 'shape', 'count_params')


def _counted(fn):
    """``fn`` whose result, inside a trace, is recorded by the trace (see
    ``_trace.Trace.op_result``); after a ``K.gradients`` call its tensor arguments are
    swapped for the gradient re-run's equal values (``_trace.Trace.swap``)."""
    @functools.wraps(fn)
    def op(*args, **kwargs):
        ctx = _trace._current()
        if ctx is None:
            return fn(*args, **kwargs)
        if ctx.substitute:
            args = [ctx.swap(a) for a in args]
            kwargs = dict((k, ctx.swap(v)) for k, v in kwargs.items())
        return ctx.op_result(fn(*args, **kwargs))
    return op


def _wrapped(name, fn):
    return fn if name in _NOT_COUNTED else _counted(fn)


_adapter.export_ops(globals(), (core, math, nn, random, rnn, compile, volumes, control, ctc),
                    wrap=_wrapped)
