"""Loss functions against NumPy formulas, computed through the engine's compiled
functions (so symbolic engines are exercised the way training uses them)."""
import numpy as np
import pytest

import minikeras.backend as K
from minikeras import losses

EPS = 1e-7


def run(fn, *arrays):
    arrays = [np.asarray(a) for a in arrays]
    specs = [(a.shape, a.dtype.name) for a in arrays]
    f = K.compiled_function(lambda *t: ([fn(*t)], []), specs)
    return np.asarray(f(*arrays)[0])


RNG = np.random.RandomState(42)
Y_TRUE = RNG.uniform(0.1, 2.0, (4, 5)).astype('float32')
Y_PRED = RNG.uniform(0.1, 2.0, (4, 5)).astype('float32')
PROBS_TRUE = np.eye(5, dtype='float32')[[0, 3, 1, 4]]
LOGITS = RNG.normal(size=(4, 5)).astype('float32')
PROBS = (np.exp(LOGITS) / np.exp(LOGITS).sum(-1, keepdims=True)).astype('float32')
BIN_TRUE = np.array([[0, 1, 1], [1, 0, 0]], dtype='float32')
BIN_PRED = np.array([[0.1, 0.8, 0.6], [0.7, 0.4, 0.05]], dtype='float32')


def np_softplus(x):
    return np.log1p(np.exp(x))


REGRESSION = [
    ('mean_squared_error', lambda t, p: np.mean((p - t) ** 2, -1)),
    ('mean_absolute_error', lambda t, p: np.mean(np.abs(p - t), -1)),
    ('mean_absolute_percentage_error',
     lambda t, p: 100. * np.mean(np.abs((t - p) / np.maximum(np.abs(t), EPS)), -1)),
    ('mean_squared_logarithmic_error',
     lambda t, p: np.mean((np.log(np.maximum(p, EPS) + 1) - np.log(np.maximum(t, EPS) + 1)) ** 2,
                          -1)),
    ('logcosh', lambda t, p: np.mean(np.log(np.cosh(p - t)), -1)),
    ('poisson', lambda t, p: np.mean(p - t * np.log(p + EPS), -1)),
    ('kullback_leibler_divergence',
     lambda t, p: np.sum(np.clip(t, EPS, 1) * np.log(np.clip(t, EPS, 1) / np.clip(p, EPS, 1)),
                         -1)),
    ('cosine_proximity',
     lambda t, p: -np.sum(t / np.linalg.norm(t, axis=-1, keepdims=True) *
                          p / np.linalg.norm(p, axis=-1, keepdims=True), -1)),
]


@pytest.mark.parametrize('name,reference', REGRESSION, ids=[r[0] for r in REGRESSION])
def test_regression_losses(name, reference):
    fn = getattr(losses, name)
    got = run(fn, Y_TRUE, Y_PRED)
    assert got.shape == (4,)
    np.testing.assert_allclose(got, reference(Y_TRUE.astype('float64'),
                                              Y_PRED.astype('float64')), rtol=1e-4, atol=1e-6)


def test_huber_delta_and_large_errors():
    t = np.zeros((2, 2), 'float32')
    p = np.array([[0.5, 3.0], [-2.0, 0.1]], 'float32')
    delta = 2.0
    err = np.abs(p - t)
    # element-wise, as Keras 2.3.1's huber_loss (the Huber class and compile average)
    expected = np.where(err <= delta, 0.5 * err ** 2, delta * err - 0.5 * delta ** 2)
    np.testing.assert_allclose(run(lambda a, b: losses.huber_loss(a, b, delta=delta), t, p),
                               expected, rtol=1e-5)
    np.testing.assert_allclose(run(losses.Huber(delta=delta), t, p), expected.mean(), rtol=1e-5)


def test_logcosh_is_stable_for_large_errors():
    t = np.zeros((1, 2), 'float32')
    p = np.array([[100.0, -100.0]], 'float32')
    np.testing.assert_allclose(run(losses.logcosh, t, p), [100.0 - np.log(2.)], rtol=1e-5)


def test_hinge_losses_convert_binary_labels():
    pred = np.array([[0.3, -0.8, 1.5], [-0.2, 0.4, 0.9]], 'float32')
    labels01 = np.array([[1, 0, 1], [0, 1, 0]], 'float32')
    labels_pm = 2 * labels01 - 1
    expected = np.mean(np.maximum(1 - labels_pm * pred, 0), -1)
    np.testing.assert_allclose(run(losses.hinge, labels01, pred), expected, rtol=1e-5)
    np.testing.assert_allclose(run(losses.hinge, labels_pm, pred), expected, rtol=1e-5)
    np.testing.assert_allclose(run(losses.squared_hinge, labels01, pred),
                               np.mean(np.maximum(1 - labels_pm * pred, 0) ** 2, -1), rtol=1e-5)


def test_categorical_hinge():
    pos = np.sum(PROBS_TRUE * LOGITS, -1)
    neg = np.max((1 - PROBS_TRUE) * LOGITS, -1)
    np.testing.assert_allclose(run(losses.categorical_hinge, PROBS_TRUE, LOGITS),
                               np.maximum(0, neg - pos + 1), rtol=1e-5, atol=1e-6)


