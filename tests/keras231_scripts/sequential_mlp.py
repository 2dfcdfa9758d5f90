"""Keras 2.3.1 script (run unchanged by tests/test_keras231_scripts.py)."""
import numpy as np

from k2report import attempt, fix_weights, history_values, report  # noqa: F401
import keras
from keras.models import Sequential
from keras.layers import Dense, Dropout, Activation
from keras.optimizers import SGD
from keras import backend as K


rs = np.random.RandomState(1)
x = rs.rand(80, 6).astype('float32')
y = keras.utils.to_categorical((x[:, 0] + x[:, 1] > 1).astype(int), 2)
model = Sequential()
model.add(Dense(12, input_shape=(6,)))
model.add(Activation('tanh'))
model.add(Dropout(0.0))
model.add(Dense(2, activation='softmax'))
fix_weights(model)
model.compile(loss='categorical_crossentropy', optimizer=SGD(lr=0.1, momentum=0.9, nesterov=True),
              metrics=['accuracy', 'mse'])
report('metrics_names', model.metrics_names)
h = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, validation_split=0.25, verbose=0)
report('history_keys', sorted(h.history.keys()))
report('history', {k: [round(float(v), 4) for v in h.history[k]] for k in sorted(h.history)})
report('epoch', h.epoch)
report('params', h.params)
report('evaluate', model.evaluate(x, y, batch_size=32, verbose=0))
report('predict', model.predict(x[:3]).round(4))
report('count_params', model.count_params())
report('train_on_batch', model.train_on_batch(x[:8], y[:8]))
report('test_on_batch', model.test_on_batch(x[:8], y[:8]))
report('predict_classes', model.predict_classes(x[:5], verbose=0))
report('predict_proba_shape', model.predict_proba(x[:5], verbose=0).shape)
report('layer_names', [l.name for l in model.layers])
report('output_shape', model.output_shape)
report('input_shape', model.input_shape)
lines = []
model.summary(print_fn=lines.append)
report('summary', lines)
report('optimizer_config', sorted(model.optimizer.get_config().keys()))
report('lr', float(K.get_value(model.optimizer.lr)))
