"""The backend contract: every engine op declared once, with its signature and docstring.

Each topic module defines stub functions whose bodies are never run; engines under
``minikeras/backend/<engine>/`` implement the same names with the same argument lists.
``CONTRACT`` maps op name -> stub, in a stable order.
"""
from minikeras.backend.contract import control, core, ctc, fused, math, nn, random, rnn, volumes

TOPICS = (core, math, nn, random, rnn, volumes, control, ctc, fused)


def _collect():
    ops = {}
    for module in TOPICS:
        for name in module.__all__:
            ops[name] = getattr(module, name)
    return ops


CONTRACT = _collect()

# Ops answered from a KerasTensor's own metadata instead of being recorded symbolically.
METADATA_OPS = ('int_shape', 'ndim', 'dtype', 'is_tensor', 'is_variable', 'count_params')
