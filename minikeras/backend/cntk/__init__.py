"""The CNTK 2.7 engine adapter (Python 3.6 only; CNTK links OpenMPI, see the README).

Split by topic like the contract. CNTK computes in float only: integer and bool tensors
are stored as floats and converted back to their dtype when values leave the engine.
"""
from minikeras.backend.cntk.core import *  # noqa: F401,F403
from minikeras.backend.cntk.core import C, CntkTensor, CntkVariable  # noqa: F401
from minikeras.backend.cntk.math import *  # noqa: F401,F403
from minikeras.backend.cntk.nn import *  # noqa: F401,F403
from minikeras.backend.cntk.random import *  # noqa: F401,F403
from minikeras.backend.cntk.rnn import *  # noqa: F401,F403
from minikeras.backend.cntk.compile import *  # noqa: F401,F403


def engine_info():
    from minikeras.backend.contract import CONTRACT
    import minikeras.backend.cntk as engine
    gaps = sorted(op for op in CONTRACT
                  if getattr(getattr(engine, op, None), 'unsupported', False))
    return {'name': 'cntk', 'implementation': 'cntk', 'version': C.__version__,
            'unsupported': gaps}
