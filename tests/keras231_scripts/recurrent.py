"""Keras 2.3.1 script (run unchanged by tests/test_keras231_scripts.py)."""
import numpy as np

from k2report import attempt, fix_weights, history_values, report  # noqa: F401
import keras
from keras.models import Sequential, Model
from keras.layers import (Embedding, LSTM, GRU, SimpleRNN, Bidirectional, TimeDistributed, Dense, Input,
                          Masking, RepeatVector)
from keras import backend as K


rs = np.random.RandomState(0)
seq = np.array([[0, 0, 3, 4, 1], [2, 5, 1, 1, 3], [0, 0, 0, 2, 2]])
m = Sequential([Embedding(6, 4, input_length=5, mask_zero=True), LSTM(3, return_sequences=True),
                GRU(2, reset_after=True), Dense(1)])
fix_weights(m)
report('mask_lstm_gru', m.predict(seq).round(5))
report('weights_shapes', [list(w.shape) for w in m.get_weights()])
m.compile('rmsprop', 'mse')
report('fit', [round(float(v), 5) for v in m.fit(seq, np.ones((3, 1)), epochs=2, verbose=0, shuffle=False).history['loss']])
inp = Input((4, 3))
o, h, c = LSTM(2, return_state=True, go_backwards=True)(inp)
bi = Bidirectional(GRU(2, return_sequences=True), merge_mode='concat')(inp)
td = TimeDistributed(Dense(2))(bi)
sr = SimpleRNN(3, activation='relu', unroll=True)(td)
mm = Model(inp, [o, h, c, td, sr])
fix_weights(mm, 1)
x = rs.rand(2, 4, 3).astype('float32')
report('multi', [p.round(5) for p in mm.predict(x)])
report('multi_shapes', [K.int_shape(t) for t in mm.outputs])
st = Sequential([SimpleRNN(2, stateful=True, batch_input_shape=(1, 2, 3))])
fix_weights(st, 2)
a = st.predict(x[:1, :2]); b = st.predict(x[:1, :2]); st.reset_states(); c2 = st.predict(x[:1, :2])
report('stateful', [a.round(5), b.round(5), c2.round(5)])
ms = Sequential([Masking(0.0, input_shape=(3, 2)), SimpleRNN(2)])
fix_weights(ms, 5)
report('masking', ms.predict(np.array([[[1, 2], [0, 0], [3, 1]]], 'float32')).round(5))
rv = Sequential([RepeatVector(3, input_shape=(2,)), LSTM(2, return_sequences=True, implementation=1)])
fix_weights(rv, 6)
report('repeat_lstm', rv.predict(np.array([[0.5, -0.5]], 'float32')).round(5))
report('lstm_config_keys', sorted(m.layers[1].get_config().keys()))
report('gru_config', {k: m.layers[2].get_config()[k] for k in ('reset_after', 'recurrent_activation', 'implementation')})
