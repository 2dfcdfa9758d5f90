"""The backend contract: every engine op declared once, with its signature and docstring.

Each topic module defines stub functions whose bodies are never run; engines under
``minikeras/backend/<engine>/`` implement the same names with the same argument lists.
``CONTRACT`` maps op name -> stub, in a stable order; ``GENERIC_DEFAULTS`` names the
ops an adapter may leave out and inherit.
"""
from minikeras.backend.contract import (
    control, core, ctc, distribute, fused, math, nn, random, rnn, volumes)

TOPICS = (core, math, nn, random, rnn, volumes, control, ctc, fused, distribute)

# Ops with an engine-free default that every adapter inherits unless it defines its own:
# op name -> module holding the default (imported when an adapter is exported).
GENERIC_DEFAULTS = dict([(op, 'minikeras.backend.generic') for op in fused.__all__]
                        + [(op, 'minikeras.backend.distribute_generic')
                           for op in distribute.__all__])


def _collect():
    ops = {}
    for module in TOPICS:
        for name in module.__all__:
            ops[name] = getattr(module, name)
    return ops


CONTRACT = _collect()

# Ops answered from a KerasTensor's own metadata instead of being recorded symbolically.
METADATA_OPS = ('int_shape', 'ndim', 'dtype', 'is_tensor', 'is_variable', 'count_params')
