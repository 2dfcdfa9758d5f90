"""scikit-learn estimators around a model-building function (Keras 2
``keras.wrappers.scikit_learn``): ``KerasClassifier`` and ``KerasRegressor`` work with
``GridSearchCV``, ``cross_val_score``, pipelines. scikit-learn itself is only needed by the
code that calls them (``pip install "minikeras[sklearn]"``)."""
import types

import numpy as np

from minikeras.utils.generic_utils import has_arg
from minikeras.utils.np_utils import to_categorical


def _fit_predict_evaluate():
    from minikeras.models import Sequential
    return [Sequential.fit, Sequential.predict, Sequential.predict_classes,
            Sequential.evaluate]


def _loss_name(model):
    loss = model.loss
    return getattr(loss, '__name__', loss)


class BaseWrapper(object):
    """``build_fn`` (a function, a callable object, or None to use ``self.__call__``)
    builds and compiles a fresh model on every ``fit``; ``sk_params`` holds its arguments
    and those of ``fit``/``predict``/``evaluate`` (``epochs``, ``batch_size``, ...), all
    tunable by ``GridSearchCV``. Arguments passed to ``fit``/``predict``/``score`` win over
    ``sk_params``, which win over the model methods' defaults."""

    _estimator_type = None

    def __init__(self, build_fn=None, **sk_params):
        self.build_fn = build_fn
        self.sk_params = sk_params
        self.check_params(sk_params)

    def _builder(self):
        if self.build_fn is None:
            return self.__call__, self.__call__
        if not isinstance(self.build_fn, (types.FunctionType, types.MethodType)):
            return self.build_fn, self.build_fn.__call__
        return self.build_fn, self.build_fn

    def check_params(self, params):
        """``ValueError`` for a name no model method nor ``build_fn`` accepts (a typo)."""
        legal = _fit_predict_evaluate() + [self._builder()[1]]
        for name in params:
            if name != 'nb_epoch' and not any(has_arg(fn, name) for fn in legal):
                raise ValueError('%s is not a legal parameter: it is an argument of neither '
                                 'build_fn nor fit/predict/predict_classes/evaluate' % name)

    def get_params(self, **params):
        """``sk_params`` plus ``build_fn`` (scikit-learn's ``clone`` rebuilds from these)."""
        res = dict(self.sk_params)
        res['build_fn'] = self.build_fn
        return res

    def __sklearn_tags__(self):
        """Estimator tags for scikit-learn >= 1.6 (older versions read ``_estimator_type``)."""
        from sklearn.utils import ClassifierTags, RegressorTags, Tags, TargetTags
        kind = self._estimator_type
        return Tags(estimator_type=kind, target_tags=TargetTags(required=True),
                    transformer_tags=None,
                    classifier_tags=ClassifierTags() if kind == 'classifier' else None,
                    regressor_tags=RegressorTags() if kind == 'regressor' else None)

    def set_params(self, **params):
        self.check_params(params)
        self.sk_params.update(params)
        return self

    def filter_sk_params(self, fn, override=None):
        """The ``sk_params`` that ``fn`` accepts, updated with ``override``."""
        res = dict((k, v) for k, v in self.sk_params.items() if has_arg(fn, k))
        res.update(override or {})
        return res

    def fit(self, x, y, **kwargs):
        """Build a new model with ``build_fn`` and fit it to ``(x, y)``; the History."""
        from minikeras.models import Sequential
        build, signature_fn = self._builder()
        self.model = build(**self.filter_sk_params(signature_fn))
        y = np.asarray(y)
        if _loss_name(self.model) == 'categorical_crossentropy' and len(y.shape) != 2:
            y = to_categorical(y)
        fit_args = self.filter_sk_params(Sequential.fit)
        fit_args.update(kwargs)
        return self.model.fit(x, y, **fit_args)


class KerasClassifier(BaseWrapper):
    """scikit-learn classifier: labels of any sortable kind; ``score`` is accuracy."""

    _estimator_type = 'classifier'

    def fit(self, x, y, sample_weight=None, **kwargs):
        y = np.array(y)
        if len(y.shape) == 2 and y.shape[1] > 1:
            self.classes_ = np.arange(y.shape[1])
        elif (len(y.shape) == 2 and y.shape[1] == 1) or len(y.shape) == 1:
            self.classes_ = np.unique(y)
            y = np.searchsorted(self.classes_, y)
        else:
            raise ValueError('KerasClassifier.fit: invalid shape for y: %s (expected '
                             '(n,), (n, 1) or one-hot (n, classes))' % (y.shape,))
        self.n_classes_ = len(self.classes_)
        if sample_weight is not None:
            kwargs['sample_weight'] = sample_weight
        return super(KerasClassifier, self).fit(x, y, **kwargs)

    def predict(self, x, **kwargs):
        """Class labels: argmax of the outputs, or output > 0.5 for one sigmoid unit."""
        from minikeras.models import Sequential
        probs = self.model.predict(x, **self.filter_sk_params(Sequential.predict, kwargs))
        if probs.shape[-1] > 1:
            classes = probs.argmax(axis=-1)
        else:
            classes = (probs[:, 0] > 0.5).astype('int32')
        return self.classes_[classes]

    def predict_proba(self, x, **kwargs):
        """Class probabilities, (n, 2) for a single sigmoid output as scikit-learn wants."""
        from minikeras.models import Sequential
        probs = self.model.predict(x, **self.filter_sk_params(Sequential.predict, kwargs))
        if probs.shape[1] == 1:
            probs = np.hstack([1 - probs, probs])
        return probs

    def score(self, x, y, **kwargs):
        """Accuracy from ``evaluate`` (the model must be compiled with
        ``metrics=['accuracy']``)."""
        from minikeras.models import Sequential
        y = np.searchsorted(self.classes_, y)
        kwargs = self.filter_sk_params(Sequential.evaluate, kwargs)
        if _loss_name(self.model) == 'categorical_crossentropy' and len(y.shape) != 2:
            y = to_categorical(y, len(self.classes_))
        outputs = self.model.evaluate(x, y, **kwargs)
        if not isinstance(outputs, list):
            outputs = [outputs]
        for name, output in zip(self.model.metrics_names, outputs):
            if name in ('acc', 'accuracy'):
                return output
        raise ValueError('The model is not configured to compute accuracy (its metrics are '
                         '%s). You should pass `metrics=["accuracy"]` to the '
                         '`model.compile()` method.' % (self.model.metrics_names,))


class KerasRegressor(BaseWrapper):
    """scikit-learn regressor: ``predict`` squeezes the outputs, ``score`` is -loss."""

    _estimator_type = 'regressor'

    def predict(self, x, **kwargs):
        from minikeras.models import Sequential
        kwargs = self.filter_sk_params(Sequential.predict, kwargs)
        return np.squeeze(self.model.predict(x, **kwargs))

    def score(self, x, y, **kwargs):
        from minikeras.models import Sequential
        kwargs = self.filter_sk_params(Sequential.evaluate, kwargs)
        loss = self.model.evaluate(x, y, **kwargs)
        if isinstance(loss, list):
            return -loss[0]
        return -loss
