"""NumPy reference: the recurrent loop, as a plain Python loop over time (written once
for the numpy-like engines in ``minikeras/backend/numpy_like.py``)."""
import numpy as np

from minikeras.backend import numpy_like
from minikeras.backend.numpy.core import _as_array


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None,
        constants=None, unroll=False, input_length=None):
    return numpy_like.rnn(np, _as_array, step_function, inputs, initial_states,
                          go_backwards, mask, constants)
