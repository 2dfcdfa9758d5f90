"""The CNTK 2.7 engine adapter (Python 3.6 only; CNTK links OpenMPI, see the README).

Split by topic like the contract. CNTK computes in float only: integer and bool tensors
are stored as floats and converted back to their dtype when values leave the engine.
"""
from minikeras.backend import adapter as _adapter
from minikeras.backend.cntk import (
    compile, control, core, ctc, distribute, math, nn, random, rnn, volumes)
from minikeras.backend.cntk.core import C, CntkTensor, CntkVariable  # noqa: F401

_adapter.export_ops(globals(), (core, math, nn, random, rnn, compile, volumes, control, ctc,
                                distribute))
