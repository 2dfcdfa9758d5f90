"""Metrics (Keras 2 ``keras.metrics``): functions ``(y_true, y_pred) -> per-sample values``
written with backend ops; the training loop averages them over samples.

The strings 'accuracy'/'acc' (and 'crossentropy'/'ce') are resolved by the training
engine from the loss, as in Keras 2 (binary, categorical or sparse accuracy);
``metrics.get('accuracy')`` returns Keras 2.3's plain ``accuracy`` (element equality).
"""
import minikeras.backend as K
from minikeras import losses
from minikeras.losses import (  # noqa: F401  (losses usable as metrics)
    KLD, MAE, MAPE, MSE, MSLE, binary_crossentropy, categorical_crossentropy,
    categorical_hinge, hinge, huber_loss, kld,
    kullback_leibler_divergence, logcosh, mae, mape, mean_absolute_error,
    mean_absolute_percentage_error, mean_squared_error, mean_squared_logarithmic_error, mse,
    msle, poisson, sparse_categorical_crossentropy, squared_hinge)
from minikeras.utils.generic_utils import ObjectLookup


def _floatx(x):
    return K.cast(x, K.floatx())


def accuracy(y_true, y_pred):
    """Element-wise equality of ``y_true`` and ``y_pred`` (Keras 2.3 ``accuracy``)."""
    if K.dtype(y_true) != K.dtype(y_pred):
        y_pred = K.cast(y_pred, K.dtype(y_true))
    return _floatx(K.equal(y_true, y_pred))


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Mean over the last axis of ``y_true == (y_pred > threshold)``."""
    y_pred_dtype = K.dtype(y_pred)
    if threshold != 0.5:
        y_pred = K.cast(K.greater(y_pred, threshold), y_pred_dtype)
    else:
        y_pred = K.round(y_pred)
    y_true = K.cast(y_true, y_pred_dtype)
    return K.mean(_floatx(K.equal(y_true, y_pred)), axis=-1)


def categorical_accuracy(y_true, y_pred):
    """Whether the arg-max class of ``y_pred`` is the one-hot class of ``y_true``."""
    return _floatx(K.equal(K.argmax(y_true, axis=-1), K.argmax(y_pred, axis=-1)))


def sparse_categorical_accuracy(y_true, y_pred):
    """Whether the arg-max class of ``y_pred`` equals the integer ``y_true`` (shape
    (batch,) or (batch, 1))."""
    if K.ndim(y_true) == K.ndim(y_pred):
        y_true = K.squeeze(y_true, -1)
    y_pred_labels = _floatx(K.argmax(y_pred, axis=-1))
    return _floatx(K.equal(_floatx(y_true), y_pred_labels))


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """Whether the one-hot class of ``y_true`` is among the ``k`` top classes."""
    return _floatx(K.in_top_k(y_pred, K.cast(K.argmax(y_true, axis=-1), 'int32'), k))


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """Whether the integer class ``y_true`` is among the ``k`` top classes."""
    return _floatx(K.in_top_k(y_pred, K.cast(K.flatten(y_true), 'int32'), k))


def cosine_proximity(y_true, y_pred, axis=-1):
    """The cosine similarity along ``axis`` (1 is best; the loss of this name is its
    negative), as Keras 2.3.1's metric."""
    return -losses.cosine_proximity(y_true, y_pred, axis=axis)


cosine = cosine_similarity = cosine_proximity
acc = ACC = accuracy
bce = BCE = binary_crossentropy
cce = CCE = categorical_crossentropy
scce = SCCE = sparse_categorical_crossentropy

_OBJECTS = {}
for _fn in (accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
            top_k_categorical_accuracy, sparse_top_k_categorical_accuracy,
            mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
            mean_squared_logarithmic_error, squared_hinge, hinge, categorical_hinge, logcosh,
            huber_loss, categorical_crossentropy, sparse_categorical_crossentropy,
            binary_crossentropy, kullback_leibler_divergence, poisson, cosine_proximity):
    _OBJECTS[_fn.__name__] = _fn
del _fn
_OBJECTS.update({'mse': mse, 'MSE': MSE, 'mae': mae, 'MAE': MAE, 'mape': mape, 'MAPE': MAPE,
                 'msle': msle, 'MSLE': MSLE, 'kld': kld, 'KLD': KLD, 'cosine': cosine,
                 'cosine_similarity': cosine_similarity, 'acc': acc, 'ACC': ACC,
                 'bce': bce, 'BCE': BCE, 'cce': cce, 'CCE': CCE, 'scce': scce,
                 'SCCE': SCCE})


# --- Keras 2.3 stateful metric classes (metric_classes.py, metric_confusion.py) ---------
from minikeras.metric_classes import (  # noqa: E402,F401
    Mean, MeanMetricWrapper, Metric, Reduce, RootMeanSquaredError, Sum, _build_wrappers)
from minikeras.metric_confusion import (  # noqa: E402,F401
    AUC, FalseNegatives, FalsePositives, MeanIoU, Precision, Recall,
    SensitivityAtSpecificity, SpecificityAtSensitivity, TrueNegatives, TruePositives)

_WRAPPERS = _build_wrappers(_OBJECTS)
globals().update(_WRAPPERS)
_OBJECTS.update(_WRAPPERS)
_OBJECTS.update(dict((c.__name__, c) for c in (
    Mean, MeanMetricWrapper, Metric, RootMeanSquaredError, Sum, AUC, FalseNegatives,
    FalsePositives, MeanIoU, Precision, Recall, SensitivityAtSpecificity,
    SpecificityAtSensitivity, TrueNegatives, TruePositives)))


def clone_metric(metric):
    """A fresh copy (same config, new state) of a Metric object; other metrics as they
    are (Keras 2.3.1)."""
    if isinstance(metric, Metric):
        return metric.__class__.from_config(metric.get_config())
    return metric


def clone_metrics(metrics):
    """``clone_metric`` over a list or the values of a dict (None stays None)."""
    if metrics is None:
        return None
    if isinstance(metrics, dict):
        return dict((key, clone_metric(value)) for key, value in metrics.items())
    return [clone_metric(metric) for metric in metrics]


serialize, deserialize, get = ObjectLookup(
    _OBJECTS, 'metric function',
    expected=' (expected a name such as "categorical_accuracy" or a callable)').functions()
