"""Keras 2.3.1 ``keras.utils.losses_utils``: loss reductions and sample weighting."""
import minikeras.backend as K


class Reduction(object):
    """How a loss object reduces per-sample losses."""
    NONE = 'none'
    SUM = 'sum'
    SUM_OVER_BATCH_SIZE = 'sum_over_batch_size'

    @classmethod
    def all(cls):
        return (cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError('Invalid Reduction Key %s.' % key)


def squeeze_or_expand_dimensions(y_pred, y_true, sample_weight):
    """Drop a trailing axis of size 1 where the ranks of ``y_pred`` and ``y_true`` differ
    by one; bring ``sample_weight`` to the rank of ``y_pred`` the same way."""
    if y_true is not None:
        pred_rank, true_rank = K.ndim(y_pred), K.ndim(y_true)
        if pred_rank - true_rank == 1 and K.int_shape(y_pred)[-1] == 1:
            y_pred = K.squeeze(y_pred, -1)
        elif true_rank - pred_rank == 1 and K.int_shape(y_true)[-1] == 1:
            y_true = K.squeeze(y_true, -1)
    if sample_weight is None:
        return y_pred, y_true, None
    pred_rank, weight_rank = K.ndim(y_pred), K.ndim(sample_weight)
    if weight_rank != 0:
        if weight_rank - pred_rank == 1:
            sample_weight = K.squeeze(sample_weight, -1)
        elif pred_rank - weight_rank == 1:
            sample_weight = K.expand_dims(sample_weight, -1)
    return y_pred, y_true, sample_weight


def reduce_weighted_loss(weighted_losses, reduction=Reduction.SUM_OVER_BATCH_SIZE):
    if reduction == Reduction.NONE:
        return weighted_losses
    if reduction == Reduction.SUM:
        return K.sum(weighted_losses)
    return K.mean(weighted_losses)   # the sum over the number of elements


def compute_weighted_loss(losses, sample_weight=None,
                          reduction=Reduction.SUM_OVER_BATCH_SIZE, name=None):
    """``losses`` times ``sample_weight`` (broadcast), reduced by ``reduction``."""
    Reduction.validate(reduction)
    input_dtype = K.dtype(losses)
    losses = K.cast(losses, K.floatx())
    if sample_weight is None:
        weighted = losses
    else:
        if not K.is_tensor(sample_weight):
            sample_weight = K.constant(sample_weight, dtype=K.floatx())
        sample_weight = K.cast(sample_weight, K.floatx())
        losses, _, sample_weight = squeeze_or_expand_dimensions(losses, None, sample_weight)
        weighted = sample_weight * losses
    return K.cast(reduce_weighted_loss(weighted, reduction), input_dtype)
