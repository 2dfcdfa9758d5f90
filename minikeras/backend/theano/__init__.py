"""The Theano engine adapter, for classic Theano 1.0 (Python 3.6) and its maintained fork
PyTensor (Python 3.11). ``_impl`` picks the implementation (``MINIKERAS_THEANO_IMPL``
forces one) and hides their API differences; the topic modules follow the contract."""
import sys as _sys

from minikeras.backend.theano._impl import IMPL  # noqa: F401
from minikeras.backend.theano.core import *  # noqa: F401,F403
from minikeras.backend.theano.math import *  # noqa: F401,F403
from minikeras.backend.theano.nn import *  # noqa: F401,F403
from minikeras.backend.theano.conv import *  # noqa: F401,F403
from minikeras.backend.theano.random import *  # noqa: F401,F403
from minikeras.backend.theano.rnn import *  # noqa: F401,F403  (the op rnn shadows the module)
from minikeras.backend.theano.compile import *  # noqa: F401,F403

__all__ = []
for _topic in ('core', 'math', 'nn', 'conv', 'random', 'rnn', 'compile'):
    __all__ += _sys.modules['minikeras.backend.theano.' + _topic].__all__
del _topic
