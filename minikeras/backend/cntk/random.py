"""CNTK adapter: random tensors.

Every CNTK random node draws fresh values each time its graph runs; a node made with a
seed repeats the same sequence, so a new compiled function with the same seed starts over
(like the NumPy reference). Shapes are static (an int tensor shape is evaluated when the
graph is built).
"""
import numpy as np

from minikeras.backend.cntk.core import (
    C, CntkTensor, _dtype_name, _is_float, _static_int_values, _storage_of)


_SEED_LIMIT = 2 ** 31 - 1


def _args(shape, dtype, what):
    dims = _static_int_values(shape, '%s shape' % what)
    if any(d < 1 for d in dims):
        raise ValueError('%s: expected a shape of positive sizes, received %s' % (what, dims))
    name = _dtype_name(dtype)
    if not _is_float(name):
        raise ValueError('%s: expected a float dtype, received %r' % (what, name))
    return dims, name, np.dtype(_storage_of(name))


def _seed(seed, offset=0):
    if seed is None:
        # drawn from numpy's global generator (as on every engine), so that
        # numpy.random.seed makes a whole run repeatable
        seed = np.random.randint(0, _SEED_LIMIT)
    return (int(seed) * 7 + offset) % _SEED_LIMIT


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dims, name, storage = _args(shape, dtype, 'random_normal')
    node = C.random.normal(dims, dtype=storage, mean=float(mean), scale=float(stddev),
                           seed=_seed(seed))
    return CntkTensor(node, name)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    dims, name, storage = _args(shape, dtype, 'random_uniform')
    node = C.random.uniform(dims, dtype=storage, low=float(minval), high=float(maxval),
                            seed=_seed(seed))
    return CntkTensor(node, name)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples beyond two standard deviations are redrawn (up to 4 draws; the few left,
    about 4 in a million, are clipped)."""
    dims, name, storage = _args(shape, dtype, 'truncated_normal')
    draws = [C.random.normal(dims, dtype=storage, seed=_seed(seed, i)) for i in range(4)]
    two = C.constant(np.asarray(2., dtype=storage))
    value = C.clip(draws[-1], C.negate(two), two)
    for draw in reversed(draws[:-1]):
        value = C.element_select(C.less_equal(C.abs(draw), two), draw, value)
    value = C.plus(C.element_times(value, C.constant(np.asarray(stddev, dtype=storage))),
                   C.constant(np.asarray(mean, dtype=storage)))
    return CntkTensor(value, name)


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    dims, name, storage = _args(shape, dtype, 'random_binomial')
    u = C.random.uniform(dims, dtype=storage, low=0., high=1., seed=_seed(seed))
    return CntkTensor(C.less(u, C.constant(np.asarray(p, dtype=storage))), name)
