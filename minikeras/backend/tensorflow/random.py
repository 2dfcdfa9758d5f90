"""TensorFlow adapter: random tensors.

Inside a traced function (``compiled_function``) these are TensorFlow's stateful random
ops with an op-level seed: each call of the compiled function draws fresh values and a
seed makes the sequence reproducible. Without a seed one is drawn from numpy's global
generator (Keras 2 did the same), so ``numpy.random.seed`` makes runs repeatable.
Eagerly, a seed gives the same values on every call (stateless ops), like the NumPy
reference; no seed gives fresh values.
"""
import numpy as np

from minikeras.backend.tensorflow._tf import tf, _tf_dtype


_MAX_SEED = 10000000


def _shape(shape):
    if tf.is_tensor(shape):
        return tf.cast(shape, tf.int32)
    if isinstance(shape, (int, np.integer)):
        return [int(shape)]
    shape = list(shape)
    if any(tf.is_tensor(d) for d in shape):
        return tf.stack([tf.cast(d, tf.int32) if tf.is_tensor(d) else int(d) for d in shape])
    if any(d is None for d in shape):
        raise ValueError('random ops need a fully known shape (or an int tensor), received %r'
                         % (tuple(shape),))
    return [int(d) for d in shape]


def _float_dtype(dtype, op):
    dt = _tf_dtype(dtype)
    if not dt.is_floating:
        raise TypeError('%s: expected a float dtype, received %r' % (op, dtype))
    return dt


def _stateless(seed):
    return tf.executing_eagerly() and seed is not None


def _seed(seed):
    if seed is None:
        return int(np.random.randint(_MAX_SEED))
    return int(seed)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dt = _float_dtype(dtype, 'random_normal')
    shape = _shape(shape)
    if _stateless(seed):
        return tf.random.stateless_normal(shape, [int(seed), 0], mean, stddev, dtype=dt)
    return tf.random.normal(shape, mean, stddev, dtype=dt, seed=_seed(seed))


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    dt = _tf_dtype(dtype)
    if not (dt.is_floating or dt in (tf.int32, tf.int64)):
        raise TypeError('random_uniform: expected a float or int32/int64 dtype, received %r'
                        % (dtype,))
    shape = _shape(shape)
    if _stateless(seed):
        return tf.random.stateless_uniform(shape, [int(seed), 0], minval, maxval, dtype=dt)
    return tf.random.uniform(shape, minval, maxval, dtype=dt, seed=_seed(seed))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dt = _float_dtype(dtype, 'truncated_normal')
    shape = _shape(shape)
    if _stateless(seed):
        return tf.random.stateless_truncated_normal(shape, [int(seed), 0], mean, stddev,
                                                    dtype=dt)
    return tf.random.truncated_normal(shape, mean, stddev, dtype=dt, seed=_seed(seed))


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    dt = _tf_dtype(dtype)
    shape = _shape(shape)
    if _stateless(seed):
        u = tf.random.stateless_uniform(shape, [int(seed), 0], dtype=tf.float32)
    else:
        u = tf.random.uniform(shape, dtype=tf.float32, seed=_seed(seed))
    return tf.cast(u < tf.cast(p, tf.float32), dt)


_BITS_DTYPE = {8: tf.uint8, 16: tf.uint16}


def _random_bits(shape, bits, seed=None):
    """Uniform random integers in [0, 2**bits), ``bits`` 8 or 16, of the given shape.

    They are drawn as whole 32-bit words, each word giving 32 // bits values: a dropout
    mask needs fewer random bits than a float per element, and drawing the words is most
    of a mask's cost (Philox, ~3 ns a word here). Compiled, a seed for the stateless draw
    is itself drawn by a stateful op, so each call draws fresh values and ``seed`` makes
    the sequence repeatable, as the other ops here.
    """
    shape = _shape(shape)
    per_word = 32 // bits
    if tf.is_tensor(shape):
        count = tf.reduce_prod(shape)
    else:
        count = int(np.prod(shape, dtype=np.int64))
    words = (count + per_word - 1) // per_word
    if _stateless(seed):
        key = [int(seed), 0]
    else:
        key = tf.random.uniform([2], maxval=2 ** 31 - 1, dtype=tf.int32, seed=_seed(seed))
    drawn = tf.random.stateless_uniform(tf.reshape(words, [1]), key, minval=None,
                                        maxval=None, dtype=tf.uint32)
    values = tf.reshape(tf.bitcast(drawn, _BITS_DTYPE[bits]), [-1])
    if tf.is_tensor(count) or count != words * per_word:
        values = values[:count]
    return tf.reshape(values, shape)
