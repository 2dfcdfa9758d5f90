"""MXNet adapter: the recurrent loop, a Python loop over time on imperative arrays
(written once for the numpy-like engines in ``minikeras/backend/numpy_like.py``).

Arrays are concrete, so any time length works (known or not, no unrolling limit), and
autograd records every step, so RNNs train with ``unroll=False``.
"""
from mxnet import np as mnp

from minikeras.backend import numpy_like
from minikeras.backend.mxnet.core import _t


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None,
        constants=None, unroll=False, input_length=None):
    return numpy_like.rnn(mnp, _t, step_function, inputs, initial_states, go_backwards,
                          mask, constants)
