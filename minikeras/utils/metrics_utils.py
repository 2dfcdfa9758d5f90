"""Keras 2.3.1 ``keras.utils.metrics_utils``: helpers for writing Metric classes."""
import functools

from minikeras.metric_classes import assign_state, read_state
from minikeras.metric_confusion import confusion_counts
from minikeras.utils.generic_utils import to_list as _to_list


class Reduction(object):
    """How a ``Reduce`` metric combines values."""
    SUM = 'sum'
    SUM_OVER_BATCH_SIZE = 'sum_over_batch_size'
    WEIGHTED_MEAN = 'weighted_mean'


class ConfusionMatrix(object):
    TRUE_POSITIVES = 'tp'
    FALSE_POSITIVES = 'fp'
    TRUE_NEGATIVES = 'tn'
    FALSE_NEGATIVES = 'fn'


def update_state_wrapper(update_state_fn):
    """Keras wraps ``update_state`` to return its update ops; here updates are recorded
    as they are made, so the function is returned as it is (with its name)."""
    @functools.wraps(update_state_fn)
    def decorated(*args, **kwargs):
        return update_state_fn(*args, **kwargs)
    return decorated


def result_wrapper(result_fn):
    @functools.wraps(result_fn)
    def decorated(*args, **kwargs):
        return result_fn(*args, **kwargs)
    return decorated


def to_list(x):
    return list(x) if isinstance(x, (list, tuple)) else _to_list(x)


def assert_thresholds_range(thresholds):
    if thresholds is not None:
        invalid = [t for t in thresholds if t is None or t < 0 or t > 1]
        if invalid:
            raise ValueError('Threshold values must be in [0, 1]. Invalid values: %s'
                             % (invalid,))


def parse_init_thresholds(thresholds, default_threshold=0.5):
    thresholds = to_list(default_threshold if thresholds is None else thresholds)
    assert_thresholds_range(thresholds)
    return thresholds


def filter_top_k(x, k):
    raise NotImplementedError('filter_top_k(x, k=%r): minikeras has no top-k backend op yet; '
                              'the confusion-matrix metrics take thresholds or class_id'
                              % (k,))


def update_confusion_matrix_variables(variables_to_update, y_true, y_pred, thresholds,
                                      top_k=None, class_id=None, sample_weight=None):
    """Add this batch's weighted counts to the variables of ``variables_to_update``
    (``{ConfusionMatrix.TRUE_POSITIVES: var, ...}``; each of shape (len(thresholds),))."""
    if top_k is not None:
        filter_top_k(y_pred, top_k)
    unknown = set(variables_to_update) - set(['tp', 'fp', 'tn', 'fn'])
    if unknown:
        raise ValueError('Please provide at least one valid confusion matrix variable to '
                         'update. Valid variable key options are: %s. Provided: %s'
                         % (['tp', 'fp', 'tn', 'fn'], sorted(unknown)))
    counts = confusion_counts(y_true, y_pred, to_list(thresholds), sample_weight, class_id)
    for kind, var in variables_to_update.items():
        assign_state(var, read_state(var) + counts[kind])
    return []
