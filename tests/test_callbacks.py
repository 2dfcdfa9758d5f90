"""Callbacks with a tiny fake model and a hand-driven training loop."""
import csv

import numpy as np
import pytest

import minikeras.backend as K
from minikeras import callbacks as cbks
from minikeras import optimizers


class FakeModel(object):
    """What callbacks need from a model."""

    def __init__(self, lr=0.1):
        self.optimizer = optimizers.SGD(lr=lr)
        self.stop_training = False
        self.weights = [np.zeros((2,), 'float32')]
        self.saved = []

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]

    def save(self, path):
        self.saved.append(('model', path))
        with open(path, 'w') as f:
            f.write('model')

    def save_weights(self, path):
        self.saved.append(('weights', path))
        with open(path, 'w') as f:
            f.write('weights')


def fit(model, callbacks, epoch_logs, batch_logs=None, metrics_names=('loss',),
        do_validation=True, verbose=0, samples=64, batch_size=32):
    """Drive the callbacks the way the training loop does. ``epoch_logs[i]`` holds the
    validation values of epoch i; ``batch_logs`` the batch logs of every epoch."""
    batch_logs = batch_logs or [{'loss': 1.0, 'size': 32}, {'loss': 1.0, 'size': 32}]
    cl = cbks.configure_callbacks(callbacks, model, epochs=len(epoch_logs), steps=None,
                                  samples=samples, batch_size=batch_size, verbose=verbose,
                                  do_validation=do_validation, metrics_names=list(metrics_names))
    cl.on_train_begin()
    for epoch, values in enumerate(epoch_logs):
        model.weights = [np.full((2,), float(epoch), 'float32')]  # "training" changes weights
        cl.on_epoch_begin(epoch)
        for i, logs in enumerate(batch_logs):
            logs = dict(logs, batch=i)
            cl.on_batch_begin(i, logs)
            cl.on_batch_end(i, logs)
        epoch_log = dict(values)
        cl.on_epoch_end(epoch, epoch_log)
        if model.stop_training:
            break
    cl.on_train_end()
    return cl


def test_configure_callbacks_structure_and_params():
    model = FakeModel()
    user = cbks.TerminateOnNaN()
    cl = cbks.configure_callbacks([user], model, epochs=3, steps=None, samples=100,
                                  batch_size=10, verbose=1, do_validation=True,
                                  metrics_names=['loss', 'acc'])
    kinds = [type(c) for c in cl.callbacks]
    assert kinds == [cbks.BaseLogger, cbks.ProgbarLogger, cbks.TerminateOnNaN, cbks.History]
    assert cl.callbacks[-1] is model.history
    assert model.stop_training is False
    expected = {'batch_size': 10, 'epochs': 3, 'steps': None, 'samples': 100, 'verbose': 1,
                'do_validation': True, 'metrics': ['loss', 'acc', 'val_loss', 'val_acc']}
    for c in cl:
        assert c.params == expected and c.model is model
    cl = cbks.configure_callbacks(None, model, 1, None, 10, 10, 0, False, ['loss'])
    assert [type(c) for c in cl.callbacks] == [cbks.BaseLogger, cbks.History]
    assert cl.params['metrics'] == ['loss']
    with pytest.raises(TypeError, match='Callback'):
        cbks.configure_callbacks([lambda: None], model, 1, None, 10, 10, 0, False, ['loss'])


def test_base_logger_weights_batches_by_size_and_history_records():
    model = FakeModel()
    batches = [{'loss': 1.0, 'acc': 0.5, 'size': 32},
               {'loss': 2.0, 'acc': 1.0, 'size': 32},
               {'loss': 4.0, 'acc': 0.0, 'size': 16}]
    fit(model, [], [{'val_loss': 0.5, 'val_acc': 0.25}, {'val_loss': 0.4, 'val_acc': 0.3}],
        batch_logs=batches, metrics_names=('loss', 'acc'), samples=80)
    h = model.history
    assert h.epoch == [0, 1]
    expected_loss = (32 * 1.0 + 32 * 2.0 + 16 * 4.0) / 80
    expected_acc = (32 * 0.5 + 32 * 1.0) / 80
    assert h.history['loss'] == pytest.approx([expected_loss, expected_loss])
    assert h.history['acc'] == pytest.approx([expected_acc, expected_acc])
    assert h.history['val_loss'] == [0.5, 0.4]
    assert 'size' not in h.history and 'batch' not in h.history


