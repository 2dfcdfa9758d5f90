"""Keras 2.3.1 script (run unchanged by tests/test_keras231_scripts.py)."""
import os
import tempfile
import numpy as np

from k2report import attempt, fix_weights, history_values, report  # noqa: F401
import keras
from keras.models import Sequential
from keras.layers import Dense
from keras.callbacks import (EarlyStopping, ReduceLROnPlateau, ModelCheckpoint, CSVLogger, LambdaCallback,
                             LearningRateScheduler, TerminateOnNaN, Callback)
from keras import backend as K


def build(seed=0):
    m = Sequential([Dense(4, activation='relu', input_shape=(3,)), Dense(1)])
    rs = np.random.RandomState(seed)
    m.set_weights([rs.uniform(-0.5, 0.5, np.shape(w)).astype('float32') for w in m.get_weights()])
    return m

rs = np.random.RandomState(0)
x = rs.rand(30, 3).astype('float32'); y = (x.sum(1, keepdims=True) * 2).astype('float32')
d = tempfile.mkdtemp()
events = []
class Rec(Callback):
    def on_train_begin(self, logs=None): events.append('train_begin')
    def on_epoch_begin(self, epoch, logs=None): events.append('epoch_begin %d' % epoch)
    def on_epoch_end(self, epoch, logs=None): events.append('epoch_end %d %s' % (epoch, sorted(logs)))
    def on_batch_end(self, batch, logs=None): events.append('batch_end %d %s' % (batch, sorted(logs)))
    def on_train_end(self, logs=None): events.append('train_end')
m = build()
m.compile(keras.optimizers.SGD(lr=0.05), 'mse', metrics=['mae'])
lrs = []
cbs = [Rec(), CSVLogger(os.path.join(d, 'log.csv')),
       ModelCheckpoint(os.path.join(d, 'w{epoch:02d}.h5'), monitor='val_loss', save_best_only=True, verbose=0),
       LearningRateScheduler(lambda e, lr: lr * 0.5 if e > 0 else lr),
       LambdaCallback(on_epoch_end=lambda e, logs: lrs.append(float(K.get_value(m.optimizer.lr)))),
       TerminateOnNaN()]
h = m.fit(x, y, epochs=3, batch_size=15, validation_data=(x[:10], y[:10]), callbacks=cbs, verbose=0, shuffle=False)
report('events', events)
report('lrs', lrs)
report('history_keys', sorted(h.history))
report('history_lr', [round(float(v), 6) for v in h.history.get('lr', [])])
report('csv', open(os.path.join(d, 'log.csv')).read().splitlines()[0])
report('csv_rows', len(open(os.path.join(d, 'log.csv')).read().splitlines()))
report('checkpoints', sorted(f for f in os.listdir(d) if f.endswith('.h5')))
m = build(1)
m.compile(keras.optimizers.SGD(lr=0.0), 'mse')
es = EarlyStopping(monitor='loss', patience=2, min_delta=0.0, restore_best_weights=True, verbose=0)
h = m.fit(x, y, epochs=10, verbose=0, callbacks=[es], shuffle=False)
report('early_epochs', len(h.history['loss']))
report('stopped_epoch', es.stopped_epoch)
m = build(2)
m.compile(keras.optimizers.Adam(lr=0.0), 'mse')
rl = ReduceLROnPlateau(monitor='loss', factor=0.5, patience=1, min_lr=0.0, verbose=0)
m.compile(keras.optimizers.Adam(lr=0.01), 'mse')
K.set_value(m.optimizer.lr, 0.0)
h = m.fit(x, y, epochs=4, verbose=0, callbacks=[rl], shuffle=False)
report('reduce_lr_history', sorted(h.history))
m = build(3)
m.compile('sgd', 'mse')
yn = y.copy(); yn[3] = np.nan
h = m.fit(x, yn, epochs=3, batch_size=10, verbose=0, callbacks=[TerminateOnNaN()], shuffle=False)
report('nan_epochs', len(h.history['loss']))
