"""MXNet adapter: random tensors, drawn from numpy streams with the NumPy reference's
rules and copied into MXNet (see ``core._random_tensor``): the same seed gives the same
values as the reference engine."""
import numpy as onp

from minikeras.backend import state
from minikeras.backend.mxnet.core import _random_tensor, _shape_tuple


def _dtype(dtype):
    return onp.dtype(state.floatx() if dtype is None else dtype).name


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    shape = _shape_tuple(shape)
    mean, stddev = float(mean), float(stddev)
    return _random_tensor(('normal', shape, mean, stddev), seed,
                          lambda rng: rng.normal(mean, stddev, size=shape), _dtype(dtype))


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    shape = _shape_tuple(shape)
    minval, maxval = float(minval), float(maxval)
    return _random_tensor(('uniform', shape, minval, maxval), seed,
                          lambda rng: rng.uniform(minval, maxval, size=shape), _dtype(dtype))


def _truncated(rng, shape):
    values = rng.normal(size=shape)
    outside = onp.abs(values) > 2
    while outside.any():  # redraw samples beyond two standard deviations
        values[outside] = rng.normal(size=int(outside.sum()))
        outside = onp.abs(values) > 2
    return values


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    shape = _shape_tuple(shape)
    mean, stddev = float(mean), float(stddev)
    return _random_tensor(('truncated_normal', shape, mean, stddev), seed,
                          lambda rng: mean + stddev * _truncated(rng, shape), _dtype(dtype))


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    shape = _shape_tuple(shape)
    p = float(p)
    return _random_tensor(('binomial', shape, p), seed,
                          lambda rng: rng.uniform(size=shape) < p, _dtype(dtype))
