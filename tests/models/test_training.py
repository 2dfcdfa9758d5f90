"""Sequential, functional and subclassed models: compile / fit / evaluate / predict."""
import numpy as np
import pytest

import minikeras
import minikeras.backend as K
from minikeras import callbacks, layers, optimizers
from minikeras.layers import Dense, Dropout, Input
from minikeras.models import Model, Sequential
from minikeras.utils import Sequence, to_categorical


def blobs(n=240, dim=8, classes=3, seed=0):
    """Three well separated Gaussian blobs: any working classifier gets > 0.9."""
    rng = np.random.RandomState(seed)
    centers = rng.normal(0, 4, (classes, dim))
    y = rng.randint(0, classes, n)
    x = centers[y] + rng.normal(0, 1, (n, dim))
    return x.astype('float32'), y


def mlp(dim=8, classes=3):
    model = Sequential()
    model.add(Dense(16, activation='relu', input_shape=(dim,)))
    model.add(Dropout(0.1))
    model.add(Dense(classes, activation='softmax'))
    return model


def test_sequential_learns_and_reports_history():
    np.random.seed(1)
    x, y = blobs()
    model = mlp()
    model.compile(optimizer=optimizers.RMSprop(lr=0.01), loss='categorical_crossentropy',
                  metrics=['accuracy'])
    assert model.metrics_names == ['loss', 'accuracy']
    history = model.fit(x, to_categorical(y, 3), batch_size=32, epochs=8, verbose=0,
                        validation_split=0.25)
    assert sorted(history.history) == ['accuracy', 'loss', 'val_accuracy', 'val_loss']
    assert len(history.history['loss']) == 8
    assert history.history['loss'][-1] < history.history['loss'][0] * 0.5
    loss, acc = model.evaluate(x, to_categorical(y, 3), verbose=0)
    assert acc > 0.9
    probs = model.predict(x, batch_size=50)
    assert probs.shape == (240, 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-5)
    assert (probs.argmax(1) == y).mean() > 0.9


def test_sparse_targets_and_sgd_momentum():
    np.random.seed(2)
    x, y = blobs(seed=3)
    model = mlp()
    model.compile(optimizers.SGD(lr=0.05, momentum=0.9, nesterov=True),
                  'sparse_categorical_crossentropy', metrics=['acc'])
    model.fit(x, y, epochs=10, batch_size=16, verbose=0)
    loss, acc = model.evaluate(x, y, verbose=0)
    assert acc > 0.9 and model.metrics_names == ['loss', 'acc']


def test_sequential_without_input_shape_builds_from_data():
    np.random.seed(0)
    model = Sequential([Dense(4, activation='tanh'), Dense(1)])
    assert not model.built
    model.compile('adam', 'mse')
    x = np.random.rand(20, 5).astype('float32')
    model.fit(x, x.sum(1), epochs=1, verbose=0)
    assert model.built and model.inputs[0].shape == (None, 5)
    assert len(model.weights) == 4


def test_functional_multi_input_multi_output():
    np.random.seed(0)
    a, b = Input((4,), name='a'), Input((3,), name='b')
    h = layers.concatenate([Dense(8, activation='relu')(a), b])
    out1 = Dense(1, name='reg')(h)
    out2 = Dense(2, activation='softmax', name='cls')(h)
    model = Model(inputs=[a, b], outputs=[out1, out2])
    model.compile('adam', loss={'reg': 'mse', 'cls': 'categorical_crossentropy'},
                  loss_weights={'reg': 0.5, 'cls': 1.0}, metrics={'cls': ['accuracy']})
    assert model.metrics_names == ['loss', 'reg_loss', 'cls_loss', 'cls_accuracy']
    xa, xb = np.random.rand(64, 4), np.random.rand(64, 3)
    yr = xa.sum(1, keepdims=True)
    yc = to_categorical((xb[:, 0] > 0.5).astype(int), 2)
    first = model.evaluate([xa, xb], [yr, yc], verbose=0)
    assert abs(first[0] - (0.5 * first[1] + first[2])) < 1e-4
    model.fit({'a': xa, 'b': xb}, {'reg': yr, 'cls': yc}, epochs=20, batch_size=16, verbose=0)
    last = model.evaluate([xa, xb], [yr, yc], verbose=0)
    assert last[0] < first[0]
    preds = model.predict([xa, xb])
    assert [p.shape for p in preds] == [(64, 1), (64, 2)]


class TwoLayer(Model):
    def __init__(self):
        super(TwoLayer, self).__init__(name='two_layer')
        self.hidden = Dense(16, activation='relu')
        self.out = Dense(3, activation='softmax')

    def call(self, inputs, training=None):
        return self.out(self.hidden(inputs))


