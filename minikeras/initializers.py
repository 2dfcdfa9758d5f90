"""Weight initializers (Keras 2 ``keras.initializers``).

Unlike Keras 2, initializers compute **numpy arrays**: ``init(shape, dtype=None)``
returns an ``np.ndarray`` of ``dtype`` (default ``K.floatx()``). A given seed therefore
gives bit-identical initial weights on every engine. With ``seed=None`` values come from
numpy's global generator, so ``np.random.seed(n)`` makes a script reproducible on every
engine. With a seed, each call uses ``np.random.RandomState(seed)`` and then increments
the seed (as Keras 2.3 does), so two weights drawn from one initializer differ.
"""
import numpy as np

import minikeras.backend as K
from minikeras.utils.generic_utils import ObjectLookup


def _check_shape(shape):
    try:
        shape = tuple(shape)
    except TypeError:
        shape = (shape,)
    for d in shape:
        if d is None or isinstance(d, bool) or int(d) != d or d < 0:
            raise ValueError('an initializer needs a fully known shape of non-negative ints, '
                             'received %r' % (shape,))
    return tuple(int(d) for d in shape)


def _dtype(dtype):
    return np.dtype(dtype or K.floatx())


class Initializer(object):
    """Base class: ``__call__(shape, dtype=None) -> np.ndarray``."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop('dtype', None)
        return cls(**config)

    def __repr__(self):
        args = ', '.join('%s=%r' % kv for kv in sorted(self.get_config().items()))
        return '%s(%s)' % (type(self).__name__, args)


class _Seeded(Initializer):
    """An initializer drawing random numbers: ``seed`` None -> numpy's global RNG."""

    def __init__(self, seed=None):
        if seed is not None and (isinstance(seed, bool) or int(seed) != seed):
            raise ValueError('seed must be an int or None, received %r' % (seed,))
        self.seed = None if seed is None else int(seed)

    def _rng(self):
        if self.seed is None:
            return np.random  # the module-level functions use the global RandomState
        rng = np.random.RandomState(self.seed)
        self.seed += 1
        return rng


