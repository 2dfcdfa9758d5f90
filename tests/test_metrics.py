"""Metrics against NumPy formulas, computed through the engine's compiled functions."""
import numpy as np
import pytest

import minikeras.backend as K
from minikeras import losses, metrics


def run(fn, *arrays):
    arrays = [np.asarray(a) for a in arrays]
    specs = [(a.shape, a.dtype.name) for a in arrays]
    f = K.compiled_function(lambda *t: ([fn(*t)], []), specs)
    return np.asarray(f(*arrays)[0])


def test_binary_accuracy():
    y_true = np.array([[1, 0, 1, 1], [0, 0, 1, 0]], 'float32')
    y_pred = np.array([[0.9, 0.2, 0.4, 0.6], [0.1, 0.7, 0.8, 0.3]], 'float32')
    got = run(metrics.binary_accuracy, y_true, y_pred)
    np.testing.assert_allclose(got, [0.75, 0.75])
    got = run(lambda t, p: metrics.binary_accuracy(t, p, threshold=0.35), y_true, y_pred)
    np.testing.assert_allclose(got, np.mean(y_true == (y_pred > 0.35), -1))


def test_categorical_accuracy():
    y_true = np.eye(4, dtype='float32')[[0, 1, 2, 3, 1]]
    y_pred = np.array([[0.7, 0.1, 0.1, 0.1],
                       [0.5, 0.3, 0.1, 0.1],
                       [0.1, 0.1, 0.6, 0.2],
                       [0.1, 0.2, 0.3, 0.4],
                       [0.2, 0.2, 0.5, 0.1]], 'float32')
    got = run(metrics.categorical_accuracy, y_true, y_pred)
    np.testing.assert_allclose(got, [1, 0, 1, 1, 0])
    assert got.dtype == np.dtype(K.floatx())


def test_sparse_categorical_accuracy_both_label_shapes():
    y_pred = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3]], 'float32')
    labels = np.array([0, 1, 1], 'float32')
    np.testing.assert_allclose(run(metrics.sparse_categorical_accuracy, labels, y_pred),
                               [1, 0, 1])
    np.testing.assert_allclose(run(metrics.sparse_categorical_accuracy,
                                   labels.reshape(3, 1), y_pred), [1, 0, 1])
    np.testing.assert_allclose(run(metrics.sparse_categorical_accuracy,
                                   labels.astype('int32'), y_pred), [1, 0, 1])


def _np_in_top_k(pred, labels, k):
    order = np.argsort(-pred, axis=-1)[:, :k]
    return np.array([labels[i] in order[i] for i in range(len(labels))], 'float32')


def test_top_k_accuracies():
    rng = np.random.RandomState(3)
    y_pred = rng.uniform(size=(8, 10)).astype('float32')
    labels = rng.randint(0, 10, size=8)
    one_hot = np.eye(10, dtype='float32')[labels]
    for k in (1, 3, 5):
        expected = _np_in_top_k(y_pred, labels, k)
        np.testing.assert_allclose(
            run(lambda t, p: metrics.top_k_categorical_accuracy(t, p, k=k), one_hot, y_pred),
            expected)
        np.testing.assert_allclose(
            run(lambda t, p: metrics.sparse_top_k_categorical_accuracy(t, p, k=k),
                labels.astype('float32').reshape(8, 1), y_pred), expected)
    # default k=5
    np.testing.assert_allclose(run(metrics.top_k_categorical_accuracy, one_hot, y_pred),
                               _np_in_top_k(y_pred, labels, 5))


def test_losses_as_metrics():
    rng = np.random.RandomState(0)
    t = rng.uniform(size=(3, 4)).astype('float32')
    p = rng.uniform(size=(3, 4)).astype('float32')
    np.testing.assert_allclose(run(metrics.mse, t, p), np.mean((t - p) ** 2, -1), rtol=1e-5)
    np.testing.assert_allclose(run(metrics.mae, t, p), np.mean(np.abs(t - p), -1), rtol=1e-5)
    assert metrics.mean_squared_error is losses.mean_squared_error
    # Keras 2.3.1: the metric is the cosine similarity, the loss its negative
    assert metrics.cosine is metrics.cosine_similarity is metrics.cosine_proximity
    np.testing.assert_allclose(run(metrics.cosine_proximity, t, p),
                               -run(losses.cosine_proximity, t, p), rtol=1e-6)
    assert (run(metrics.cosine_proximity, t, p) > 0).all()


def test_get():
    assert metrics.get('categorical_accuracy') is metrics.categorical_accuracy
    assert metrics.get('sparse_top_k_categorical_accuracy') is \
        metrics.sparse_top_k_categorical_accuracy
    assert metrics.get('mse') is losses.mean_squared_error
    assert metrics.get('binary_crossentropy') is losses.binary_crossentropy
    assert metrics.get('acc') is metrics.accuracy

    def custom(y_true, y_pred):
        return y_pred
    assert metrics.get(custom) is custom
    assert metrics.serialize(metrics.binary_accuracy) == 'binary_accuracy'
    with pytest.raises(ValueError, match='Unknown metric function'):
        metrics.get('nope')
    with pytest.raises(ValueError, match='Could not interpret'):
        metrics.get(5)