def test_subclassed_model_trains():
    np.random.seed(4)
    x, y = blobs(seed=5)
    model = TwoLayer()
    model.compile(optimizers.Adam(lr=0.02), 'sparse_categorical_crossentropy', ['accuracy'])
    model.fit(x, y, epochs=10, batch_size=32, verbose=0)
    assert model.evaluate(x, y, verbose=0)[1] > 0.9
    assert len(model.trainable_weights) == 4


def test_batch_methods():
    np.random.seed(0)
    model = mlp()
    model.compile('sgd', 'categorical_crossentropy', metrics=['accuracy'])
    x, y = blobs(n=32)
    yc = to_categorical(y, 3)
    before = model.test_on_batch(x, yc)
    for _ in range(20):
        out = model.train_on_batch(x, yc)
    assert len(out) == 2
    after = model.test_on_batch(x, yc)
    assert after[0] < before[0]
    np.testing.assert_allclose(model.predict_on_batch(x), model.predict(x), rtol=1e-5,
                               atol=1e-6)


def test_sample_weight_zero_ignores_samples():
    np.random.seed(0)
    model = Sequential([Dense(1, input_shape=(2,), kernel_initializer='ones')])
    model.compile('sgd', 'mse')
    x = np.array([[1., 1.], [2., 2.]], dtype='float32')
    y = np.array([[2.], [100.]], dtype='float32')
    loss = model.evaluate(x, y, sample_weight=np.array([1., 0.]), verbose=0)
    assert abs(loss - 0.0) < 1e-6       # first sample is exact, second is ignored
    loss = model.evaluate(x, y, sample_weight=np.array([0., 1.]), verbose=0)
    assert abs(loss - 96. ** 2) < 1e-2


def test_no_sample_weights_train_like_weights_of_ones_without_weighting_ops():
    """Without sample_weight or class_weight the compiled step takes no weights (the loss
    and metrics are plain means); the results equal training with explicit ones, for
    fit (shuffled batches, a validation split), train_on_batch, evaluate and a Sequence."""
    x, y = blobs(n=96)
    y = to_categorical(y, 3)

    def run(**weights):
        np.random.seed(3)
        model = Sequential([Dense(16, activation='relu', input_shape=(8,)),
                            Dense(3, activation='softmax')])
        model.compile(optimizers.SGD(0.05), 'categorical_crossentropy',
                      metrics=['accuracy'], weighted_metrics=['mse'])
        w = {k: v[:96] for k, v in weights.items()}
        hist = model.fit(x, y, batch_size=16, epochs=2, verbose=0, validation_split=0.25,
                         **w)
        step = model.train_on_batch(x[:20], y[:20],
                                    **{k: v[:20] for k, v in weights.items()})
        ev = model.evaluate(x, y, verbose=0, **w)
        gen = model.evaluate_generator(Batches(x, y, 32), verbose=0)
        return hist.history, step, ev, gen, model
    plain, ones = run(), run(sample_weight=np.ones(96))
    for a, b in zip(plain[:4], ones[:4]):
        if isinstance(a, dict):
            assert sorted(a) == sorted(b)
            for k in a:
                np.testing.assert_allclose(a[k], b[k], rtol=1e-5, atol=1e-6)
        else:
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    unit = [key[2] for key in plain[4]._functions if key[0] in ('train', 'test')]
    assert unit and all(u == (0,) for u in unit)          # the weights were left out
    given = [key[2] for key in ones[4]._functions if key[0] == 'train']
    assert given == [()]


def test_class_weight_changes_loss():
    model = Sequential([Dense(2, input_shape=(2,), activation='softmax')])
    model.compile('sgd', 'categorical_crossentropy')
    x = np.random.rand(10, 2)
    y = to_categorical(np.arange(10) % 2, 2)
    w = model.get_weights()
    l1 = model.train_on_batch(x, y, class_weight={0: 1., 1: 1.})
    model.set_weights(w)
    l2 = model.train_on_batch(x, y, class_weight={0: 2., 1: 2.})
    assert abs(l2 - 2 * l1) < 1e-4


class Batches(Sequence):
    def __init__(self, x, y, batch_size):
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return int(np.ceil(len(self.x) / float(self.batch_size)))

    def __getitem__(self, i):
        s = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return self.x[s], self.y[s]


def test_fit_generator_and_sequence():
    np.random.seed(0)
    x, y = blobs(seed=7)
    model = mlp()
    model.compile(optimizers.Adam(lr=0.02), 'sparse_categorical_crossentropy', ['accuracy'])

    def gen():
        while True:
            for i in range(0, len(x), 40):
                yield x[i:i + 40], y[i:i + 40]
    history = model.fit_generator(gen(), steps_per_epoch=6, epochs=4, verbose=0,
                                  validation_data=Batches(x, y, 60))
    assert 'val_accuracy' in history.history
    model.fit(Batches(x, y, 40), epochs=4, verbose=0)
    assert model.evaluate_generator(Batches(x, y, 60))[1] > 0.9
    assert model.predict_generator(Batches(x, y, 60)).shape == (240, 3)


