"""Keras 2.3.1 script (run unchanged by tests/test_keras231_scripts.py)."""
import json
import os
import tempfile
import numpy as np

from k2report import attempt, fix_weights, history_values, report  # noqa: F401
import keras
from keras.models import Sequential, Model, model_from_json, load_model, clone_model
from keras.layers import Dense, Input, BatchNormalization, Dropout
from keras import backend as K


d = tempfile.mkdtemp()
i = Input((4,), name='inp')
h = Dense(3, activation='relu', name='h')(i)
h = BatchNormalization(name='bn')(h)
h = Dropout(0.2)(h)
o = Dense(2, activation='softmax', name='out')(h)
m = Model(i, o)
rs = np.random.RandomState(0)
m.set_weights([np.abs(rs.uniform(-0.5, 0.5, K.int_shape(w))).astype('float32') + (0.5 if 'variance' in w.name else 0) for w in [w_ for l_ in m.layers for w_ in l_.weights]])
m.compile(keras.optimizers.RMSprop(lr=0.01), 'categorical_crossentropy', metrics=['accuracy'])
x = rs.rand(10, 4).astype('float32'); y = keras.utils.to_categorical(rs.randint(0, 2, 10), 2)
m.fit(x, y, epochs=1, batch_size=5, verbose=0, shuffle=False)
js = m.to_json()
cfg = json.loads(js)
report('json_top', sorted(cfg.keys()))
report('json_class', cfg['class_name'])
report('layer_classes', [l['class_name'] for l in cfg['config']['layers']])
report('dense_config', sorted(cfg['config']['layers'][1]['config'].keys()))
report('bn_config', sorted(cfg['config']['layers'][2]['config'].keys()))
m2 = model_from_json(js)
m2.set_weights(m.get_weights())
report('json_roundtrip', np.abs(m2.predict(x) - m.predict(x)).max() < 1e-6)
p = os.path.join(d, 'm.h5')
m.save(p)
m3 = load_model(p)
report('load_predict', np.abs(m3.predict(x) - m.predict(x)).max() < 1e-6)
report('load_optimizer', type(m3.optimizer).__name__)
report('load_opt_weights', len(m3.optimizer.get_weights()) == len(m.optimizer.get_weights()))
a = m.train_on_batch(x, y); b = m3.train_on_batch(x, y)
report('resume_equal', np.allclose(a, b, atol=1e-5))
wp = os.path.join(d, 'w.h5')
m.save_weights(wp)
m4 = Sequential([Dense(3, activation='relu', name='h', input_shape=(4,)), Dense(7, name='other')])
m4.load_weights(wp, by_name=True)
report('by_name', np.allclose(m4.layers[0].get_weights()[0], m.get_layer('h').get_weights()[0]))
attempt('by_topology_mismatch', lambda: m4.load_weights(wp))
c = clone_model(m)
report('clone_layers', [l.name for l in c.layers] == [l.name for l in m.layers])
report('clone_weights_differ', not np.allclose(c.get_weights()[0], m.get_weights()[0]))
report('yaml', 'class_name' in m.to_yaml())
report('get_config_equal', Model.from_config(m.get_config()).count_params() == m.count_params())
s = Sequential.from_config(Sequential([Dense(2, input_shape=(3,))]).get_config())
report('seq_from_config', s.count_params())
report('weights_names', [w.name.split(':')[0] for w in m.weights])  # ':0': TensorFlow's
import h5py
with h5py.File(wp, 'r') as f:
    report('h5_attrs', sorted(set(f.attrs.keys()) & {'backend', 'keras_version', 'layer_names'}))
    report('h5_layer_names', [n.decode() if isinstance(n, bytes) else n for n in f.attrs['layer_names']])
    report('h5_weight_names', [n.decode() if isinstance(n, bytes) else n for n in f['h'].attrs['weight_names']])
report('model_weights_order', [w.name.split(':')[0] for w in m.weights])
report('trainable_order', [w.name.split(':')[0] for w in m.trainable_weights])