def _truncated_normal(rng, shape, mean, stddev):
    """Normal samples; those beyond two standard deviations are redrawn."""
    values = rng.standard_normal(shape) if shape else np.asarray(rng.standard_normal())
    values = np.asarray(values, dtype='float64')
    bad = np.abs(values) > 2.
    while bad.any():
        values[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(values) > 2.
    return mean + stddev * values


class Zeros(Initializer):
    def __call__(self, shape, dtype=None):
        return np.zeros(_check_shape(shape), dtype=_dtype(dtype))


class Ones(Initializer):
    def __call__(self, shape, dtype=None):
        return np.ones(_check_shape(shape), dtype=_dtype(dtype))


class Constant(Initializer):
    def __init__(self, value=0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return np.full(_check_shape(shape), self.value, dtype=_dtype(dtype))

    def get_config(self):
        value = self.value
        if isinstance(value, np.ndarray):
            value = value.tolist()
        elif isinstance(value, np.generic):
            value = value.item()
        return {'value': value}


class RandomNormal(_Seeded):
    def __init__(self, mean=0., stddev=0.05, seed=None):
        super(RandomNormal, self).__init__(seed)
        self.mean = mean
        self.stddev = stddev

    def __call__(self, shape, dtype=None):
        shape = _check_shape(shape)
        return np.asarray(self._rng().normal(self.mean, self.stddev, shape), _dtype(dtype))

    def get_config(self):
        return {'mean': self.mean, 'stddev': self.stddev, 'seed': self.seed}


class RandomUniform(_Seeded):
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super(RandomUniform, self).__init__(seed)
        self.minval = minval
        self.maxval = maxval

    def __call__(self, shape, dtype=None):
        shape = _check_shape(shape)
        return np.asarray(self._rng().uniform(self.minval, self.maxval, shape), _dtype(dtype))

    def get_config(self):
        return {'minval': self.minval, 'maxval': self.maxval, 'seed': self.seed}


class TruncatedNormal(_Seeded):
    """Normal samples, redrawn beyond two standard deviations from the mean."""

    def __init__(self, mean=0., stddev=0.05, seed=None):
        super(TruncatedNormal, self).__init__(seed)
        self.mean = mean
        self.stddev = stddev

    def __call__(self, shape, dtype=None):
        shape = _check_shape(shape)
        return np.asarray(_truncated_normal(self._rng(), shape, self.mean, self.stddev),
                          _dtype(dtype))

    def get_config(self):
        return {'mean': self.mean, 'stddev': self.stddev, 'seed': self.seed}


def _compute_fans(shape, data_format='channels_last'):
    """(fan_in, fan_out) of a weight shape: Dense (in, out); conv kernels
    (..., in, out) channels_last or (out, in, ...) channels_first."""
    if len(shape) == 2:
        fan_in, fan_out = shape[0], shape[1]
    elif len(shape) in (3, 4, 5):
        if data_format == 'channels_first':
            receptive_field_size = np.prod(shape[2:])
            fan_in = shape[1] * receptive_field_size
            fan_out = shape[0] * receptive_field_size
        elif data_format == 'channels_last':
            receptive_field_size = np.prod(shape[:-2])
            fan_in = shape[-2] * receptive_field_size
            fan_out = shape[-1] * receptive_field_size
        else:
            raise ValueError('Invalid data_format: %r' % (data_format,))
    else:
        fan_in = np.sqrt(np.prod(shape))
        fan_out = np.sqrt(np.prod(shape))
    return float(fan_in), float(fan_out)


class VarianceScaling(_Seeded):
    """Samples scaled to the weight's fans.

    ``mode``: 'fan_in', 'fan_out' or 'fan_avg'. ``distribution``: 'normal' (a truncated
    normal with stddev sqrt(scale / n) / 0.8796...), 'uniform' (within +-sqrt(3 scale /
    n)); also 'truncated_normal' (same as 'normal') and 'untruncated_normal'.
    """

    MODES = ('fan_in', 'fan_out', 'fan_avg')
    DISTRIBUTIONS = ('normal', 'uniform', 'truncated_normal', 'untruncated_normal')

    def __init__(self, scale=1.0, mode='fan_in', distribution='normal', seed=None):
        super(VarianceScaling, self).__init__(seed)
        if not scale > 0.:
            raise ValueError('VarianceScaling: scale must be a positive float, received %r'
                             % (scale,))
        mode = str(mode).lower()
        if mode not in self.MODES:
            raise ValueError('VarianceScaling: mode must be one of %s, received %r'
                             % (', '.join(self.MODES), mode))
        distribution = str(distribution).lower()
        if distribution not in self.DISTRIBUTIONS:
            raise ValueError('VarianceScaling: distribution must be one of %s, received %r'
                             % (', '.join(self.DISTRIBUTIONS), distribution))
        self.scale = scale
        self.mode = mode
        self.distribution = distribution

    def __call__(self, shape, dtype=None):
        shape = _check_shape(shape)
        fan_in, fan_out = _compute_fans(shape)
        scale = self.scale
        if self.mode == 'fan_in':
            scale /= max(1., fan_in)
        elif self.mode == 'fan_out':
            scale /= max(1., fan_out)
        else:
            scale /= max(1., (fan_in + fan_out) / 2.)
        rng = self._rng()
        if self.distribution in ('normal', 'truncated_normal'):
            # 0.8796... = scipy.stats.truncnorm.std(a=-2, b=2, loc=0., scale=1.)
            stddev = np.sqrt(scale) / .87962566103423978
            x = _truncated_normal(rng, shape, 0., stddev)
        elif self.distribution == 'untruncated_normal':
            x = rng.normal(0., np.sqrt(scale), shape)
        else:
            limit = np.sqrt(3. * scale)
            x = rng.uniform(-limit, limit, shape)
        return np.asarray(x, _dtype(dtype))

    def get_config(self):
        return {'scale': self.scale, 'mode': self.mode, 'distribution': self.distribution,
                'seed': self.seed}


class Orthogonal(_Seeded):
    """A random orthogonal matrix (rows flattened over all axes but the last), times
    ``gain``."""

    def __init__(self, gain=1., seed=None):
        super(Orthogonal, self).__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = _check_shape(shape)
        if len(shape) < 2:
            raise ValueError('Orthogonal initializer needs a shape of at least 2 axes, '
                             'received %r' % (shape,))
        num_rows = 1
        for dim in shape[:-1]:
            num_rows *= dim
        num_cols = shape[-1]
        flat_shape = (num_rows, num_cols)
        a = self._rng().normal(0.0, 1.0, flat_shape)
        u, _, v = np.linalg.svd(a, full_matrices=False)
        q = u if u.shape == flat_shape else v
        q = q.reshape(shape)
        return np.asarray(self.gain * q, _dtype(dtype))

    def get_config(self):
        return {'gain': self.gain, 'seed': self.seed}


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only)."""

    def __init__(self, gain=1.):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = _check_shape(shape)
        if len(shape) != 2:
            raise ValueError('Identity matrix initializer can only be used for 2D matrices, '
                             'received shape %r' % (shape,))
        return np.asarray(self.gain * np.eye(shape[0], shape[1]), _dtype(dtype))

    def get_config(self):
        return {'gain': self.gain}


def lecun_uniform(seed=None):
    return VarianceScaling(scale=1., mode='fan_in', distribution='uniform', seed=seed)


def glorot_normal(seed=None):
    return VarianceScaling(scale=1., mode='fan_avg', distribution='normal', seed=seed)


def glorot_uniform(seed=None):
    return VarianceScaling(scale=1., mode='fan_avg', distribution='uniform', seed=seed)


def he_normal(seed=None):
    return VarianceScaling(scale=2., mode='fan_in', distribution='normal', seed=seed)


def lecun_normal(seed=None):
    return VarianceScaling(scale=1., mode='fan_in', distribution='normal', seed=seed)


def he_uniform(seed=None):
    return VarianceScaling(scale=2., mode='fan_in', distribution='uniform', seed=seed)


# Keras 2 aliases
zero = zeros = Zeros
one = ones = Ones
constant = Constant
uniform = random_uniform = RandomUniform
normal = random_normal = RandomNormal
truncated_normal = TruncatedNormal
identity = Identity
orthogonal = Orthogonal

_OBJECTS = {
    'Initializer': Initializer, 'Zeros': Zeros, 'Ones': Ones, 'Constant': Constant,
    'RandomNormal': RandomNormal, 'RandomUniform': RandomUniform,
    'TruncatedNormal': TruncatedNormal, 'VarianceScaling': VarianceScaling,
    'Orthogonal': Orthogonal, 'Identity': Identity,
    'lecun_uniform': lecun_uniform, 'glorot_normal': glorot_normal,
    'glorot_uniform': glorot_uniform, 'he_normal': he_normal, 'lecun_normal': lecun_normal,
    'he_uniform': he_uniform,
    'zero': zero, 'zeros': zeros, 'one': one, 'ones': ones, 'constant': constant,
    'uniform': uniform, 'random_uniform': random_uniform, 'normal': normal,
    'random_normal': random_normal, 'truncated_normal': truncated_normal,
    'identity': identity, 'orthogonal': orthogonal,
}


serialize, deserialize, get = ObjectLookup(
    _OBJECTS, 'initializer', names_are_classes=True,
    expected=' (expected a name such as "glorot_uniform", a config dict or a callable)').functions()
