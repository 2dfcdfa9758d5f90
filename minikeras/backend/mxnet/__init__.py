"""The MXNet 1.9 engine adapter (imperative ``mxnet.numpy`` arrays + ``mxnet.autograd``).

See ``core`` for the execution model. Every contract op is wrapped so MXNet's own errors
(shape mismatches and the like) surface as short ``ValueError``s without the C++ stack.
"""
from minikeras.backend.mxnet._numpy_compat import _restore_removed_numpy_names

_restore_removed_numpy_names()  # before MXNet is imported; a no-op under NumPy 1.x

from minikeras.backend.mxnet import compile as _compile  # noqa: E402
from minikeras.backend.mxnet import core as _core  # noqa: E402
from minikeras.backend.mxnet import math as _math  # noqa: E402
from minikeras.backend.mxnet import nn as _nn  # noqa: E402
from minikeras.backend.mxnet import random as _random  # noqa: E402
from minikeras.backend.mxnet import rnn as _rnn  # noqa: E402

__all__ = (_core.__all__ + _math.__all__ + _nn.__all__ + _random.__all__ + _rnn.__all__
           + _compile.__all__)


def _export():
    namespace = globals()
    for module in (_core, _math, _nn, _random, _rnn, _compile):
        for name in module.__all__:
            fn = getattr(module, name)
            if name != 'compiled_function' and not getattr(fn, 'unsupported', False):
                fn = _core._translate_errors(fn)
            namespace[name] = fn


_export()
del _export
