"""Keras 2.3.1 script (run unchanged by tests/test_keras231_scripts.py)."""
import numpy as np

from k2report import attempt, fix_weights, history_values, report  # noqa: F401
import keras
from keras.layers import Input, Dense, concatenate, add, multiply, Lambda, Concatenate
from keras.models import Model
from keras import backend as K


a = Input(shape=(4,), name='a')
b = Input(shape=(4,), name='b')
shared = Dense(5, activation='relu', name='shared')
ha, hb = shared(a), shared(b)
m = concatenate([ha, hb], name='cat')
s = add([ha, hb])
p = multiply([ha, hb])
l = Lambda(lambda t: K.sum(t, axis=-1, keepdims=True) * 0.5, name='halfsum')(s)
out1 = Dense(1, activation='sigmoid', name='out1')(m)
out2 = Dense(3, name='out2')(Concatenate()([p, l]))
model = Model(inputs=[a, b], outputs=[out1, out2])
fix_weights(model)
# SGD: Keras 2.3.1's Adam on TensorFlow 2 reads `iterations` while updating it (racy)
model.compile(optimizer=keras.optimizers.SGD(lr=0.05, momentum=0.9),
              loss={'out1': 'binary_crossentropy', 'out2': 'mse'},
              loss_weights={'out1': 1.0, 'out2': 0.5},
              metrics={'out1': 'accuracy', 'out2': ['mae']})
report('metrics_names', model.metrics_names)
rs = np.random.RandomState(3)
xa, xb = rs.rand(40, 4).astype('float32'), rs.rand(40, 4).astype('float32')
y1 = (xa.sum(1) > xb.sum(1)).astype('float32')[:, None]
y2 = rs.rand(40, 3).astype('float32')
h = model.fit({'a': xa, 'b': xb}, {'out1': y1, 'out2': y2}, epochs=2, batch_size=10, shuffle=False, verbose=0)
report('history', {k: [round(float(v), 4) for v in h.history[k]] for k in sorted(h.history)})
report('evaluate', model.evaluate([xa, xb], [y1, y2], verbose=0))
p1, p2 = model.predict([xa[:2], xb[:2]])
report('p1', p1.round(4)); report('p2', p2.round(4))
report('train_on_batch', model.train_on_batch([xa[:5], xb[:5]], [y1[:5], y2[:5]]))
report('shared_inbound', len(shared._inbound_nodes))
report('get_output_at', K.int_shape(shared.get_output_at(1)))
sub = Model(a, ha)
report('sub_predict', sub.predict(xa[:2]).round(4))
report('layer_types', [type(l).__name__ for l in model.layers])
report('config_keys', sorted(model.get_config().keys()))
report('input_names', model.input_names)
report('output_names', model.output_names)
