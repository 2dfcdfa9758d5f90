"""Loss functions (Keras 2.3 ``keras.losses``), written with backend ops.

Each function takes ``(y_true, y_pred)`` and returns **per-sample** values: the last axis
is reduced, as in Keras 2 (the training engine applies sample weights and averages).
The class forms (``MeanSquaredError()``, ``CategoricalCrossentropy(from_logits=True)``,
...) are callables too: ``loss(y_true, y_pred, sample_weight=None)`` returns the value
reduced by ``reduction`` ('sum_over_batch_size' by default, 'sum' or 'none'), while
``loss.call(y_true, y_pred)`` gives the per-sample values; ``per_sample(loss)`` gives
the per-sample function of any loss identifier.
"""
import minikeras.backend as K
from minikeras.utils.generic_utils import ObjectLookup


def _prepare(y_true, y_pred):
    if not K.is_tensor(y_pred):
        y_pred = K.constant(y_pred)
    if not K.is_tensor(y_true):
        y_true = K.constant(y_true, dtype=K.dtype(y_pred))
    elif K.dtype(y_true) != K.dtype(y_pred):
        y_true = K.cast(y_true, K.dtype(y_pred))
    return y_true, y_pred


def mean_squared_error(y_true, y_pred):
    y_true, y_pred = _prepare(y_true, y_pred)
    return K.mean(K.square(y_pred - y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    y_true, y_pred = _prepare(y_true, y_pred)
    return K.mean(K.abs(y_pred - y_true), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    y_true, y_pred = _prepare(y_true, y_pred)
    diff = K.abs((y_true - y_pred) / K.maximum(K.abs(y_true), K.epsilon()))
    return 100. * K.mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    y_true, y_pred = _prepare(y_true, y_pred)
    first_log = K.log(K.maximum(y_pred, K.epsilon()) + 1.)
    second_log = K.log(K.maximum(y_true, K.epsilon()) + 1.)
    return K.mean(K.square(first_log - second_log), axis=-1)


def _maybe_convert_labels(y_true):
    """Keras 2.3: labels that are all 0/1 become -1/1 for the hinge losses (decided on
    the whole batch, without Python branching on tensor values)."""
    is_zero = K.cast(K.equal(y_true, 0.), K.dtype(y_true))
    is_one = K.cast(K.equal(y_true, 1.), K.dtype(y_true))
    is_binary = K.min(is_zero + is_one)  # 1 when every label is 0 or 1, else 0
    return y_true + is_binary * (y_true - 1.)  # binary: 2 * y - 1


def squared_hinge(y_true, y_pred):
    y_true, y_pred = _prepare(y_true, y_pred)
    y_true = _maybe_convert_labels(y_true)
    return K.mean(K.square(K.maximum(1. - y_true * y_pred, 0.)), axis=-1)


def hinge(y_true, y_pred):
    y_true, y_pred = _prepare(y_true, y_pred)
    y_true = _maybe_convert_labels(y_true)
    return K.mean(K.maximum(1. - y_true * y_pred, 0.), axis=-1)


def categorical_hinge(y_true, y_pred):
    y_true, y_pred = _prepare(y_true, y_pred)
    pos = K.sum(y_true * y_pred, axis=-1)
    neg = K.max((1. - y_true) * y_pred, axis=-1)
    return K.maximum(neg - pos + 1., 0.)


def logcosh(y_true, y_pred):
    """log(cosh(y_pred - y_true)), averaged over the last axis, computed stably."""
    y_true, y_pred = _prepare(y_true, y_pred)
    x = y_pred - y_true
    return K.mean(x + K.softplus(-2. * x) - 0.6931471805599453, axis=-1)


def huber_loss(y_true, y_pred, delta=1.0):
    y_true, y_pred = _prepare(y_true, y_pred)
    abs_error = K.abs(y_pred - y_true)
    quadratic = K.minimum(abs_error, delta)
    linear = abs_error - quadratic
    # element-wise, as Keras 2.3.1's (its callers average over the elements)
    return 0.5 * K.square(quadratic) + delta * linear


def _num_classes(y_true):
    n = K.int_shape(y_true)[-1]
    if n is not None:
        return float(n)
    return K.sum(K.ones_like(y_true), axis=-1, keepdims=True)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0):
    y_true, y_pred = _prepare(y_true, y_pred)
    if label_smoothing:
        smoothing = float(label_smoothing)
        y_true = y_true * (1.0 - smoothing) + smoothing / _num_classes(y_true)
    return K.categorical_crossentropy(y_true, y_pred, from_logits=from_logits)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1):
    if not K.is_tensor(y_pred):
        y_pred = K.constant(y_pred)
    return K.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits,
                                             axis=axis)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0):
    y_true, y_pred = _prepare(y_true, y_pred)
    if label_smoothing:
        smoothing = float(label_smoothing)
        y_true = y_true * (1.0 - smoothing) + 0.5 * smoothing
    return K.mean(K.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=-1)


