"""Keras 2.3's stateful metric classes: values accumulate across batches until
reset_states(), standalone and inside compile(metrics=[...])."""
import numpy as np
import pytest

import minikeras.backend as K
from minikeras import layers, metrics
from minikeras.models import Sequential

Y = np.array([0, 0, 1, 1, 0, 1, 1, 0], 'float32')
P = np.array([0.1, 0.6, 0.35, 0.8, 0.2, 0.9, 0.4, 0.7], 'float32')


def _feed(metric, y, p, chunks=2, sample_weight=None):
    metric.reset_states()
    for idx in np.array_split(np.arange(len(y)), chunks):
        sw = None if sample_weight is None else sample_weight[idx]
        metric.update_state(y[idx], p[idx], sample_weight=sw)
    return K.eval(metric.result())


def test_mean_and_sum_accumulate_and_reset():
    m = metrics.Mean()
    m.update_state([1., 2.])
    m.update_state([3.], sample_weight=[2.])
    assert K.eval(m.result()) == pytest.approx((1 + 2 + 6) / 4.)
    m.reset_states()
    assert K.eval(m.result()) == 0.
    s = metrics.Sum()
    s.update_state([1., 2.])
    s.update_state([4.])
    assert K.eval(s.result()) == pytest.approx(7.)


def test_confusion_counts_precision_recall():
    tp = int(((P > 0.5) & (Y == 1)).sum())
    fp = int(((P > 0.5) & (Y == 0)).sum())
    fn = int(((P <= 0.5) & (Y == 1)).sum())
    assert _feed(metrics.TruePositives(), Y, P) == tp
    assert _feed(metrics.FalsePositives(), Y, P) == fp
    assert _feed(metrics.FalseNegatives(), Y, P) == fn
    assert _feed(metrics.TrueNegatives(), Y, P) == len(Y) - tp - fp - fn
    assert _feed(metrics.Precision(), Y, P) == pytest.approx(tp / float(tp + fp))
    assert _feed(metrics.Recall(), Y, P) == pytest.approx(tp / float(tp + fn))
    np.testing.assert_allclose(_feed(metrics.Precision(thresholds=[0.3, 0.75]), Y, P),
                               [4 / 6., 1.], rtol=1e-6)


def test_auc_matches_the_pairwise_definition():
    pos, neg = P[Y == 1], P[Y == 0]
    exact = np.mean([float(p > n) for p in pos for n in neg])
    assert _feed(metrics.AUC(num_thresholds=1000), Y, P, chunks=3) == \
        pytest.approx(exact, abs=1e-3)
    pr = _feed(metrics.AUC(curve='PR', num_thresholds=200), Y, P)
    assert 0.5 < pr < 1.
    with pytest.raises(ValueError, match='Invalid curve'):
        metrics.AUC(curve='XY')


def test_wrappers_running_mean_and_configs():
    acc = metrics.BinaryAccuracy()
    assert _feed(acc, Y, P, chunks=4) == pytest.approx(np.mean((P > 0.5) == Y))
    assert acc.get_config()['threshold'] == 0.5 and acc.name.startswith('binary_accuracy')
    mse = metrics.MeanSquaredError()   # (batch, 1): one value per sample, as in Keras
    y2, p2 = Y[:, None], P[:, None]
    assert _feed(mse, y2, p2, 3) == pytest.approx(np.mean((Y - P) ** 2), rel=1e-5)
    rmse = metrics.RootMeanSquaredError()
    assert _feed(rmse, Y, P, 3) == pytest.approx(np.sqrt(np.mean((Y - P) ** 2)), rel=1e-5)
    cat = metrics.CategoricalAccuracy()
    cat.update_state([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]])
    assert K.eval(cat.result()) == pytest.approx(0.5)
    clone = metrics.clone_metric(metrics.AUC(num_thresholds=7, name='auc_x'))
    assert clone.num_thresholds == 7 and clone.name == 'auc_x'
    assert isinstance(metrics.deserialize(metrics.serialize(metrics.Recall())), metrics.Recall)


def test_mean_iou():
    m = metrics.MeanIoU(num_classes=2)
    m.update_state([0, 0], [0, 1])
    m.update_state([1, 1], [1, 1])
    # class 0: tp 1, fp 0, fn 1 -> 1/2 ; class 1: tp 2, fp 1, fn 0 -> 2/3
    assert K.eval(m.result()) == pytest.approx((0.5 + 2 / 3.) / 2)