def test_wrong_input_shape_names_layer_and_shapes():
    model = mlp(dim=8)
    model.compile('sgd', 'mse')
    with pytest.raises(ValueError) as e:
        model.predict(np.zeros((4, 5)))
    msg = str(e.value)
    assert 'dense' in msg and '(8,)' in msg and '(5,)' in msg


def test_built_layer_called_on_other_shape():
    dense = Dense(3, name='my_dense')
    dense(Input((4,)))
    with pytest.raises(ValueError) as e:
        dense(Input((5,)))
    assert 'my_dense' in str(e.value) and '(None, 4)' in str(e.value) and \
        '(None, 5)' in str(e.value)


def test_x_y_length_mismatch():
    model = mlp()
    model.compile('sgd', 'mse')
    with pytest.raises(ValueError) as e:
        model.fit(np.zeros((10, 8)), np.zeros((9, 3)), verbose=0)
    assert 'Found 10 input samples and 9 target samples' in str(e.value)


def test_fit_before_compile():
    with pytest.raises(RuntimeError) as e:
        mlp().fit(np.zeros((4, 8)), np.zeros((4, 3)), verbose=0)
    assert 'compile' in str(e.value)


def test_terminate_on_nan_stops_training():
    model = Sequential([Dense(1, input_shape=(1,))])
    model.compile(optimizers.SGD(lr=1e10), 'mse')
    x = np.linspace(1, 100, 64).reshape(-1, 1).astype('float32')
    history = model.fit(x, x * 1e10, batch_size=8, epochs=5, verbose=0,
                        callbacks=[callbacks.TerminateOnNaN()])
    losses = history.history['loss']
    assert len(losses) == 1 and not np.isfinite(losses[0])


def test_weights_roundtrip_gives_same_predictions():
    a, b = mlp(), mlp()
    x = np.random.rand(5, 8)
    b.set_weights(a.get_weights())
    np.testing.assert_allclose(a.predict(x), b.predict(x), rtol=1e-6)
    with pytest.raises(ValueError):
        b.set_weights(a.get_weights()[:-1])


def test_keras2_k_function_on_layer_outputs():
    model = mlp()
    hidden = K.function([model.input, K.learning_phase()], [model.layers[0].output])
    x = np.random.rand(3, 8).astype('float32')
    out = hidden([x, 0])[0]
    kernel, bias = model.layers[0].get_weights()
    np.testing.assert_allclose(out, np.maximum(x.dot(kernel) + bias, 0), rtol=1e-5, atol=1e-6)


def test_backend_ops_on_symbolic_tensors_inside_a_model():
    inp = Input((4,))
    h = Dense(4)(inp)
    out = K.sum(K.square(h), axis=-1, keepdims=True) + 1.
    assert out.shape == (None, 1)
    model = Model(inp, out)
    x = np.random.rand(6, 4).astype('float32')
    w, b = model.layers[1].get_weights()
    np.testing.assert_allclose(model.predict(x), ((x.dot(w) + b) ** 2).sum(1, keepdims=True) + 1,
                               rtol=1e-5)


def test_summary_lists_layers_and_params():
    lines = []
    mlp().summary(print_fn=lines.append)
    text = '\n'.join(lines)
    assert 'Total params: 195' in text   # 8*16+16 + 16*3+3
    assert 'Dense' in text and 'Dropout' in text


def test_progress_bar_printed_when_verbose(capsys):
    model = mlp()
    model.compile('sgd', 'mse')
    model.fit(np.zeros((64, 8)), np.zeros((64, 3)), epochs=2, batch_size=32, verbose=1)
    out = capsys.readouterr().out
    assert 'Epoch 1/2' in out and 'Epoch 2/2' in out and '64/64' in out and 'loss:' in out
    model.fit(np.zeros((64, 8)), np.zeros((64, 3)), epochs=1, verbose=0)
    assert capsys.readouterr().out == ''


def test_loss_objects_and_sample_weights():
    from minikeras import losses
    model = Sequential([Dense(1, input_shape=(2,), kernel_initializer='ones')])
    model.compile('sgd', losses.MeanSquaredError())
    x = np.array([[1., 1.], [2., 2.]], dtype='float32')
    y = np.array([[2.], [100.]], dtype='float32')
    assert abs(model.evaluate(x, y, sample_weight=np.array([1., 0.]), verbose=0)) < 1e-6
