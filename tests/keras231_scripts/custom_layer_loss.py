"""Keras 2.3.1 script (run unchanged by tests/test_keras231_scripts.py)."""
import os
import tempfile
import numpy as np

from k2report import attempt, fix_weights, history_values, report  # noqa: F401
import keras
from keras.engine.topology import Layer
from keras import backend as K
from keras.models import Sequential, load_model
from keras.layers import Dense


class Scale(Layer):
    def __init__(self, factor=2.0, **kwargs):
        self.factor = factor
        super(Scale, self).__init__(**kwargs)
    def build(self, input_shape):
        self.kernel = self.add_weight(name='kernel', shape=(input_shape[1],),
                                      initializer='ones', trainable=True)
        super(Scale, self).build(input_shape)
    def call(self, x):
        return x * self.kernel * self.factor
    def compute_output_shape(self, input_shape):
        return input_shape
    def get_config(self):
        config = {'factor': self.factor}
        base = super(Scale, self).get_config()
        return dict(list(base.items()) + list(config.items()))

def my_loss(y_true, y_pred):
    return K.mean(K.square(y_pred - y_true) + K.abs(y_pred - y_true), axis=-1)

def my_metric(y_true, y_pred):
    return K.max(K.abs(y_true - y_pred))

model = Sequential([Dense(3, input_shape=(4,), kernel_initializer='ones', bias_initializer='zeros'),
                    Scale(0.5, name='scale')])
model.compile(optimizer='sgd', loss=my_loss, metrics=[my_metric])
report('metrics_names', model.metrics_names)
rs = np.random.RandomState(0)
x = rs.rand(20, 4).astype('float32'); y = rs.rand(20, 3).astype('float32')
h = model.fit(x, y, epochs=2, batch_size=5, shuffle=False, verbose=0)
report('history', {k: [round(float(v), 5) for v in h.history[k]] for k in sorted(h.history)})
report('weights', [w.round(5) for w in model.get_weights()])
cfg = model.layers[1].get_config()
report('scale_config', {k: cfg[k] for k in sorted(cfg)})
d = tempfile.mkdtemp()
path = os.path.join(d, 'm.h5')
model.save(path)
attempt('load_without_custom', lambda: load_model(path))
m2 = load_model(path, custom_objects={'Scale': Scale, 'my_loss': my_loss, 'my_metric': my_metric})
report('reloaded_predict', m2.predict(x[:2]).round(5))
report('reloaded_eval', np.round(m2.evaluate(x, y, verbose=0), 5))
report('trainable_weights', len(model.trainable_weights))
model.layers[1].trainable = False
model.compile(optimizer='sgd', loss=my_loss)
report('trainable_after_freeze', len(model.trainable_weights))
report('non_trainable', len(model.non_trainable_weights))
