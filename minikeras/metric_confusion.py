"""Keras 2.3's confusion-matrix metrics: TruePositives..., Precision, Recall, AUC,
SensitivityAtSpecificity, SpecificityAtSensitivity, MeanIoU. Counts accumulate over
batches (see ``metric_classes``); a prediction is positive when ``y_pred > threshold``,
a label when ``y_true != 0``."""
import numpy as np

import minikeras.backend as K
from minikeras.metric_classes import Metric, _div_no_nan, _tensor


def _flat_weights(y_pred, sample_weight):
    """Per-element weights (N, 1) for the flattened predictions."""
    ones = K.ones_like(y_pred)
    if sample_weight is None:
        return K.expand_dims(K.flatten(ones), -1)
    sw = _tensor(sample_weight, K.floatx())
    while K.ndim(sw) < K.ndim(y_pred):
        sw = K.expand_dims(sw, -1)
    return K.expand_dims(K.flatten(ones * sw), -1)


def confusion_counts(y_true, y_pred, thresholds, sample_weight=None, class_id=None):
    """{'tp', 'fp', 'tn', 'fn'}: weighted counts per threshold, tensors of shape (T,)."""
    y_true = _tensor(y_true, K.floatx())
    y_pred = _tensor(y_pred, K.floatx())
    if class_id is not None:
        n = K.int_shape(y_pred)[-1]
        pick = K.constant(np.eye(n, dtype=K.floatx())[class_id])
        y_true, y_pred = K.sum(y_true * pick, axis=-1), K.sum(y_pred * pick, axis=-1)
    w = _flat_weights(y_pred, sample_weight)
    label = K.cast(K.not_equal(K.expand_dims(K.flatten(y_true), -1), 0), K.floatx())
    thr = K.constant(np.asarray(thresholds, dtype=K.floatx()).reshape(1, -1))
    pred = K.cast(K.greater(K.expand_dims(K.flatten(y_pred), -1), thr), K.floatx())
    return {'tp': K.sum(label * pred * w, axis=0),
            'fp': K.sum((1. - label) * pred * w, axis=0),
            'fn': K.sum(label * (1. - pred) * w, axis=0),
            'tn': K.sum((1. - label) * (1. - pred) * w, axis=0)}


def _thresholds(thresholds, default=0.5):
    values = [default] if thresholds is None else \
        (list(thresholds) if isinstance(thresholds, (list, tuple)) else [thresholds])
    for t in values:
        if not 0. <= t <= 1.:
            raise ValueError('Threshold values must be in [0, 1]. Invalid values: %r'
                             % (values,))
    return values, not isinstance(thresholds, (list, tuple))


class _ConfusionMetric(Metric):
    """Accumulates the counts named in ``_kinds`` for ``thresholds``."""

    _kinds = ()

    def __init__(self, thresholds=None, name=None, dtype=None, class_id=None):
        super(_ConfusionMetric, self).__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds, self._scalar = _thresholds(thresholds)
        self.class_id = class_id
        for kind in self._kinds:
            setattr(self, kind, self.add_weight(kind, (len(self.thresholds),)))

    def update_state(self, y_true, y_pred, sample_weight=None):
        counts = confusion_counts(y_true, y_pred, self.thresholds, sample_weight,
                                  self.class_id)
        for kind in self._kinds:
            self.assign_add(getattr(self, kind), counts[kind])

    def _value(self, vector):
        return K.sum(vector) if self._scalar else vector

    def get_config(self):
        config = {'thresholds': self.init_thresholds}
        config.update(super(_ConfusionMetric, self).get_config())
        return config


def _count_class(class_name, kind):
    class Count(_ConfusionMetric):
        _kinds = (kind,)

        def __init__(self, thresholds=None, name=None, dtype=None):
            super(Count, self).__init__(thresholds, name=name, dtype=dtype)

        def result(self):
            return self._value(self.read(getattr(self, kind)))
    Count.__name__ = class_name
    Count.__doc__ = 'Weighted count of %s over all batches, per threshold.' % class_name
    return Count


TruePositives = _count_class('TruePositives', 'tp')
FalsePositives = _count_class('FalsePositives', 'fp')
TrueNegatives = _count_class('TrueNegatives', 'tn')
FalseNegatives = _count_class('FalseNegatives', 'fn')


