"""The MXNet adapter's captured steps (``minikeras/backend/mxnet/capture.py``): a compiled
function's step, traced on its first call for an input signature, runs later as cached
MXNet graphs. Each check runs the same work with capture on and off (the imperative
path, op by op) and requires the same values; and checks that what must not be frozen
into a graph (random draws, the rate, values read on the host, the batch size) is not."""
import numpy as np
import pytest

import minikeras as keras
import minikeras.backend as K
from minikeras import layers

pytestmark = pytest.mark.skipif(K.backend() != 'mxnet',
                                reason='checks of the MXNet adapter (KERAS_BACKEND=mxnet)')


@pytest.fixture
def capture_switch(monkeypatch):
    from minikeras.backend.mxnet import capture

    def switch(on):
        monkeypatch.setattr(capture, 'ENABLED', on)
    return switch


def _train_functions(model):
    return [f for key, f in model._functions.items() if key[0] == 'train']


def _fit(build, capture_switch, on, x, y, **kwargs):
    """Weights, history and train function after two epochs in batches of 32."""
    capture_switch(on)
    np.random.seed(1)
    model = build()
    history = model.fit(x, y, epochs=2, batch_size=32, verbose=0, shuffle=False, **kwargs)
    functions = _train_functions(model)
    assert len(functions) == 1
    return model.get_weights(), history.history, functions[0]


def _mlp():
    model = keras.Sequential([layers.Dense(16, activation='relu', input_shape=(8,)),
                              layers.Dropout(0.3), layers.Dense(3, activation='softmax')])
    model.compile(loss='categorical_crossentropy', optimizer=keras.optimizers.RMSprop(0.01),
                  metrics=['accuracy'])
    return model


def _cnn():
    model = keras.Sequential([
        layers.Conv2D(4, 3, activation='relu', input_shape=(8, 8, 2)),
        layers.BatchNormalization(), layers.MaxPooling2D(), layers.Flatten(),
        layers.Dropout(0.2), layers.Dense(3, activation='softmax')])
    model.compile(loss='categorical_crossentropy', optimizer=keras.optimizers.Adam(0.01),
                  metrics=['accuracy'])
    return model


def _constrained():
    model = keras.Sequential([
        layers.Dense(16, activation='tanh', input_shape=(8,),
                     kernel_constraint=keras.constraints.max_norm(0.5)),
        layers.Dense(3, activation='softmax')])
    model.compile(loss='categorical_crossentropy', metrics=['accuracy'],
                  optimizer=keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True))
    return model


def _data(shape, n=100, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.rand(n, *shape).astype('float32')
    y = np.eye(3, dtype='float32')[rng.randint(0, 3, n)]
    return x, y


@pytest.mark.parametrize('build,shape,kwargs', [
    (_mlp, (8,), {}),
    (_cnn, (8, 8, 2), {'sample_weight': np.linspace(0.5, 1.5, 100).astype('float32')}),
    (_constrained, (8,), {}),
], ids=['mlp-rmsprop-dropout', 'cnn-batchnorm-adam-weights', 'constraint-nesterov'])
def test_captured_training_matches_the_imperative_path(capture_switch, build, shape, kwargs):
    x, y = _data(shape)   # 100 samples in batches of 32: two input signatures
    weights, history, function = _fit(build, capture_switch, True, x, y, **kwargs)
    assert len(function.captured_signatures()) == 2, function.not_captured
    plain_weights, plain_history, plain = _fit(build, capture_switch, False, x, y, **kwargs)
    assert plain.captured_signatures() == []
    assert sorted(history) == sorted(plain_history)
    for key in history:
        np.testing.assert_allclose(history[key], plain_history[key], rtol=1e-4, atol=1e-5)
    for a, b in zip(weights, plain_weights):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def _calls(capture_switch, on, fn, specs, args_list):
    capture_switch(on)
    step = K.compiled_function(fn, specs)
    return [step(*args) for args in args_list], step


def test_random_draws_are_new_on_every_captured_call(capture_switch):
    def fn(x):
        return [x + K.random_uniform((4, 3), seed=3), K.dropout(x, 0.5, seed=4)], []
    x = np.ones((4, 3), 'float32')
    specs = [((None, 3), 'float32')]
    captured, step = _calls(capture_switch, True, fn, specs, [(x,)] * 4)
    assert step.captured_signatures(), step.not_captured
    plain, _ = _calls(capture_switch, False, fn, specs, [(x,)] * 4)
    for a, b in zip(captured, plain):
        for u, v in zip(a, b):
            np.testing.assert_allclose(u, v, rtol=1e-6)
    assert not np.allclose(captured[2][0], captured[3][0])
    assert not np.array_equal(captured[2][1], captured[3][1])


def test_a_new_rate_reaches_a_captured_step(capture_switch):
    capture_switch(True)
    x, y = _data((8,), n=64)
    np.random.seed(1)
    model = _mlp()
    for _ in range(3):
        model.train_on_batch(x, y)
    assert _train_functions(model)[0].captured_signatures()
    K.set_value(model.optimizer.lr, 0.0)
    before = model.get_weights()
    model.train_on_batch(x, y)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    K.set_value(model.optimizer.lr, 0.01)
    model.train_on_batch(x, y)
    assert not np.allclose(before[0], model.get_weights()[0])


def test_a_step_that_reads_values_on_the_host_stays_imperative(capture_switch):
    scale = K.variable(1.0)

    def fn(x):
        factor = 2.0 if float(K.get_value(scale)) > 0 else -2.0   # Python reads a value
        return [x * factor], []
    capture_switch(True)
    step = K.compiled_function(fn, [((None, 2), 'float32')])
    x = np.ones((3, 2), 'float32')
    assert step(x)[0][0, 0] == 2.0
    assert step(x)[0][0, 0] == 2.0
    K.set_value(scale, -1.0)
    assert step(x)[0][0, 0] == -2.0
    assert step.captured_signatures() == []
    assert 'host read' in step.not_captured


def test_gradients_for_inputs_and_a_stop_gradient_are_captured(capture_switch):
    w = K.variable(np.arange(6, dtype='float32').reshape(3, 2) / 10)

    def fn(x):
        h = K.dot(x, w)
        loss = K.sum(K.square(h)) + K.sum(K.stop_gradient(h) * h)
        grads = K.gradients(loss, [x, w])
        return [loss] + grads, [(w, w - 0.01 * grads[1])]
    rng = np.random.RandomState(0)
    batches = [(rng.rand(5, 3).astype('float32'),) for _ in range(4)]
    specs = [((None, 3), 'float32')]
    start = K.get_value(w)
    captured, step = _calls(capture_switch, True, fn, specs, batches)
    assert step.captured_signatures(), step.not_captured
    K.set_value(w, start)
    plain, _ = _calls(capture_switch, False, fn, specs, batches)
    for a, b in zip(captured, plain):
        for u, v in zip(a, b):
            np.testing.assert_allclose(u, v, rtol=1e-5, atol=1e-6)
    # d/dx of sum(h^2) + sum(stop(h) * h) is 3 h w^T at the first call's weights
    x0 = batches[0][0]
    np.testing.assert_allclose(captured[0][1], 3 * x0.dot(start).dot(start.T), rtol=1e-5)
