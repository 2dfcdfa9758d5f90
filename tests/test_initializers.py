"""Initializers: numpy arrays with the right statistics, reproducible bit for bit."""
import numpy as np
import pytest

import minikeras.backend as K
from minikeras import initializers

BIG = (300, 400)


def test_returns_numpy_arrays_of_floatx():
    for name in ('zeros', 'ones', 'glorot_uniform', 'glorot_normal', 'he_uniform',
                 'he_normal', 'lecun_uniform', 'lecun_normal', 'orthogonal', 'identity',
                 'random_normal', 'random_uniform', 'truncated_normal'):
        value = initializers.get(name)((4, 4))
        assert isinstance(value, np.ndarray), name
        assert value.dtype == np.dtype(K.floatx()), name
        assert value.shape == (4, 4), name
    assert initializers.Zeros()((2,), dtype='float64').dtype == np.float64


def test_constant_zeros_ones():
    np.testing.assert_array_equal(initializers.Zeros()((2, 3)), np.zeros((2, 3)))
    np.testing.assert_array_equal(initializers.Ones()((3,)), np.ones(3))
    np.testing.assert_array_equal(initializers.Constant(2.5)((2, 2)), np.full((2, 2), 2.5))


def test_random_normal_uniform_truncated_statistics():
    x = initializers.RandomNormal(mean=1.0, stddev=0.5, seed=1)(BIG)
    assert abs(x.mean() - 1.0) < 0.01 and abs(x.std() - 0.5) < 0.01
    x = initializers.RandomUniform(minval=-2., maxval=3., seed=1)(BIG)
    assert x.min() >= -2. and x.max() < 3.
    assert abs(x.mean() - 0.5) < 0.02
    x = initializers.TruncatedNormal(mean=0.5, stddev=0.2, seed=1)(BIG)
    assert x.min() >= 0.5 - 0.4 - 1e-6 and x.max() <= 0.5 + 0.4 + 1e-6
    assert abs(x.mean() - 0.5) < 0.01
    assert abs(x.std() - 0.2 * 0.8796) < 0.01


def test_fans_dense_and_conv():
    assert initializers._compute_fans((3, 7)) == (3., 7.)
    # conv2d kernel (h, w, in, out), channels_last
    assert initializers._compute_fans((3, 5, 4, 8)) == (3 * 5 * 4., 3 * 5 * 8.)
    assert initializers._compute_fans((3, 4, 8)) == (12., 24.)
    assert initializers._compute_fans((16,)) == (4., 4.)


@pytest.mark.parametrize('name,scale,fan', [
    ('glorot_uniform', 1., 'avg'), ('he_uniform', 2., 'in'), ('lecun_uniform', 1., 'in')])
def test_uniform_variance_scaling_limits(name, scale, fan):
    shape = (3, 3, 40, 60)
    fan_in, fan_out = 9 * 40., 9 * 60.
    n = {'in': fan_in, 'avg': (fan_in + fan_out) / 2}[fan]
    limit = np.sqrt(3. * scale / n)
    x = initializers.get(name)(shape)
    assert x.max() <= limit and x.min() >= -limit
    assert x.max() > 0.95 * limit and x.min() < -0.95 * limit
    assert abs(x.std() - limit / np.sqrt(3.)) < 0.02 * limit


@pytest.mark.parametrize('name,scale,fan', [
    ('glorot_normal', 1., 'avg'), ('he_normal', 2., 'in'), ('lecun_normal', 1., 'in')])
def test_normal_variance_scaling_std(name, scale, fan):
    fan_in, fan_out = BIG
    n = {'in': fan_in, 'avg': (fan_in + fan_out) / 2.}[fan]
    x = initializers.get(name)(BIG)
    # truncated at 2 stddev, rescaled so the resulting std is sqrt(scale / n)
    assert abs(x.std() - np.sqrt(scale / n)) < 0.01 * np.sqrt(scale / n)
    assert np.abs(x).max() <= 2 * np.sqrt(scale / n) / .87962566103423978 + 1e-6