def test_categorical_crossentropy():
    expected = -np.sum(PROBS_TRUE * np.log(PROBS), -1)
    np.testing.assert_allclose(run(losses.categorical_crossentropy, PROBS_TRUE, PROBS),
                               expected, rtol=1e-4)
    np.testing.assert_allclose(
        run(lambda t, p: losses.categorical_crossentropy(t, p, from_logits=True),
            PROBS_TRUE, LOGITS), expected, rtol=1e-4)
    smooth = PROBS_TRUE * 0.8 + 0.2 / 5
    np.testing.assert_allclose(
        run(lambda t, p: losses.categorical_crossentropy(t, p, label_smoothing=0.2),
            PROBS_TRUE, PROBS), -np.sum(smooth * np.log(PROBS), -1), rtol=1e-4)


def test_sparse_categorical_crossentropy():
    labels = np.array([0, 3, 1, 4], dtype='int32')
    expected = -np.log(PROBS[np.arange(4), labels])
    np.testing.assert_allclose(run(losses.sparse_categorical_crossentropy, labels, PROBS),
                               expected, rtol=1e-4)
    np.testing.assert_allclose(
        run(lambda t, p: losses.sparse_categorical_crossentropy(t, p, from_logits=True),
            labels.astype('float32').reshape(4, 1), LOGITS), expected, rtol=1e-4)


def test_binary_crossentropy():
    p = np.clip(BIN_PRED, EPS, 1 - EPS)
    expected = np.mean(-(BIN_TRUE * np.log(p) + (1 - BIN_TRUE) * np.log(1 - p)), -1)
    np.testing.assert_allclose(run(losses.binary_crossentropy, BIN_TRUE, BIN_PRED), expected,
                               rtol=1e-4)
    logits = np.log(BIN_PRED / (1 - BIN_PRED))
    np.testing.assert_allclose(
        run(lambda t, q: losses.binary_crossentropy(t, q, from_logits=True), BIN_TRUE,
            logits.astype('float32')), expected, rtol=1e-4)
    smooth = BIN_TRUE * 0.9 + 0.05
    np.testing.assert_allclose(
        run(lambda t, q: losses.binary_crossentropy(t, q, label_smoothing=0.1), BIN_TRUE,
            BIN_PRED),
        np.mean(-(smooth * np.log(p) + (1 - smooth) * np.log(1 - p)), -1), rtol=1e-4)


def test_aliases():
    assert losses.mse is losses.MSE is losses.mean_squared_error
    assert losses.mae is losses.mean_absolute_error
    assert losses.mape is losses.mean_absolute_percentage_error
    assert losses.msle is losses.mean_squared_logarithmic_error
    assert losses.kld is losses.kullback_leibler_divergence
    assert losses.cosine is losses.cosine_proximity


def test_loss_classes_reduce_and_weight():
    per_sample = np.mean((Y_PRED - Y_TRUE) ** 2, -1)
    mse = losses.MeanSquaredError()
    np.testing.assert_allclose(run(mse, Y_TRUE, Y_PRED), per_sample.mean(), rtol=1e-5)
    np.testing.assert_allclose(run(mse.call, Y_TRUE, Y_PRED), per_sample, rtol=1e-5)
    np.testing.assert_allclose(run(losses.MeanSquaredError(reduction='sum'), Y_TRUE, Y_PRED),
                               per_sample.sum(), rtol=1e-5)
    np.testing.assert_allclose(run(losses.MeanSquaredError(reduction='none'), Y_TRUE, Y_PRED),
                               per_sample, rtol=1e-5)
    w = np.array([1., 0., 2., 0.5], 'float32')
    np.testing.assert_allclose(run(lambda t, p, sw: mse(t, p, sample_weight=sw),
                                   Y_TRUE, Y_PRED, w), (per_sample * w).mean(), rtol=1e-5)
    cce = losses.CategoricalCrossentropy(from_logits=True)
    np.testing.assert_allclose(run(cce, PROBS_TRUE, LOGITS),
                               np.mean(-np.sum(PROBS_TRUE * np.log(PROBS), -1)), rtol=1e-4)
    fn = losses.per_sample(cce)
    assert fn.__name__ == 'categorical_crossentropy' and fn.loss is cce
    np.testing.assert_allclose(run(fn, PROBS_TRUE, LOGITS),
                               -np.sum(PROBS_TRUE * np.log(PROBS), -1), rtol=1e-4)
    assert losses.per_sample('mse') is losses.mean_squared_error
    with pytest.raises(ValueError, match='reduction'):
        losses.MeanSquaredError(reduction='average')
    with pytest.raises(TypeError, match='unexpected'):
        losses.MeanSquaredError(from_logits=True)


def test_get_serialize_deserialize():
    assert losses.get('mse') is losses.mean_squared_error
    assert losses.get('categorical_crossentropy') is losses.categorical_crossentropy
    assert losses.get(None) is None
    assert losses.get(losses.hinge) is losses.hinge
    assert losses.serialize(losses.poisson) == 'poisson'
    assert losses.deserialize('kld') is losses.kullback_leibler_divergence
    huber = losses.Huber(delta=2.5, reduction='sum', name='h')
    config = losses.serialize(huber)
    assert config == {'class_name': 'Huber',
                      'config': {'delta': 2.5, 'reduction': 'sum', 'name': 'h'}}
    clone = losses.get(config)
    assert isinstance(clone, losses.Huber) and clone.get_config() == huber.get_config()
    clone = losses.deserialize({'class_name': 'BinaryCrossentropy',
                                'config': {'from_logits': True}})
    assert clone.get_config()['from_logits'] is True
    with pytest.raises(ValueError, match='Unknown loss function'):
        losses.get('not_a_loss')
    with pytest.raises(ValueError, match='Could not interpret'):
        losses.get(3)