def kullback_leibler_divergence(y_true, y_pred):
    y_true, y_pred = _prepare(y_true, y_pred)
    y_true = K.clip(y_true, K.epsilon(), 1)
    y_pred = K.clip(y_pred, K.epsilon(), 1)
    return K.sum(y_true * K.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    y_true, y_pred = _prepare(y_true, y_pred)
    return K.mean(y_pred - y_true * K.log(y_pred + K.epsilon()), axis=-1)


def cosine_proximity(y_true, y_pred, axis=-1):
    """Minus the cosine similarity along ``axis`` (Keras 2 sign: -1 is best)."""
    y_true, y_pred = _prepare(y_true, y_pred)
    y_true = K.l2_normalize(y_true, axis=axis)
    y_pred = K.l2_normalize(y_pred, axis=axis)
    return -K.sum(y_true * y_pred, axis=axis)


# Keras 2 aliases
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence
cosine = cosine_similarity = cosine_proximity


# --- class forms (Keras 2.3) ----------------------------------------------------------

REDUCTIONS = ('sum_over_batch_size', 'sum', 'none', 'auto')


class Loss(object):
    """Base class of loss objects: ``call(y_true, y_pred)`` returns per-sample losses;
    calling the object weights them by ``sample_weight`` and reduces them."""

    def __init__(self, reduction='sum_over_batch_size', name=None):
        if reduction not in REDUCTIONS:
            raise ValueError('reduction must be one of %s, received %r'
                             % (', '.join(REDUCTIONS), reduction))
        self.reduction = reduction
        self.name = name

    def __call__(self, y_true, y_pred, sample_weight=None):
        losses = self.call(y_true, y_pred)
        if sample_weight is not None:
            if not K.is_tensor(sample_weight):
                sample_weight = K.constant(sample_weight, dtype=K.dtype(losses))
            losses = losses * K.cast(sample_weight, K.dtype(losses))
        if self.reduction == 'none':
            return losses
        if self.reduction == 'sum':
            return K.sum(losses)
        return K.mean(losses)

    def call(self, y_true, y_pred):
        raise NotImplementedError

    def get_config(self):
        return {'reduction': self.reduction, 'name': self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class LossFunctionWrapper(Loss):
    """A ``Loss`` around a per-sample function and its keyword arguments."""

    def __init__(self, fn, reduction='sum_over_batch_size', name=None, **kwargs):
        super(LossFunctionWrapper, self).__init__(reduction=reduction, name=name)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = dict(self._fn_kwargs)
        config.update(super(LossFunctionWrapper, self).get_config())
        return config


def _loss_class(class_name, fn, default_name, doc, **defaults):
    arg_names = list(defaults)

    def __init__(self, *args, **kwargs):
        if len(args) > len(arg_names):
            raise TypeError('%s takes at most %d positional arguments (%s), received %d'
                            % (class_name, len(arg_names), ', '.join(arg_names), len(args)))
        values = dict(defaults)
        for name, value in zip(arg_names, args):
            values[name] = value
        reduction = kwargs.pop('reduction', 'sum_over_batch_size')
        name = kwargs.pop('name', default_name)
        for key in list(kwargs):
            if key not in defaults:
                raise TypeError('%s got an unexpected argument %r (allowed: %s)'
                                % (class_name, key,
                                   ', '.join(arg_names + ['reduction', 'name'])))
            values[key] = kwargs.pop(key)
        LossFunctionWrapper.__init__(self, fn, reduction=reduction, name=name, **values)

    return type(class_name, (LossFunctionWrapper,), {'__init__': __init__, '__doc__': doc})


MeanSquaredError = _loss_class('MeanSquaredError', mean_squared_error, 'mean_squared_error',
                               'Mean of squared errors over the last axis.')
MeanAbsoluteError = _loss_class('MeanAbsoluteError', mean_absolute_error,
                                'mean_absolute_error', 'Mean absolute error.')
MeanAbsolutePercentageError = _loss_class(
    'MeanAbsolutePercentageError', mean_absolute_percentage_error,
    'mean_absolute_percentage_error', 'Mean absolute percentage error.')
MeanSquaredLogarithmicError = _loss_class(
    'MeanSquaredLogarithmicError', mean_squared_logarithmic_error,
    'mean_squared_logarithmic_error', 'Mean squared logarithmic error.')
BinaryCrossentropy = _loss_class('BinaryCrossentropy', binary_crossentropy,
                                 'binary_crossentropy', 'Binary cross-entropy.',
                                 from_logits=False, label_smoothing=0)
CategoricalCrossentropy = _loss_class('CategoricalCrossentropy', categorical_crossentropy,
                                      'categorical_crossentropy',
                                      'Cross-entropy with one-hot targets.',
                                      from_logits=False, label_smoothing=0)
SparseCategoricalCrossentropy = _loss_class(
    'SparseCategoricalCrossentropy', sparse_categorical_crossentropy,
    'sparse_categorical_crossentropy', 'Cross-entropy with integer targets.',
    from_logits=False)
Hinge = _loss_class('Hinge', hinge, 'hinge', 'Hinge loss.')
SquaredHinge = _loss_class('SquaredHinge', squared_hinge, 'squared_hinge',
                           'Squared hinge loss.')
CategoricalHinge = _loss_class('CategoricalHinge', categorical_hinge, 'categorical_hinge',
                               'Categorical hinge loss.')
Poisson = _loss_class('Poisson', poisson, 'poisson', 'Poisson loss.')
LogCosh = _loss_class('LogCosh', logcosh, 'logcosh', 'Log-cosh loss.')
KLDivergence = _loss_class('KLDivergence', kullback_leibler_divergence,
                           'kullback_leibler_divergence', 'Kullback-Leibler divergence.')
Huber = _loss_class('Huber', huber_loss, 'huber_loss', 'Huber loss.', delta=1.0)
CosineSimilarity = _loss_class('CosineSimilarity', cosine_proximity, 'cosine_proximity',
                               'Minus the cosine similarity.', axis=-1)

_FUNCTIONS = dict((fn.__name__, fn) for fn in (
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, squared_hinge, hinge, categorical_hinge, logcosh,
    huber_loss, categorical_crossentropy, sparse_categorical_crossentropy,
    binary_crossentropy, kullback_leibler_divergence, poisson, cosine_proximity))
_ALIASES = {'mse': mse, 'MSE': MSE, 'mae': mae, 'MAE': MAE, 'mape': mape, 'MAPE': MAPE,
            'msle': msle, 'MSLE': MSLE, 'kld': kld, 'KLD': KLD, 'cosine': cosine,
            'cosine_similarity': cosine_similarity}
_CLASSES = dict((cls.__name__, cls) for cls in (
    Loss, LossFunctionWrapper, MeanSquaredError, MeanAbsoluteError,
    MeanAbsolutePercentageError, MeanSquaredLogarithmicError, BinaryCrossentropy,
    CategoricalCrossentropy, SparseCategoricalCrossentropy, Hinge, SquaredHinge,
    CategoricalHinge, Poisson, LogCosh, KLDivergence, Huber, CosineSimilarity))
_OBJECTS = {}
_OBJECTS.update(_FUNCTIONS)
_OBJECTS.update(_ALIASES)
_OBJECTS.update(_CLASSES)


def is_categorical_crossentropy(loss):
    """Whether ``loss`` (name, function or Loss object) is categorical cross-entropy."""
    return (isinstance(loss, LossFunctionWrapper) and loss.fn is categorical_crossentropy
            or getattr(loss, '__name__', None) == 'categorical_crossentropy'
            or loss == 'categorical_crossentropy')


serialize, deserialize, get = ObjectLookup(
    _OBJECTS, 'loss function', none=None,
    expected=' (expected a name such as "mse", a config dict or a callable)').functions()


def per_sample(loss):
    """The per-sample function ``(y_true, y_pred) -> losses`` of any loss identifier:
    ``Loss`` instances give their ``call``; functions are returned as they are."""
    loss = get(loss)
    if isinstance(loss, Loss):
        call = loss.call

        def per_sample_loss(y_true, y_pred):
            return call(y_true, y_pred)
        # named like the wrapped function ('categorical_crossentropy', ...), so code that
        # looks at the loss's name (e.g. to pick an accuracy) sees the same as for strings
        fn = getattr(loss, 'fn', None)
        per_sample_loss.__name__ = getattr(fn, '__name__', None) or loss.name or \
            type(loss).__name__
        per_sample_loss.loss = loss
        return per_sample_loss
    return loss
