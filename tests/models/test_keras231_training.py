"""Keras 2.3.1 model features: clone_model, add_loss / add_metric (model and layer),
compile(loss=None), outputs without a loss, validation_freq, reset_metrics, the
on_test_* / on_predict_* callback hooks, and compile-time trainable weights."""
import warnings

import numpy as np
import pytest

import minikeras.backend as K
from minikeras import callbacks, layers
from minikeras.models import Model, Sequential, clone_model

np.random.seed(7)
X = np.random.rand(24, 3).astype('float32')
Y = (X.sum(1, keepdims=True) > 1.5).astype('float32')


def _functional():
    a, b = layers.Input((3,), name='a'), layers.Input((3,), name='b')
    shared = layers.Dense(4, activation='tanh', name='shared')
    h = layers.concatenate([shared(a), shared(b)])
    out = layers.Dense(1, name='out')(h * 2.)       # a backend op node in the graph
    return Model([a, b], out)


def test_clone_model_rebuilds_layers_with_new_weights():
    model = _functional()
    clone = clone_model(model)
    assert [l.name for l in clone.layers] == [l.name for l in model.layers]
    assert all(w1 is not w2 for w1, w2 in zip(clone.weights, model.weights))
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict([X, X[::-1]]), model.predict([X, X[::-1]]),
                               rtol=1e-5, atol=1e-6)
    assert len(clone.get_layer('shared')._inbound_nodes) == 2     # still shared
    seq = Sequential([layers.Dense(2, input_shape=(3,)), layers.Dense(1)])
    seq_clone = clone_model(seq)
    assert isinstance(seq_clone, Sequential) and len(seq_clone.layers) == 2
    new_in = layers.Input((3,))
    on_new = clone_model(seq, input_tensors=new_in)
    assert on_new.inputs[0] is new_in
    renamed = clone_model(seq, clone_function=lambda l: l.__class__.from_config(
        dict(l.get_config(), name=l.name + '_c')))
    assert [l.name for l in renamed.layers] == [l.name + '_c' for l in seq.layers]

    class Sub(Model):
        def call(self, x):
            return x
    with pytest.raises(ValueError, match='subclass model'):
        clone_model(Sub())


def test_model_add_loss_with_compile_loss_none():
    x = layers.Input((3,))
    y = layers.Dense(1, kernel_initializer='ones', bias_initializer='zeros')(x)
    model = Model(x, y)
    model.add_loss(K.mean(K.square(y - 1.)))
    model.compile('sgd', loss=None)
    first = model.evaluate(X, None, verbose=0)
    assert first == pytest.approx(np.mean((X.sum(1) - 1.) ** 2), rel=1e-5)
    hist = model.fit(X, None, epochs=5, batch_size=8, verbose=0)
    assert hist.history['loss'][-1] < first


def test_layer_add_loss_callable_and_add_metric():
    class Probe(layers.Layer):
        def call(self, inputs):
            self.add_metric(K.mean(inputs), name='mean_activation', aggregation='mean')
            return inputs

    x = layers.Input((3,))
    dense = layers.Dense(1)
    out = dense(Probe()(x))
    model = Model(x, out)
    model.add_loss(lambda: 0. * K.sum(dense.kernel))     # evaluated in every step
    model.add_metric(K.max(out), name='max_out')
    model.compile('sgd', 'mse')
    assert model.metrics_names == ['loss', 'max_out', 'mean_activation']  # model's, then layers'
    loss, _, mean_act = model.evaluate(X, Y, batch_size=5, verbose=0)
    # Keras 2.3.1: the running mean of the value added per batch (here a batch mean)
    batch_means = [X[i:i + 5].mean() for i in range(0, len(X), 5)]
    assert mean_act == pytest.approx(np.mean(batch_means), rel=1e-5)
    hist = model.fit(X, Y, epochs=1, verbose=0)
    assert 'mean_activation' in hist.history and 'max_out' in hist.history
    with pytest.raises(ValueError, match='provide a name'):
        model.add_metric(K.mean(out))


def test_outputs_without_a_loss_take_no_targets():
    x = layers.Input((3,))
    aux = layers.Dense(2, name='aux')(x)
    main = layers.Dense(1, name='main')(x)
    model = Model(x, [aux, main])
    model.compile('sgd', loss=[None, 'mse'], metrics=['mae'])
    assert model.metrics_names == ['loss', 'main_loss', 'main_mean_absolute_error'] or \
        model.metrics_names == ['loss', 'main_loss', 'main_mae']
    hist = model.fit(X, Y, epochs=2, verbose=0)
    assert len(hist.history['loss']) == 2
    with pytest.warns(UserWarning, match='missing from loss dictionary'):
        model.compile('sgd', loss={'main': 'mse'})
    model.fit(X, [Y], epochs=1, verbose=0)


