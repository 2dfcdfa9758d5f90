"""NumPy reference: random tensors from ``numpy.random.RandomState(seed)``.

Eagerly a seed gives the same values on every call; inside a compiled function each call
draws fresh values from a stream that starts at the seed (see ``core._random_state``).
"""
import numpy as np

from minikeras.backend import state
from minikeras.backend.numpy.core import _random_state, _shape_tuple


def _dtype(dtype):
    return state.floatx() if dtype is None else dtype


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    values = _random_state(seed).normal(mean, stddev, size=_shape_tuple(shape))
    return values.astype(_dtype(dtype))


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    values = _random_state(seed).uniform(minval, maxval, size=_shape_tuple(shape))
    return values.astype(_dtype(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    rng = _random_state(seed)
    values = rng.normal(size=_shape_tuple(shape))
    outside = np.abs(values) > 2
    while outside.any():  # redraw samples beyond two standard deviations
        values[outside] = rng.normal(size=int(outside.sum()))
        outside = np.abs(values) > 2
    return (mean + stddev * values).astype(_dtype(dtype))


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    values = _random_state(seed).uniform(size=_shape_tuple(shape)) < p
    return values.astype(_dtype(dtype))