def test_variance_scaling_modes_and_errors():
    x = initializers.VarianceScaling(scale=4., mode='fan_out', distribution='uniform',
                                     seed=0)((100, 400))
    limit = np.sqrt(3. * 4. / 400)
    assert x.max() <= limit and x.max() > 0.95 * limit
    x = initializers.VarianceScaling(distribution='untruncated_normal', seed=0)(BIG)
    assert abs(x.std() - np.sqrt(1. / 300)) < 0.001
    with pytest.raises(ValueError, match='mode'):
        initializers.VarianceScaling(mode='fan_middle')
    with pytest.raises(ValueError, match='distribution'):
        initializers.VarianceScaling(distribution='cauchy')
    with pytest.raises(ValueError, match='scale'):
        initializers.VarianceScaling(scale=0)
    with pytest.raises(ValueError, match='fully known shape'):
        initializers.RandomNormal()((None, 3))


def test_orthogonal_and_identity():
    q = initializers.Orthogonal(gain=2., seed=3)((6, 4))
    np.testing.assert_allclose(q.T.dot(q), 4. * np.eye(4), atol=1e-5)
    q = initializers.Orthogonal(seed=3)((4, 6))
    np.testing.assert_allclose(q.dot(q.T), np.eye(4), atol=1e-5)
    q = initializers.Orthogonal(seed=3)((2, 3, 5))  # rows flattened: (6, 5)
    flat = q.reshape(6, 5)
    np.testing.assert_allclose(flat.T.dot(flat), np.eye(5), atol=1e-5)
    np.testing.assert_array_equal(initializers.Identity(gain=3.)((3, 3)), 3. * np.eye(3))
    np.testing.assert_array_equal(initializers.Identity()((2, 4)), np.eye(2, 4))
    with pytest.raises(ValueError, match='2D'):
        initializers.Identity()((3, 3, 3))


def test_seed_gives_bit_identical_arrays():
    for make in (lambda: initializers.glorot_uniform(seed=7),
                 lambda: initializers.he_normal(seed=7),
                 lambda: initializers.RandomNormal(seed=7),
                 lambda: initializers.TruncatedNormal(seed=7),
                 lambda: initializers.Orthogonal(seed=7)):
        a, b = make(), make()
        first_a, first_b = a((5, 6)), b((5, 6))
        assert first_a.tobytes() == first_b.tobytes()
        second_a = a((5, 6))  # the seed advances after each call (Keras 2.3)
        assert second_a.tobytes() == b((5, 6)).tobytes()
        assert second_a.tobytes() != first_a.tobytes()
    # seeds are plain numpy RandomState streams
    expected = np.random.RandomState(11).normal(0., 0.05, (3, 2)).astype(K.floatx())
    assert initializers.RandomNormal(seed=11)((3, 2)).tobytes() == expected.tobytes()


def test_unseeded_initializers_follow_numpy_global_seed():
    np.random.seed(123)
    a = [initializers.glorot_uniform()((4, 5)), initializers.RandomNormal()((3,))]
    np.random.seed(123)
    b = [initializers.glorot_uniform()((4, 5)), initializers.RandomNormal()((3,))]
    for x, y in zip(a, b):
        assert x.tobytes() == y.tobytes()
    c = initializers.glorot_uniform()((4, 5))
    assert c.tobytes() != a[0].tobytes()


def test_get_serialize_deserialize():
    init = initializers.get('glorot_uniform')
    assert isinstance(init, initializers.VarianceScaling)
    assert init.get_config() == {'scale': 1., 'mode': 'fan_avg', 'distribution': 'uniform',
                                 'seed': None}
    assert isinstance(initializers.get('zeros'), initializers.Zeros)
    assert isinstance(initializers.get('he_normal'), initializers.VarianceScaling)
    assert isinstance(initializers.get('Orthogonal'), initializers.Orthogonal)
    config = initializers.serialize(initializers.RandomUniform(-1., 2., seed=5))
    assert config == {'class_name': 'RandomUniform',
                      'config': {'minval': -1., 'maxval': 2., 'seed': 5}}
    clone = initializers.get(config)
    assert clone((3, 3)).tobytes() == initializers.RandomUniform(-1., 2., seed=5)((3, 3)).tobytes()
    clone = initializers.deserialize({'class_name': 'Constant', 'config': {'value': 3}})
    np.testing.assert_array_equal(clone((2,)), [3., 3.])

    def custom(shape, dtype=None):
        return np.full(shape, 9., dtype=dtype or K.floatx())
    assert initializers.get(custom) is custom
    with pytest.raises(ValueError, match='Unknown initializer'):
        initializers.get('glorot_magic')
    with pytest.raises(ValueError, match='Could not interpret'):
        initializers.get(1.5)
