"""Theano/PyTensor adapter: random tensors.

Each call makes its own seeded stream (Theano: a shared NumPy RandomState; PyTensor: a
shared NumPy Generator) whose state advances on every call of a compiled function, so each
step draws fresh values and the same seed repeats the same sequence.
"""
import numpy as np

from minikeras.backend.theano import _impl
from minikeras.backend.theano._impl import T
from minikeras.backend.theano.core import (
    _floatx_dtype, _is_engine_tensor, _known_shape, _tag, _to_tensor)

# Probability mass of a standard normal below -2 (the truncation point).
_PHI_MINUS_2 = 0.022750131948179195


def _seed(seed):
    if seed is None:
        return int(np.random.randint(1, 10 ** 7))
    return int(seed)


def _size(shape):
    """(engine size, static shape or None, ndim)."""
    if _is_engine_tensor(shape):
        if shape.ndim != 1:
            raise ValueError('random ops: a symbolic shape must be a 1-D int tensor, '
                             'received %d axes' % shape.ndim)
        n = _known_shape(shape)[0]
        if n is None:
            try:
                n = int(T.get_vector_length(shape))
            except Exception:
                raise ValueError('random ops: a symbolic shape needs a known length '
                                 '(e.g. K.shape(x) or a tuple of scalars)')
        return T.cast(shape, 'int64'), None, n
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    parts = list(shape)
    if all(isinstance(d, (int, np.integer)) for d in parts):
        static = tuple(int(d) for d in parts)
        return static, static, len(static)
    sym = T.stack([T.cast(_to_tensor(d), 'int64') for d in parts])
    return sym, None, len(parts)


def _draw_uniform(size, ndim, dtype, seed):
    return _impl.RandomSource(_seed(seed)).uniform(size, 0., 1., dtype, ndim)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    dtype = _floatx_dtype(dtype)
    size, static, nd = _size(shape)
    u = _draw_uniform(size, nd, dtype, seed)
    out = u * (maxval - minval) + minval
    return _tag(T.cast(out, dtype), static)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = _floatx_dtype(dtype)
    size, static, nd = _size(shape)
    out = _impl.RandomSource(_seed(seed)).normal(size, mean, stddev, dtype, nd)
    return _tag(T.cast(out, dtype), static)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples restricted to two standard deviations, by inverting the CDF of a
    uniform draw over the kept probability mass."""
    dtype = _floatx_dtype(dtype)
    size, static, nd = _size(shape)
    u = _draw_uniform(size, nd, 'float64' if dtype == 'float64' else 'float32', seed)
    lo = _PHI_MINUS_2
    p = lo + u * (1. - 2. * lo)
    z = np.sqrt(2.) * _impl._erfinv(2. * p - 1.)
    z = T.clip(z, -2., 2.)
    return _tag(T.cast(mean + stddev * z, dtype), static)


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    dtype = _floatx_dtype(dtype)
    size, static, nd = _size(shape)
    u = _draw_uniform(size, nd, 'float32', seed)
    return _tag(T.cast(T.lt(u, p), dtype), static)
