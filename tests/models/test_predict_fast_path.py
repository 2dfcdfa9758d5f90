"""The serving fast path of predict / predict_on_batch (models/fast_predict.py) gives
what the full path gives, and anything it does not serve still gets the full path's
checks and errors. Also: a compiled function's ``unchecked`` entry, where an engine has
one, computes the same outputs and updates as the checked call."""
import numpy as np
import pytest

import minikeras.backend as K
from minikeras.layers import Dense, Dropout
from minikeras.models import Sequential


def small_model():
    np.random.seed(1)
    model = Sequential([Dense(8, activation='relu', input_shape=(5,)), Dropout(0.5),
                        Dense(3, activation='softmax')])
    model.compile('sgd', 'categorical_crossentropy')
    return model


def data(n, seed=0):
    return np.random.RandomState(seed).rand(n, 5).astype('float32')


def slow_predict(model, x):
    """The full path: a list input is never served by the fast path."""
    return model.predict([x], batch_size=64)


@pytest.mark.parametrize('n', [1, 7, 32])
def test_fast_predict_matches_full_path(n):
    model = small_model()
    first = model.predict(data(n, seed=1))            # full path, leaves the fast path
    fast = model.predict(data(n))
    fast_batch = model.predict_on_batch(data(n))
    want = slow_predict(model, data(n))
    assert first.shape == fast.shape == fast_batch.shape == (n, 3)
    np.testing.assert_allclose(fast, want, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(fast_batch, want, rtol=1e-6, atol=1e-7)


def test_more_samples_than_a_batch_and_other_dtypes_take_the_full_path():
    model = small_model()
    model.predict_on_batch(data(4))
    x = data(70)
    out = model.predict(x, batch_size=16)             # 5 batches
    np.testing.assert_allclose(out, np.concatenate([slow_predict(model, x[i:i + 16])
                                                    for i in range(0, 70, 16)]),
                               rtol=1e-6, atol=1e-7)
    x64 = data(3).astype('float64')
    np.testing.assert_allclose(model.predict(x64), slow_predict(model, data(3)),
                               rtol=1e-6, atol=1e-7)


def test_inputs_the_fast_path_does_not_fit_get_the_full_paths_errors():
    model = small_model()
    model.predict(data(2))
    with pytest.raises(ValueError) as e:
        model.predict(np.zeros((2, 6), dtype='float32'))
    assert '(5,)' in str(e.value) and '(6,)' in str(e.value), str(e.value)
    with pytest.raises(ValueError) as e:
        model.predict(np.zeros((0, 5), dtype='float32'))
    assert '0 samples' in str(e.value), str(e.value)
    with pytest.raises(ValueError) as e:
        model.predict(np.array(['a'] * 5)[None])
    assert 'numbers' in str(e.value), str(e.value)
    with pytest.raises(ValueError):
        model.predict(data(2), batch_size=0)


def test_callbacks_still_run_when_the_fast_path_could_serve():
    from minikeras.callbacks import LambdaCallback
    model = small_model()
    model.predict(data(2))
    seen = []
    cb = LambdaCallback(on_predict_batch_end=lambda batch, logs: seen.append(batch))
    model.predict(data(2), callbacks=[cb])
    assert seen == [0]


def test_recompiling_drops_the_fast_path():
    model = small_model()
    before = model.predict(data(3))
    model.layers[0].set_weights([np.zeros((5, 8), 'float32'), np.ones(8, 'float32')])
    model.compile('adam', 'mse')
    after = model.predict(data(3))
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, slow_predict(model, data(3)), rtol=1e-6, atol=1e-7)


def test_unchecked_call_computes_the_same_outputs_and_updates():
    v = K.variable(np.zeros((3,), dtype='float32'))

    def step(x):
        return [x * 2.0, K.sum(x, axis=0)], [(v, v + K.sum(x, axis=0))]

    fn = K.compiled_function(step, [((None, 3), 'float32')], name='unchecked_check')
    x = np.arange(6, dtype='float32').reshape(2, 3)
    checked = fn(x)
    unchecked = getattr(fn, 'unchecked', fn)(x)
    for a, b in zip(checked, unchecked):
        np.testing.assert_allclose(np.asarray(b), a, rtol=1e-6)
    np.testing.assert_allclose(K.get_value(v), 2 * x.sum(axis=0), rtol=1e-6)