class Precision(_ConfusionMetric):
    """tp / (tp + fp) over everything seen since the last reset."""
    _kinds = ('tp', 'fp')

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        if top_k is not None:
            raise NotImplementedError('%s(top_k=...) is not supported in minikeras; use '
                                      'thresholds or class_id' % type(self).__name__)
        super(Precision, self).__init__(thresholds, name=name, dtype=dtype, class_id=class_id)
        self.top_k = top_k

    def result(self):
        tp = self.read(self.tp)
        return self._value(_div_no_nan(tp, tp + self.read(self._kinds_other())))

    def _kinds_other(self):
        return self.fp

    def get_config(self):
        config = {'top_k': self.top_k, 'class_id': self.class_id}
        config.update(super(Precision, self).get_config())
        return config


class Recall(Precision):
    """tp / (tp + fn) over everything seen since the last reset."""
    _kinds = ('tp', 'fn')

    def _kinds_other(self):
        return self.fn


def _auc_thresholds(num_thresholds, thresholds=None, edge=None):
    if thresholds is not None:
        return [0. - K.epsilon()] + sorted(thresholds) + [1. + K.epsilon()]
    if num_thresholds <= 1:
        raise ValueError('`num_thresholds` must be > 1.')
    inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    low, high = (0. - K.epsilon(), 1. + K.epsilon()) if edge is None else edge
    return [low] + inner + [high]


class _CurveMetric(Metric):
    _kinds = ('tp', 'fp', 'tn', 'fn')

    def _make_counts(self, thresholds):
        self.thresholds = thresholds
        for kind in self._kinds:
            setattr(self, kind, self.add_weight(kind, (len(thresholds),)))

    def update_state(self, y_true, y_pred, sample_weight=None):
        counts = confusion_counts(y_true, y_pred, self.thresholds, sample_weight)
        for kind in self._kinds:
            self.assign_add(getattr(self, kind), counts[kind])

    def _counts(self):
        return [self.read(getattr(self, k)) for k in self._kinds]


def _head(x, n):
    return K.slice(x, [0], [n - 1])


def _tail(x, n):
    return K.slice(x, [1], [n - 1])


class AUC(_CurveMetric):
    """Area under the ROC or PR curve, approximated over ``num_thresholds`` thresholds
    (Keras 2.3: 'interpolation' trapezoids; 'minoring' / 'majoring' Riemann sums)."""

    def __init__(self, num_thresholds=200, curve='ROC', summation_method='interpolation',
                 name=None, dtype=None, thresholds=None):
        if curve not in ('ROC', 'PR'):
            raise ValueError('Invalid curve: "%s". Valid options are: "ROC", "PR"' % curve)
        if summation_method not in ('interpolation', 'minoring', 'majoring'):
            raise ValueError('Invalid AUC summation method value "%s". Valid options are '
                             '"interpolation", "minoring", "majoring"' % summation_method)
        super(AUC, self).__init__(name=name, dtype=dtype)
        self.num_thresholds = num_thresholds if thresholds is None else len(thresholds) + 2
        self.curve = curve
        self.summation_method = summation_method
        self._init_thresholds = thresholds
        self._make_counts(_auc_thresholds(num_thresholds, thresholds))

    def _pr_interpolation(self, tp, fp, fn):
        n = self.num_thresholds
        dtp = _head(tp, n) - _tail(tp, n)
        p = tp + fp
        dp = K.maximum(_head(p, n) - _tail(p, n), 0.)
        slope = _div_no_nan(dtp, dp)
        intercept = _tail(tp, n) - slope * _tail(p, n)
        both = K.cast(K.greater(_head(p, n), 0), K.floatx()) * \
            K.cast(K.greater(_tail(p, n), 0), K.floatx())
        ratio = both * _div_no_nan(_head(p, n), K.maximum(_tail(p, n), 0.)) + (1. - both)
        return K.sum(_div_no_nan(slope * (dtp + intercept * K.log(ratio)),
                                 K.maximum(_tail(tp, n) + _tail(fn, n), 0.)))

    def result(self):
        tp, fp, tn, fn = self._counts()
        n = self.num_thresholds
        if self.curve == 'PR' and self.summation_method == 'interpolation':
            return self._pr_interpolation(tp, fp, fn)
        recall = _div_no_nan(tp, tp + fn)
        if self.curve == 'ROC':
            x, y = _div_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, _div_no_nan(tp, tp + fp)
        if self.summation_method == 'interpolation':
            heights = (_head(y, n) + _tail(y, n)) / 2.
        elif self.summation_method == 'minoring':
            heights = K.minimum(_head(y, n), _tail(y, n))
        else:
            heights = K.maximum(_head(y, n), _tail(y, n))
        return K.sum((_head(x, n) - _tail(x, n)) * heights)

    def get_config(self):
        config = {'num_thresholds': self.num_thresholds, 'curve': self.curve,
                  'summation_method': self.summation_method,
                  'thresholds': self._init_thresholds}
        config.update(super(AUC, self).get_config())
        return config