def test_progbar_logger_output(capsys):
    model = FakeModel()
    fit(model, [], [{'val_loss': 0.5}, {'val_loss': 0.25}], verbose=1, samples=64)
    out = capsys.readouterr().out
    assert 'Epoch 1/2' in out and 'Epoch 2/2' in out
    assert '64/64 [==============================]' in out
    assert 'loss: 1.0000' in out and 'val_loss: 0.2500' in out
    fit(model, [], [{'val_loss': 0.5}], verbose=2, samples=64)
    out = capsys.readouterr().out
    assert 'Epoch 1/1' in out and '[' not in out
    assert 'loss: 1.0000 - val_loss: 0.5000' in out


def test_early_stopping_patience():
    model = FakeModel()
    stop = cbks.EarlyStopping(monitor='val_loss', patience=2)
    fit(model, [stop], [{'val_loss': v} for v in [1.0, 0.9, 0.95, 0.96, 0.5, 0.4]])
    assert model.stop_training is True
    assert stop.stopped_epoch == 3
    assert model.history.epoch == [0, 1, 2, 3]
    assert stop.best == 0.9


def test_early_stopping_min_delta_mode_baseline_restore():
    model = FakeModel()
    stop = cbks.EarlyStopping(monitor='val_acc', min_delta=0.05, patience=1,
                              restore_best_weights=True)
    # 'acc' in the name -> maximize; 0.62 is not a big enough improvement over 0.6
    fit(model, [stop], [{'val_acc': v} for v in [0.5, 0.6, 0.62, 0.9]])
    assert stop.stopped_epoch == 2
    np.testing.assert_array_equal(model.weights[0], [1., 1.])  # weights of epoch 1

    model = FakeModel()
    stop = cbks.EarlyStopping(monitor='val_loss', baseline=0.3, patience=2)
    fit(model, [stop], [{'val_loss': v} for v in [0.5, 0.4, 0.35, 0.2]])
    assert stop.stopped_epoch == 1

    model = FakeModel()
    stop = cbks.EarlyStopping(monitor='loss', mode='max', patience=0)
    fit(model, [stop], [{} for _ in range(3)],
        batch_logs=[{'loss': 1.0, 'size': 32}])
    assert stop.stopped_epoch == 1  # loss never increases in mode max

    with pytest.raises(ValueError, match='mode'):
        cbks.EarlyStopping(mode='minimum')
    model = FakeModel()
    stop = cbks.EarlyStopping(monitor='val_missing')
    with pytest.warns(RuntimeWarning, match='val_missing'):
        fit(model, [stop], [{'val_loss': 1.0}])
    assert model.stop_training is False


def test_reduce_lr_on_plateau_changes_the_lr_variable():
    model = FakeModel(lr=0.1)
    cb = cbks.ReduceLROnPlateau(monitor='val_loss', factor=0.5, patience=1, cooldown=2,
                                min_lr=0.02)
    lrs = []
    rec = cbks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: lrs.append(float(K.get_value(model.optimizer.lr))))
    fit(model, [cb, rec], [{'val_loss': v} for v in [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]])
    # plateau from epoch 1: reduce (0.05), one epoch of cooldown (Keras 2 counts the
    # reducing epoch), reduce (0.025), cooldown, reduce but floor at min_lr (0.02)
    np.testing.assert_allclose(lrs, [0.1, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02], rtol=1e-6)
    assert model.history.history['lr'][0] == pytest.approx(0.1)
    with pytest.raises(ValueError, match='factor'):
        cbks.ReduceLROnPlateau(factor=1.5)


