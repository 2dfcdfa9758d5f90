"""Keras 2.3.1 script (run unchanged by tests/test_keras231_scripts.py)."""
import numpy as np

from k2report import attempt, fix_weights, history_values, report  # noqa: F401
import keras
from keras.models import Sequential
from keras.layers import Dense
from keras.utils import Sequence
from keras import backend as K


rs = np.random.RandomState(0)
x = rs.rand(40, 3).astype('float32'); y = keras.utils.to_categorical((x[:, 0] > 0.5).astype(int), 2)

class Seq(Sequence):
    def __init__(self, bs): self.bs = bs; self.ends = 0
    def __len__(self): return int(np.ceil(len(x) / float(self.bs)))
    def __getitem__(self, i): return x[i * self.bs:(i + 1) * self.bs], y[i * self.bs:(i + 1) * self.bs]
    def on_epoch_end(self): self.ends += 1

def gen(bs):
    while True:
        for i in range(0, len(x), bs):
            yield x[i:i + bs], y[i:i + bs]

def build():
    m = Sequential([Dense(5, activation='tanh', input_shape=(3,)), Dense(2, activation='softmax')])
    r = np.random.RandomState(0)
    m.set_weights([r.uniform(-0.5, 0.5, np.shape(w)).astype('float32') for w in m.get_weights()])
    m.compile('sgd', 'categorical_crossentropy', metrics=['accuracy'])
    return m

m = build(); s = Seq(8)
h = m.fit_generator(s, epochs=2, shuffle=False, verbose=0, validation_data=Seq(20))
report('seq_history', {k: [round(float(v), 5) for v in h.history[k]] for k in sorted(h.history)})
report('seq_on_epoch_end', s.ends >= 2)
report('eval_gen', np.round(m.evaluate_generator(gen(10), steps=4), 5))
report('pred_gen', m.predict_generator(gen(10), steps=2).shape)
m = build()
h = m.fit_generator(gen(10), steps_per_epoch=4, epochs=2, verbose=0, validation_data=gen(20), validation_steps=2)
report('gen_history', {k: [round(float(v), 5) for v in h.history[k]] for k in sorted(h.history)})
m = build()
h = m.fit(x, y, epochs=2, batch_size=10, verbose=0, shuffle=False, class_weight={0: 1.0, 1: 3.0})
report('class_weight', [round(float(v), 5) for v in h.history['loss']])
m = build()
sw = np.linspace(0.1, 1.0, 40).astype('float32')
h = m.fit(x, y, epochs=2, batch_size=10, verbose=0, shuffle=False, sample_weight=sw)
report('sample_weight', [round(float(v), 5) for v in h.history['loss']])
report('evaluate_sw', np.round(m.evaluate(x, y, sample_weight=sw, verbose=0), 5))
m = build()
h = m.fit(x, y, epochs=4, batch_size=10, verbose=0, shuffle=False, initial_epoch=2)
report('initial_epoch', h.epoch)
m = build()
h = m.fit(x, y, epochs=1, steps_per_epoch=3, verbose=0)
report('steps_per_epoch_keys', sorted(h.history))
m = build()
h = m.fit(x, y, epochs=3, batch_size=10, verbose=0, shuffle=False, validation_split=0.5, validation_freq=2)
report('validation_freq', {k: len(v) for k, v in sorted(h.history.items())})