class _AtRate(_CurveMetric):
    """The best rate of one kind at the threshold where the other kind is closest to
    ``value`` (Keras 2.3 SensitivityAtSpecificity / SpecificityAtSensitivity)."""

    _arg = None

    def __init__(self, value, num_thresholds=200, name=None, dtype=None):
        if not 0. <= value <= 1.:
            raise ValueError('`%s` must be in the range [0, 1].' % self._arg)
        if num_thresholds <= 0:
            raise ValueError('`num_thresholds` must be > 0.')
        super(_AtRate, self).__init__(name=name, dtype=dtype)
        self.value = value
        self.num_thresholds = num_thresholds
        thresholds = [(i + 1) * 1.0 / (num_thresholds - 1)
                      for i in range(num_thresholds - 2)] if num_thresholds > 1 else [0.5]
        self._make_counts([0.] + thresholds + [1.] if num_thresholds > 1 else thresholds)

    def _rates(self):
        tp, fp, tn, fn = self._counts()
        return _div_no_nan(tp, tp + fn), _div_no_nan(tn, tn + fp)

    def _pick(self, target, other):
        index = K.argmin(K.abs(target - self.value), axis=-1)
        return K.sum(other * K.one_hot(index, len(self.thresholds)))

    def get_config(self):
        config = {self._arg: self.value, 'num_thresholds': self.num_thresholds}
        config.update(super(_AtRate, self).get_config())
        return config


class SensitivityAtSpecificity(_AtRate):
    _arg = 'specificity'

    def __init__(self, specificity, num_thresholds=200, name=None, dtype=None):
        super(SensitivityAtSpecificity, self).__init__(specificity, num_thresholds, name,
                                                       dtype)

    def result(self):
        sensitivity, specificity = self._rates()
        return self._pick(specificity, sensitivity)


class SpecificityAtSensitivity(_AtRate):
    _arg = 'sensitivity'

    def __init__(self, sensitivity, num_thresholds=200, name=None, dtype=None):
        super(SpecificityAtSensitivity, self).__init__(sensitivity, num_thresholds, name,
                                                       dtype)

    def result(self):
        sensitivity, specificity = self._rates()
        return self._pick(sensitivity, specificity)


class MeanIoU(Metric):
    """Mean intersection-over-union of ``num_classes`` classes, from a confusion matrix
    of integer labels and integer predictions accumulated over batches."""

    def __init__(self, num_classes, name=None, dtype=None):
        super(MeanIoU, self).__init__(name=name, dtype=dtype)
        self.num_classes = int(num_classes)
        self.total_cm = self.add_weight('total_confusion_matrix',
                                        (self.num_classes, self.num_classes))

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = K.cast(K.flatten(_tensor(y_true, K.floatx())), 'int32')
        y_pred = K.cast(K.flatten(_tensor(y_pred, K.floatx())), 'int32')
        t = K.one_hot(y_true, self.num_classes)
        if sample_weight is not None:
            t = t * K.expand_dims(K.flatten(_tensor(sample_weight, K.floatx())), -1)
        p = K.one_hot(y_pred, self.num_classes)
        self.assign_add(self.total_cm, K.dot(K.transpose(t), p))

    def result(self):
        cm = self.read(self.total_cm)
        pred_totals, true_totals = K.sum(cm, axis=0), K.sum(cm, axis=1)
        diag = K.sum(cm * K.constant(np.eye(self.num_classes, dtype=K.floatx())), axis=1)
        denominator = pred_totals + true_totals - diag
        valid = K.sum(K.cast(K.not_equal(denominator, 0), K.floatx()))
        return _div_no_nan(K.sum(_div_no_nan(diag, denominator)), valid)

    def get_config(self):
        config = {'num_classes': self.num_classes}
        config.update(super(MeanIoU, self).get_config())
        return config
