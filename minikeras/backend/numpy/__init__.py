"""The NumPy reference engine: plain, obviously correct numpy for every contract op.

It is the oracle of the conformance tests and the shape inference of symbolic ops. It
has no automatic differentiation: ``gradients`` raises NotImplementedError.
"""
from minikeras.backend import adapter as _adapter
from minikeras.backend.numpy import control, core, ctc, math, nn, random, rnn, volumes

_adapter.export_ops(globals(), (core, math, nn, random, rnn, volumes, control, ctc))