def test_validation_freq_and_test_predict_hooks():
    events = []

    class Recorder(callbacks.Callback):
        def on_test_begin(self, logs=None):
            events.append('test_begin')

        def on_test_batch_end(self, batch, logs=None):
            events.append(('test_batch', batch, sorted(logs)))

        def on_test_end(self, logs=None):
            events.append('test_end')

        def on_predict_begin(self, logs=None):
            events.append('predict_begin')

        def on_predict_batch_end(self, batch, logs=None):
            events.append(('predict_batch', batch, logs['outputs'][0].shape))

        def on_predict_end(self, logs=None):
            events.append('predict_end')

    model = Sequential([layers.Dense(1, input_shape=(3,))])
    model.compile('sgd', 'mse')
    hist = model.fit(X, Y, epochs=4, batch_size=12, verbose=0, validation_data=(X, Y),
                     validation_freq=2, callbacks=[Recorder()])
    assert len(hist.history['loss']) == 4 and len(hist.history['val_loss']) == 2
    assert events.count('test_begin') == 2      # validation runs the test hooks
    del events[:]
    model.evaluate(X, Y, batch_size=10, verbose=0, callbacks=[Recorder()])
    assert events[0] == 'test_begin' and events[-1] == 'test_end'
    assert events[1] == ('test_batch', 0, ['batch', 'loss', 'size'])
    assert len(events) == 2 + 3
    del events[:]
    model.predict(X, batch_size=20, callbacks=[Recorder()])
    assert events == ['predict_begin', ('predict_batch', 0, (20, 1)),
                      ('predict_batch', 1, (4, 1)), 'predict_end']


def test_trainable_changed_after_compile_takes_effect_at_the_next_compile():
    model = Sequential([layers.Dense(1, input_shape=(3,))])
    model.compile('sgd', 'mse')
    model.trainable = False
    before = model.get_weights()[0].copy()
    with pytest.warns(UserWarning, match='Discrepancy between trainable weights'):
        model.train_on_batch(X, Y)
    assert not np.allclose(model.get_weights()[0], before)   # still trained, as Keras
    model.compile('sgd', 'mse')
    frozen = model.get_weights()[0].copy()
    with warnings.catch_warnings():
        # no discrepancy warning now (engines' own DeprecationWarnings are not ours)
        warnings.simplefilter('error', UserWarning)
        model.train_on_batch(X, Y)
    np.testing.assert_array_equal(model.get_weights()[0], frozen)


def test_input_tensor_argument():
    x = layers.Input((3,))
    assert layers.Input(tensor=x) is x
    with pytest.raises(NotImplementedError, match='only a symbolic tensor'):
        layers.Input(tensor=np.zeros((2, 3)))


def test_generator_methods_call_the_test_and_predict_hooks():
    seen = []

    class Recorder(callbacks.Callback):
        def on_test_batch_end(self, batch, logs=None):
            seen.append(('test', batch))

        def on_predict_batch_end(self, batch, logs=None):
            seen.append(('predict', batch))

    def data():
        while True:
            yield X[:8], Y[:8]
    model = Sequential([layers.Dense(1, input_shape=(3,))])
    model.compile('sgd', 'mse')
    model.evaluate_generator(data(), steps=2, callbacks=[Recorder()])
    model.predict_generator((b[0] for b in data()), steps=3, callbacks=[Recorder()])
    model.fit_generator(data(), steps_per_epoch=1, epochs=1, verbose=0,
                        validation_data=data(), validation_steps=2, callbacks=[Recorder()])
    assert seen == [('test', 0), ('test', 1), ('predict', 0), ('predict', 1),
                    ('predict', 2), ('test', 0), ('test', 1)]


def test_weighted_metrics_use_the_sample_weights():
    model = Sequential([layers.Dense(1, input_shape=(3,), kernel_initializer='zeros',
                                     bias_initializer='zeros')])
    model.compile('sgd', 'mse', metrics=['mae'], weighted_metrics=['mae'])
    assert model.metrics_names == ['loss', 'mae', 'weighted_mae']
    sw = np.arange(len(X), dtype='float32') % 3
    _, mae, weighted = model.evaluate(X, Y, sample_weight=sw, batch_size=7, verbose=0)
    err = np.abs(Y[:, 0])                                   # predictions are all 0
    assert mae == pytest.approx(err.mean(), rel=1e-5)
    assert weighted == pytest.approx((err * sw).sum() / sw.sum(), rel=1e-5)
