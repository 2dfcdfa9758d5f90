"""Regularizer penalties and constraint projections against NumPy, through the engine."""
import numpy as np
import pytest

import minikeras.backend as K
from minikeras import constraints, regularizers


def run(fn, *arrays):
    arrays = [np.asarray(a) for a in arrays]
    specs = [(a.shape, a.dtype.name) for a in arrays]
    f = K.compiled_function(lambda *t: ([fn(*t)], []), specs)
    return np.asarray(f(*arrays)[0])


W = np.array([[0.5, -1.5, 2.0], [-0.25, 3.0, -0.1]], dtype='float32')


def test_l1_l2_penalties():
    np.testing.assert_allclose(run(regularizers.l1(0.1), W), 0.1 * np.abs(W).sum(), rtol=1e-5)
    np.testing.assert_allclose(run(regularizers.l2(0.2), W), 0.2 * (W ** 2).sum(), rtol=1e-5)
    np.testing.assert_allclose(run(regularizers.l1_l2(l1=0.1, l2=0.2), W),
                               0.1 * np.abs(W).sum() + 0.2 * (W ** 2).sum(), rtol=1e-5)
    np.testing.assert_allclose(run(regularizers.L1L2(), W), 0.0)
    assert regularizers.l1().l1 == 0.01 and regularizers.l2().l2 == 0.01


def test_regularizer_on_variable_inside_compiled_function():
    v = K.variable(W)
    reg = regularizers.l2(0.5)
    f = K.compiled_function(lambda x: ([reg(v) + K.sum(x)], []), [((1,), 'float32')])
    np.testing.assert_allclose(f(np.zeros(1, 'float32'))[0], 0.5 * (W ** 2).sum(), rtol=1e-5)


def test_regularizer_get_serialize():
    reg = regularizers.get('l1_l2')
    assert isinstance(reg, regularizers.L1L2) and reg.get_config() == {'l1': 0.01, 'l2': 0.01}
    assert regularizers.get(None) is None
    config = regularizers.serialize(regularizers.L1L2(l1=0.3))
    assert config == {'class_name': 'L1L2', 'config': {'l1': 0.3, 'l2': 0.0}}
    assert regularizers.deserialize(config).get_config() == {'l1': 0.3, 'l2': 0.0}
    with pytest.raises(ValueError, match='Unknown regularizer'):
        regularizers.get('l3')
    with pytest.raises(ValueError, match='l2'):
        regularizers.L1L2(l2=-1.)


def _norms(w, axis):
    return np.sqrt(np.sum(w ** 2, axis=axis, keepdims=True))


def test_max_norm():
    eps = K.epsilon()
    got = run(constraints.MaxNorm(max_value=2., axis=0), W)
    n = _norms(W, 0)
    np.testing.assert_allclose(got, W * np.clip(n, 0, 2.) / (eps + n), rtol=1e-5)
    assert np.all(_norms(got, 0) <= 2. + 1e-5)
    conv = np.random.RandomState(0).normal(size=(3, 3, 2, 4)).astype('float32')
    got = run(constraints.max_norm(1.0, axis=[0, 1, 2]), conv)
    np.testing.assert_allclose(_norms(got, (0, 1, 2)).ravel(), np.ones(4), rtol=1e-4)


def test_non_neg_unit_norm_min_max_norm():
    np.testing.assert_array_equal(run(constraints.NonNeg(), W), np.maximum(W, 0))
    got = run(constraints.UnitNorm(axis=1), W)
    np.testing.assert_allclose(_norms(got, 1).ravel(), [1, 1], rtol=1e-5)
    eps = K.epsilon()
    c = constraints.MinMaxNorm(min_value=1.0, max_value=2.0, rate=0.5, axis=0)
    n = _norms(W, 0)
    desired = 0.5 * np.clip(n, 1.0, 2.0) + 0.5 * n
    np.testing.assert_allclose(run(c, W), W * desired / (eps + n), rtol=1e-5)
    with pytest.raises(ValueError, match='min_value'):
        constraints.MinMaxNorm(min_value=3, max_value=1)


def test_constraint_get_serialize():
    assert constraints.max_norm is constraints.MaxNorm
    assert constraints.nonneg is constraints.NonNeg
    assert constraints.unitnorm is constraints.UnitNorm
    c = constraints.get('max_norm')
    assert isinstance(c, constraints.MaxNorm) and c.get_config() == {'max_value': 2, 'axis': 0}
    assert isinstance(constraints.get('non_neg'), constraints.NonNeg)
    assert constraints.get(None) is None
    config = constraints.serialize(constraints.MinMaxNorm(0.5, 1.5, 0.9, axis=1))
    assert config == {'class_name': 'MinMaxNorm',
                      'config': {'min_value': 0.5, 'max_value': 1.5, 'rate': 0.9, 'axis': 1}}
    assert constraints.get(config).get_config() == config['config']
    with pytest.raises(ValueError, match='Unknown constraint'):
        constraints.get('positive')