def test_learning_rate_scheduler():
    model = FakeModel(lr=0.1)
    seen = []
    cb = cbks.LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1))
    rec = cbks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: seen.append(float(K.get_value(model.optimizer.lr))))
    fit(model, [cb, rec], [{} for _ in range(3)])
    np.testing.assert_allclose(seen, [0.1, 0.05, 0.1 / 3], rtol=1e-6)
    np.testing.assert_allclose(model.history.history['lr'], [0.1, 0.05, 0.1 / 3], rtol=1e-6)

    model = FakeModel(lr=1.0)
    fit(model, [cbks.LearningRateScheduler(lambda epoch, lr: lr * 0.5)], [{}, {}, {}])
    assert float(K.get_value(model.optimizer.lr)) == pytest.approx(0.125)

    model = FakeModel()
    with pytest.raises(ValueError, match='float'):
        fit(model, [cbks.LearningRateScheduler(lambda epoch: 'fast')], [{}])


def test_csv_logger(tmp_path):
    path = str(tmp_path / 'log.csv')
    model = FakeModel()
    fit(model, [cbks.CSVLogger(path)], [{'val_loss': 0.5}, {'val_loss': 0.25}])
    with open(path) as f:
        rows = list(csv.reader(f))
    assert rows[0] == ['epoch', 'loss', 'val_loss']
    assert rows[1] == ['0', '1.0', '0.5'] and rows[2] == ['1', '1.0', '0.25']
    model = FakeModel()
    fit(model, [cbks.CSVLogger(path, separator=';', append=True)], [{'val_loss': 0.125}])
    with open(path) as f:
        lines = f.read().splitlines()
    assert len(lines) == 4 and lines[3] == '0;1.0;0.125'


def test_terminate_on_nan():
    model = FakeModel()
    fit(model, [cbks.TerminateOnNaN()], [{}, {}, {}],
        batch_logs=[{'loss': 1.0, 'size': 8}, {'loss': float('nan'), 'size': 8}])
    assert model.stop_training is True
    assert model.history.epoch == [0]
    model = FakeModel()
    fit(model, [cbks.TerminateOnNaN()], [{}, {}], batch_logs=[{'loss': np.inf, 'size': 8}])
    assert model.history.epoch == [0]


def test_model_checkpoint(tmp_path):
    model = FakeModel()
    pattern = str(tmp_path / 'w.{epoch:02d}-{val_loss:.2f}.h5')
    cb = cbks.ModelCheckpoint(pattern, monitor='val_loss', save_best_only=True,
                              save_weights_only=True)
    fit(model, [cb], [{'val_loss': v} for v in [0.5, 0.6, 0.4]])
    assert model.saved == [('weights', str(tmp_path / 'w.01-0.50.h5')),
                           ('weights', str(tmp_path / 'w.03-0.40.h5'))]
    model = FakeModel()
    cb = cbks.ModelCheckpoint(str(tmp_path / 'm{epoch}.h5'), period=2)
    fit(model, [cb], [{'val_loss': 1.0}] * 5)
    assert model.saved == [('model', str(tmp_path / 'm2.h5')), ('model', str(tmp_path / 'm4.h5'))]
    model = FakeModel()
    cb = cbks.ModelCheckpoint(str(tmp_path / '{val_missing}.h5'))
    with pytest.raises(ValueError, match='val_missing'):
        fit(model, [cb], [{'val_loss': 1.0}])


def test_lambda_callback_and_hook_aliases():
    events = []
    cb = cbks.LambdaCallback(on_train_begin=lambda logs: events.append('train_begin'),
                             on_batch_end=lambda b, l: events.append(('batch', b)),
                             on_epoch_end=lambda e, logs: events.append(('epoch', e)),
                             on_train_end=lambda logs: events.append('train_end'))
    fit(FakeModel(), [cb], [{}], batch_logs=[{'loss': 1., 'size': 1}] * 2)
    assert events == ['train_begin', ('batch', 0), ('batch', 1), ('epoch', 0), 'train_end']

    class Counter(cbks.Callback):
        def __init__(self):
            super(Counter, self).__init__()
            self.calls = []

        def on_batch_begin(self, batch, logs=None):
            self.calls.append(('begin', batch))

        def on_test_batch_end(self, batch, logs=None):
            self.calls.append(('test', batch))
    c = Counter()
    cl = cbks.CallbackList([c])
    cl.on_train_batch_begin(3, {})
    cl.on_test_batch_end(4, {})
    cl.on_predict_batch_end(5, {})
    assert c.calls == [('begin', 3), ('test', 4)]
