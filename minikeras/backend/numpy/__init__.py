"""The NumPy reference engine: plain, obviously correct numpy for every contract op.

It is the oracle of the conformance tests and the shape inference of symbolic ops. It
has no automatic differentiation: ``gradients`` raises NotImplementedError.
"""
from minikeras.backend.numpy import core as _core
from minikeras.backend.numpy import math as _math
from minikeras.backend.numpy import nn as _nn
from minikeras.backend.numpy import random as _random
from minikeras.backend.numpy import rnn as _rnn
from minikeras.backend.numpy.core import *  # noqa: F401,F403
from minikeras.backend.numpy.math import *  # noqa: F401,F403
from minikeras.backend.numpy.nn import *  # noqa: F401,F403
from minikeras.backend.numpy.random import *  # noqa: F401,F403
from minikeras.backend.numpy.rnn import *  # noqa: F401,F403

__all__ = _core.__all__ + _math.__all__ + _nn.__all__ + _random.__all__ + _rnn.__all__
