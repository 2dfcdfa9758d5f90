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

# Below this many mask elements, packing several into each random byte saves fewer random
# words than its extra shift and compare ops cost (about 0.4 ns an element saved against
# a few microseconds an op, measured on a 1.2 M element mask).
_PACKED_MIN = 2 ** 16


def _binary_bits(level):
    """The fewest random bits (1, 2, 4, 8 or 16) whose values split at ``level * 2**bits``
    keep with probability exactly 1 - level (``level`` is a multiple of ``2**-bits``), or
    None (0.3 is not a binary fraction: a float draw compares it as float32)."""
    for bits in (1, 2, 4, 8, 16):
        scaled = level * 2 ** bits
        if scaled == int(scaled):
            return bits
    return None


def _count(shape):
    if tf.is_tensor(shape):
        return tf.reduce_prod(shape)
    return int(np.prod(shape, dtype=np.int64))


def _random_values(count, bits, seed):
    """At least ``count`` uniform random integers of ``bits`` (8 or 16) bits, flat, drawn
    as whole 32-bit words (a stateless Philox draw; compiled, its key is itself drawn by a
    stateful op, so each call draws fresh values and ``seed`` makes the sequence
    repeatable, as the other ops here)."""
    per_word = 32 // bits
    words = (count + per_word - 1) // per_word
    if _stateless(seed):
        key = [int(seed), 0]
    else:
        key = tf.random.uniform([2], maxval=2 ** 31 - 1, dtype=tf.int32, seed=_seed(seed))
    drawn = tf.random.stateless_uniform(tf.reshape(words, [1]), key, minval=None,
                                        maxval=None, dtype=tf.uint32)
    return tf.reshape(tf.bitcast(drawn, _BITS_DTYPE[bits]), [-1])


def _random_bits(shape, bits, seed=None):
    """Uniform random integers in [0, 2**bits), ``bits`` 8 or 16, of the given shape.

    They are drawn as whole 32-bit words, each word giving 32 // bits values: a dropout
    mask needs fewer random bits than a float per element, and drawing the words is most
    of a mask's cost (Philox, ~3 ns a word here).
    """
    shape = _shape(shape)
    count = _count(shape)
    values = _random_values(count, bits, seed)
    if tf.is_tensor(count) or count % (32 // bits):
        values = values[:count]
    return tf.reshape(values, shape)


def _keep_mask(shape, level, seed=None, size_hint=0):
    """A boolean mask of ``shape``, True with probability exactly ``1 - level``, drawn
    from as few random bits as ``level`` needs; None when ``level`` is not a multiple of
    ``2**-16`` (the caller then compares a float draw).

    ``size_hint``: about how many elements the mask will have (its shape may be known
    only when the compiled function runs). From ``_PACKED_MIN`` elements on, levels that
    need 1, 2 or 4 bits take that many bits per element, 8 / bits elements from each
    random byte; smaller masks compare one byte per element, in fewer ops.
    """
    bits = _binary_bits(level)
    if bits is None:
        return None
    if bits < 8 and size_hint < _PACKED_MIN:
        bits = 8
    if bits >= 8:
        drawn = _random_bits(shape, bits, seed)
        return drawn >= tf.constant(int(round(level * 2 ** bits)), drawn.dtype)
    return _packed_keep(_shape(shape), level, bits, seed)


def _packed_keep(shape, level, bits, seed):
    """``_keep_mask`` from ``bits``-bit fields, 8 // bits to a random byte. Field j of a
    byte, shifted left by ``bits * j`` (uint8: the fields above it fall off), is the top
    ``bits`` bits of the result, and the result is at least ``level * 256`` exactly when
    that field is at least ``level * 2**bits``: the bits below the field add less than one
    step of the threshold. The mask is the fields' compares one after another (field 0 of
    every byte, then field 1, ...): each element still comes from its own random bits."""
    per_byte = 8 // bits
    count = _count(shape)
    drawn = _random_values((count + per_byte - 1) // per_byte, 8, seed)   # whole words
    threshold = tf.constant(int(level * 256), tf.uint8)
    keep = [drawn >= threshold]
    for j in range(1, per_byte):
        shifted = tf.bitwise.left_shift(drawn, tf.constant(bits * j, tf.uint8))
        keep.append(shifted >= threshold)
    keep = tf.concat(keep, 0)
    if tf.is_tensor(count) or count % (4 * per_byte):
        keep = keep[:count]
    return tf.reshape(keep, shape)
