"""Keras 2.3's stateful metric classes: ``Metric`` objects whose variables accumulate
over the batches of an epoch (or of one ``evaluate``) until ``reset_states()``.

``m.update_state(y_true, y_pred, sample_weight=None)`` then ``m.result()``; calling the
object does both and returns the result. Inside a model's compiled step the updates are
returned with the step's other updates (so the train and test functions apply them);
outside one, they are applied at once. Written with contract ops only.
"""
import numpy as np

import minikeras.backend as K
from minikeras import losses
from minikeras.layers.base import Layer, current_context


def _tensor(x, dtype=None):
    if K.is_tensor(x):
        return x if dtype is None else K.cast(x, dtype)
    return K.constant(np.asarray(x, dtype=dtype or K.floatx()), dtype=dtype or K.floatx())


def _div_no_nan(a, b):
    """a / b, and 0 where b == 0."""
    safe = K.cast(K.not_equal(b, 0), K.floatx())
    return a * safe / (b + (1. - safe))


def _pending():
    ctx = current_context()
    if ctx is not None and not hasattr(ctx, 'metric_values'):
        ctx.metric_values = {}
    return ctx


def read_state(var):
    """A metric variable's value, including updates made earlier in this traced step."""
    ctx = _pending()
    if ctx is not None and id(var) in ctx.metric_values:
        return ctx.metric_values[id(var)]
    return var


def assign_state(var, value):
    """Set a metric variable: recorded as an update of the traced step (applied by the
    compiled function), or applied at once outside one."""
    ctx = _pending()
    if ctx is None:
        K.set_value(var, np.asarray(K.eval(value), dtype=K.dtype(var)))
        return
    ctx.metric_values[id(var)] = value
    ctx.state_updates[:] = [(v, x) for v, x in ctx.state_updates if v is not var]
    ctx.state_updates.append((var, value))


