"""KerasClassifier / KerasRegressor inside scikit-learn's own GridSearchCV and
cross_val_score, on real data that ships with scikit-learn (iris, diabetes)."""
import numpy as np
import pytest

sklearn = pytest.importorskip('sklearn', reason='scikit-learn is not installed in this lane '
                              '(pip install "minikeras[sklearn]")')
from sklearn.datasets import load_diabetes, load_iris  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score  # noqa: E402

from minikeras.layers import Dense  # noqa: E402
from minikeras.models import Sequential  # noqa: E402
from minikeras.wrappers.scikit_learn import KerasClassifier, KerasRegressor  # noqa: E402


def classifier(hidden=8, loss='sparse_categorical_crossentropy'):
    model = Sequential([Dense(hidden, activation='relu', input_shape=(4,)),
                        Dense(3, activation='softmax')])
    model.compile('adam', loss, metrics=['accuracy'])
    return model


def iris():
    x, y = load_iris(return_X_y=True)
    x = (x - x.mean(0)) / x.std(0)
    order = np.random.RandomState(0).permutation(len(x))
    return x[order].astype('float32'), np.array(['setosa', 'versicolor', 'virginica'])[y[order]]


def test_grid_search_classifier_with_string_labels():
    np.random.seed(0)        # initial weights: 40 epochs of a small net can stall near 0.8
    x, y = iris()
    clf = KerasClassifier(build_fn=classifier, epochs=40, batch_size=16, verbose=0)
    search = GridSearchCV(clf, {'hidden': [2, 16], 'epochs': [40]}, cv=3)
    search.fit(x, y)
    assert set(search.best_params_) == {'hidden', 'epochs'}
    assert search.best_score_ > 0.8
    best = search.best_estimator_
    assert set(best.predict(x[:10])) <= set(y)
    assert (best.predict(x) == y).mean() > 0.8
    proba = best.predict_proba(x[:5])
    np.testing.assert_allclose(proba.sum(1), 1, rtol=1e-5)
    # a categorical loss gets one-hot targets from the wrapper
    cat = KerasClassifier(build_fn=classifier, hidden=16, loss='categorical_crossentropy',
                          epochs=60, batch_size=16, verbose=0)
    cat.fit(x, y)
    assert cat.score(x, y) > 0.8


def test_typo_in_sk_params_is_refused():
    with pytest.raises(ValueError, match='epoch_count is not a legal parameter'):
        KerasClassifier(build_fn=classifier, epoch_count=3)


def test_cross_val_score_regressor():
    x, y = load_diabetes(return_X_y=True)
    x = x.astype('float32') / x.std(0)
    y = ((y - y.mean()) / y.std()).astype('float32')

    def regressor():
        model = Sequential([Dense(8, activation='relu', input_shape=(10,)), Dense(1)])
        model.compile('adam', 'mse')
        return model

    reg = KerasRegressor(build_fn=regressor, epochs=30, batch_size=32, verbose=0)
    scores = cross_val_score(reg, x, y, cv=KFold(3, shuffle=True, random_state=0))
    assert scores.shape == (3,)
    # the score is -MSE on standardized targets: well above predicting the mean (-1)
    assert np.all(scores > -0.75), scores
    reg.fit(x, y)
    assert reg.predict(x[:7]).shape == (7,)
