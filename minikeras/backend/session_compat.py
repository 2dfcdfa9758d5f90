"""Keras 2.3.1 ``K`` functions about sessions, variable creation and batch statistics,
the same on every engine (written with contract ops)."""
import numpy as np

from minikeras.backend import state

_MANUAL_VAR_INIT = [False]


def manual_variable_initialization(value):
    """Keras 2.3.1's switch for TensorFlow 1 sessions (whether Keras runs the variables'
    initializers). Recorded only: minikeras variables hold their value when made, on
    every engine."""
    _MANUAL_VAR_INIT[0] = bool(value)


def _no_session(what):
    engine = state.backend()
    if engine == 'tensorflow':
        return RuntimeError('`%s` is not available when using TensorFlow 2.0.' % what)
    return RuntimeError('`%s` is not available with the %s engine: it is a TensorFlow 1 '
                        'session; minikeras compiles its functions itself' % (what, engine))


def get_session():
    """As Keras 2.3.1 on TensorFlow 2: there is no global session (RuntimeError)."""
    raise _no_session('get_session')


def set_session(session):
    """As Keras 2.3.1 on TensorFlow 2: there is no global session (RuntimeError)."""
    raise _no_session('set_session')


def _random_variable(sample, shape, dtype, name):
    import minikeras.backend as K
    shape = tuple(int(d) for d in shape)
    return K.variable(np.asarray(sample(shape), dtype=dtype or state.floatx()),
                      dtype=dtype, name=name)


def random_uniform_variable(shape, low, high, dtype=None, name=None, seed=None):
    """A variable drawn uniformly from [low, high) (NumPy generator: same values on every
    engine for a seed)."""
    rng = np.random.RandomState(seed)
    return _random_variable(lambda s: rng.uniform(low, high, s), shape, dtype, name)


def random_normal_variable(shape, mean, scale, dtype=None, name=None, seed=None):
    """A variable drawn from a normal distribution (mean, standard deviation ``scale``)."""
    rng = np.random.RandomState(seed)
    return _random_variable(lambda s: rng.normal(mean, scale, s), shape, dtype, name)


def normalize_batch_in_training(x, gamma, beta, reduction_axes, epsilon=1e-3):
    """``(normalized, mean, variance)``: batch statistics of ``x`` over
    ``reduction_axes`` (population variance), ``x`` normalized with them and scaled by
    ``gamma``, shifted by ``beta`` (None: 1 and 0), shaped like the kept axes."""
    import minikeras.backend as K
    ndim = K.ndim(x)
    axes = sorted(int(a) % ndim for a in reduction_axes)
    mean = K.mean(x, axis=axes, keepdims=True)
    variance = K.var(x, axis=axes, keepdims=True)
    normed = (x - mean) / K.sqrt(variance + epsilon)
    shape = [d if d is not None else -1 for d in K.int_shape(x)]
    kept = [d for i, d in enumerate(shape) if i not in axes]
    broadcast = [1 if i in axes else d for i, d in enumerate(shape)]
    if gamma is not None:
        normed = normed * K.reshape(gamma, broadcast)
    if beta is not None:
        normed = normed + K.reshape(beta, broadcast)
    return normed, K.reshape(mean, kept), K.reshape(variance, kept)