class Metric(Layer):
    """Base class: subclasses create state with ``add_weight`` and implement
    ``update_state`` (with ``self.assign_add`` / ``self.assign``) and ``result``."""

    def __init__(self, name=None, dtype=None, **kwargs):
        super(Metric, self).__init__(name=name, dtype=dtype, **kwargs)
        self.stateful = True
        self.built = True

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    # --- state ------------------------------------------------------------------------
    def add_weight(self, name, shape=(), aggregation=None, synchronization=None,
                   initializer=None, dtype=None):
        value = np.zeros(tuple(shape), dtype=dtype or self.dtype or K.floatx())
        var = K.variable(value, dtype=value.dtype, name='%s/%s' % (self.name, name))
        self._non_trainable_weights.append(var)
        return var

    def read(self, var):
        """The variable's value including updates made earlier in this traced step."""
        return read_state(var)

    def assign(self, var, value):
        assign_state(var, value)

    def assign_add(self, var, value):
        assign_state(var, read_state(var) + value)

    def reset_states(self):
        K.batch_set_value([(v, np.zeros(K.int_shape(v), dtype=K.dtype(v)))
                           for v in self.weights])

    def update_state(self, *args, **kwargs):
        raise NotImplementedError('%s must implement update_state' % type(self).__name__)

    def result(self):
        raise NotImplementedError('%s must implement result' % type(self).__name__)

    def get_config(self):
        return {'name': self.name, 'dtype': self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Reduce(Metric):
    """Sums ``values`` (times ``sample_weight``); ``Mean`` divides by the weight total."""

    _mean = True

    def __init__(self, name=None, dtype=None):
        super(Reduce, self).__init__(name=name, dtype=dtype)
        self.total = self.add_weight('total')
        if self._mean:
            self.count = self.add_weight('count')

    def update_state(self, values, sample_weight=None):
        values = _tensor(values, K.floatx())
        weights = K.ones_like(values)
        if sample_weight is not None:
            sw = _tensor(sample_weight, K.floatx())
            while K.ndim(sw) < K.ndim(values):
                sw = K.expand_dims(sw, -1)
            while K.ndim(sw) > K.ndim(values) and K.int_shape(sw)[-1] == 1:
                sw = K.squeeze(sw, -1)
            weights = weights * sw
        self.assign_add(self.total, K.sum(values * weights))
        if self._mean:
            self.assign_add(self.count, K.sum(weights))

    def result(self):
        if not self._mean:
            return self.read(self.total)
        return _div_no_nan(self.read(self.total), self.read(self.count))


class Sum(Reduce):
    _mean = False

    def __init__(self, name='sum', dtype=None):
        super(Sum, self).__init__(name=name, dtype=dtype)


class Mean(Reduce):
    def __init__(self, name='mean', dtype=None):
        super(Mean, self).__init__(name=name, dtype=dtype)


class MeanMetricWrapper(Mean):
    """The running mean of ``fn(y_true, y_pred, **kwargs)`` over all samples seen."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super(MeanMetricWrapper, self).__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = _tensor(y_true, K.floatx())
        y_pred = _tensor(y_pred, K.floatx())
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        super(MeanMetricWrapper, self).update_state(values, sample_weight)

    def get_config(self):
        config = dict(self._fn_kwargs)
        config.update(super(MeanMetricWrapper, self).get_config())
        return config


def _wrapper_class(class_name, fn, default_name, **defaults):
    """A MeanMetricWrapper subclass for ``fn`` with keyword arguments ``defaults``
    (Keras 2.3's ``Accuracy``, ``MeanSquaredError``, ``BinaryAccuracy(threshold)``...)."""
    names = list(defaults)

    def __init__(self, name=default_name, dtype=None, **kwargs):
        unknown = sorted(set(kwargs) - set(names))
        if unknown:
            raise TypeError('%s: unexpected arguments %s' % (class_name, ', '.join(unknown)))
        fn_kwargs = dict(defaults)
        fn_kwargs.update(kwargs)
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype, **fn_kwargs)
    return type(class_name, (MeanMetricWrapper,), {'__init__': __init__,
                                                    '__doc__': 'Running mean of %s.' %
                                                    fn.__name__})


def _cosine_similarity(y_true, y_pred, axis=-1):
    return K.sum(K.l2_normalize(y_true, axis) * K.l2_normalize(y_pred, axis), axis=axis)


def _build_wrappers(functions):
    """The Keras 2.3 metric classes that wrap a metric function; ``functions`` holds the
    accuracy functions by name (``metrics.py`` passes its table: it imports this module,
    so this module does not import it)."""
    f = functions
    table = [
        ('Accuracy', f['accuracy'], 'accuracy', {}),
        ('BinaryAccuracy', f['binary_accuracy'], 'binary_accuracy', {'threshold': 0.5}),
        ('CategoricalAccuracy', f['categorical_accuracy'], 'categorical_accuracy', {}),
        ('SparseCategoricalAccuracy', f['sparse_categorical_accuracy'],
         'sparse_categorical_accuracy', {}),
        ('TopKCategoricalAccuracy', f['top_k_categorical_accuracy'],
         'top_k_categorical_accuracy', {'k': 5}),
        ('SparseTopKCategoricalAccuracy', f['sparse_top_k_categorical_accuracy'],
         'sparse_top_k_categorical_accuracy', {'k': 5}),
        ('MeanSquaredError', losses.mean_squared_error, 'mean_squared_error', {}),
        ('MeanAbsoluteError', losses.mean_absolute_error, 'mean_absolute_error', {}),
        ('MeanAbsolutePercentageError', losses.mean_absolute_percentage_error,
         'mean_absolute_percentage_error', {}),
        ('MeanSquaredLogarithmicError', losses.mean_squared_logarithmic_error,
         'mean_squared_logarithmic_error', {}),
        ('Hinge', losses.hinge, 'hinge', {}),
        ('SquaredHinge', losses.squared_hinge, 'squared_hinge', {}),
        ('CategoricalHinge', losses.categorical_hinge, 'categorical_hinge', {}),
        ('LogCoshError', losses.logcosh, 'logcosh', {}),
        ('Poisson', losses.poisson, 'poisson', {}),
        ('KLDivergence', losses.kullback_leibler_divergence, 'kullback_leibler_divergence',
         {}),
        ('BinaryCrossentropy', losses.binary_crossentropy, 'binary_crossentropy',
         {'from_logits': False, 'label_smoothing': 0}),
        ('CategoricalCrossentropy', losses.categorical_crossentropy,
         'categorical_crossentropy', {'from_logits': False, 'label_smoothing': 0}),
        ('SparseCategoricalCrossentropy', losses.sparse_categorical_crossentropy,
         'sparse_categorical_crossentropy', {'from_logits': False, 'axis': -1}),
        ('CosineSimilarity', _cosine_similarity, 'cosine_similarity', {'axis': -1}),
    ]
    return dict((cls_name, _wrapper_class(cls_name, fn, name, **kw))
                for cls_name, fn, name, kw in table)


class RootMeanSquaredError(Mean):
    def __init__(self, name='root_mean_squared_error', dtype=None):
        super(RootMeanSquaredError, self).__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        error = K.square(_tensor(y_pred, K.floatx()) - _tensor(y_true, K.floatx()))
        super(RootMeanSquaredError, self).update_state(error, sample_weight)

    def result(self):
        return K.sqrt(super(RootMeanSquaredError, self).result())
