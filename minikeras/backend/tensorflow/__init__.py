"""The TensorFlow 2 engine adapter: every contract op with TensorFlow's own ops.

Importing this package imports TensorFlow (quietly, see ``_tf``). Ops work on eager
tensors and inside ``tf.function`` graphs; ``compiled_function`` traces a training step
into one ``tf.function``.
"""
from minikeras.backend.tensorflow import compile as _compile
from minikeras.backend.tensorflow import core as _core
from minikeras.backend.tensorflow import math as _math
from minikeras.backend.tensorflow import nn as _nn
from minikeras.backend.tensorflow import random as _random
from minikeras.backend.tensorflow import rnn as _rnn
from minikeras.backend.tensorflow.core import *  # noqa: F401,F403
from minikeras.backend.tensorflow.math import *  # noqa: F401,F403
from minikeras.backend.tensorflow.nn import *  # noqa: F401,F403
from minikeras.backend.tensorflow.random import *  # noqa: F401,F403
from minikeras.backend.tensorflow.rnn import *  # noqa: F401,F403
from minikeras.backend.tensorflow.compile import *  # noqa: F401,F403

__all__ = (_core.__all__ + _math.__all__ + _nn.__all__ + _random.__all__ + _rnn.__all__
           + _compile.__all__)
