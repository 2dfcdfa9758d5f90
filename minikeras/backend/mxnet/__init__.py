"""The MXNet 1.9 engine adapter (imperative ``mxnet.numpy`` arrays + ``mxnet.autograd``).

See ``core`` for the execution model. Every contract op is wrapped so MXNet's own errors
(shape mismatches and the like) surface as short ``ValueError``s without the C++ stack.
"""
from minikeras.backend.mxnet._numpy_compat import _restore_removed_numpy_names

_restore_removed_numpy_names()  # before MXNet is imported; a no-op under NumPy 1.x

from minikeras.backend import adapter as _adapter  # noqa: E402
from minikeras.backend.mxnet import (  # noqa: E402
    compile, control, core, ctc, distribute, fused, math, nn, random, rnn, volumes)


def _translated(name, fn):
    if name == 'compiled_function' or getattr(fn, 'unsupported', False):
        return fn
    return core._translate_errors(fn)


_adapter.export_ops(globals(),
                    (core, math, nn, random, rnn, compile, volumes, control, ctc, fused,
                     distribute),
                    wrap=_translated)