def test_metric_objects_in_compile_are_stateful_across_batches():
    np.random.seed(3)
    x = np.random.rand(40, 3).astype('float32')
    y = (x.sum(1) > 1.5).astype('float32').reshape(-1, 1)
    model = Sequential([layers.Dense(1, activation='sigmoid', input_shape=(3,))])
    auc, prec = metrics.AUC(num_thresholds=300, name='auc'), metrics.Precision(name='prec')
    model.compile('sgd', 'binary_crossentropy', metrics=['accuracy', auc, prec])
    assert model.metrics_names == ['loss', 'accuracy', 'auc', 'prec']
    # Keras 2.3.1: every metric (a function too) is a running value over the epoch
    assert model.stateful_metric_names == ['accuracy', 'auc', 'prec']
    loss, accuracy, auc_value, prec_value = model.evaluate(x, y, batch_size=7, verbose=0)
    p = model.predict(x)[:, 0]
    pos, neg = p[y[:, 0] == 1], p[y[:, 0] == 0]
    exact = np.mean([float(a > b) for a in pos for b in neg])
    assert auc_value == pytest.approx(exact, abs=0.01)     # over all 40, not batch means
    hits = (p > 0.5)
    if hits.any():
        assert prec_value == pytest.approx(y[hits, 0].mean(), abs=1e-5)
    hist = model.fit(x, y, batch_size=7, epochs=2, verbose=0, validation_data=(x, y))
    assert set(['auc', 'prec', 'val_auc', 'val_prec']) <= set(hist.history)
    model.reset_metrics()
    assert K.eval(auc.tp).sum() == 0


def test_function_metrics_and_output_losses_run_over_the_epoch():
    # Keras 2.3.1 wraps metric functions in MeanMetricWrapper and reports each output's
    # loss as a Mean: train_on_batch after evaluate continues evaluate's running values
    from minikeras.layers import Input
    from minikeras.models import Model
    inp = Input((2,))
    a = layers.Dense(1, name='a', kernel_initializer='ones')(inp)
    b = layers.Dense(1, name='b', kernel_initializer='zeros')(inp)
    model = Model(inp, [a, b])
    model.compile('sgd', 'mse', metrics=['mae'])
    assert model.metrics_names == ['loss', 'a_loss', 'b_loss', 'a_mae', 'b_mae']
    x = np.array([[1., 0.], [0., 2.], [1., 1.]], 'float32')
    ya, yb = np.zeros((3, 1), 'float32'), np.ones((3, 1), 'float32')
    # batches of 2 and 1: the running means weigh each batch's loss once (a_loss) and
    # each sample once (a_mae), as Keras 2.3.1's Mean and MeanMetricWrapper do
    loss, a_loss, b_loss, a_mae, b_mae = model.evaluate(x, [ya, yb], batch_size=2, verbose=0)
    assert a_loss == pytest.approx(((1 + 4) / 2. + 4) / 2, rel=1e-5)
    assert a_mae == pytest.approx((1 + 2 + 2) / 3., rel=1e-5)
    assert loss == pytest.approx((2 * (2.5 + 1) + 1 * (4 + 1)) / 3., rel=1e-5)
    out = model.test_on_batch(x[:1], [ya[:1], yb[:1]])
    assert out[3] == pytest.approx((1 + 2 + 2 + 1) / 4., rel=1e-5)   # continues evaluate's
    out = model.test_on_batch(x[:1], [ya[:1], yb[:1]])
    assert out[3] == pytest.approx(1., rel=1e-5)                     # reset after a batch


def test_custom_metric_with_metrics_utils():
    from minikeras.utils import metrics_utils

    class PositivesAt(metrics.Metric):          # written as a Keras 2.3.1 user would
        def __init__(self, name='pos_at', **kwargs):
            super(PositivesAt, self).__init__(name=name, **kwargs)
            self.tp = self.add_weight('tp', shape=(2,))

        def update_state(self, y_true, y_pred, sample_weight=None):
            return metrics_utils.update_confusion_matrix_variables(
                {metrics_utils.ConfusionMatrix.TRUE_POSITIVES: self.tp}, y_true, y_pred,
                thresholds=[0.3, 0.75], sample_weight=sample_weight)

        def result(self):
            return self.tp

    m = PositivesAt()
    np.testing.assert_allclose(_feed(m, Y, P), [4., 2.])
    with pytest.raises(ValueError, match=r'Threshold values must be in \[0, 1\]'):
        metrics_utils.parse_init_thresholds([0.5, 2.])


def test_sensitivity_specificity_at():
    y, p = np.array([0, 0, 1, 1.]), np.array([0.1, 0.6, 0.4, 0.9])
    # Keras 2.3.1: the first threshold whose specificity (sensitivity) is closest to the
    # target gives the other rate
    assert _feed(metrics.SensitivityAtSpecificity(0.5, num_thresholds=50), y, p) == 1.
    assert _feed(metrics.SpecificityAtSensitivity(0.5, num_thresholds=50), y, p) == 0.5
