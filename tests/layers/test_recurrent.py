"""Recurrent layers vs. a NumPy implementation of Keras 2's equations."""
import numpy as np
import pytest

import minikeras.backend as K
from minikeras.layers import (GRU, LSTM, RNN, Bidirectional, Dense, Embedding, GRUCell,
                              Input, LSTMCell, Masking, SimpleRNN, SimpleRNNCell,
                              TimeDistributed)
from minikeras.models import Model, Sequential, model_from_json


def sigmoid(x):
    return 1. / (1. + np.exp(-x))


def np_simple(x, w):
    k, rk, b = w
    h = np.zeros((x.shape[0], rk.shape[0]))
    outs = []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t].dot(k) + b + h.dot(rk))
        outs.append(h)
    return np.stack(outs, 1), [h]


def np_lstm(x, w, mask=None, backwards=False):
    k, rk, b = w
    u = rk.shape[0]
    h = np.zeros((x.shape[0], u))
    c = np.zeros_like(h)
    outs = []
    steps = range(x.shape[1])[::-1] if backwards else range(x.shape[1])
    for t in steps:
        z = x[:, t].dot(k) + b + h.dot(rk)
        i, f, g, o = (z[:, j * u:(j + 1) * u] for j in range(4))
        c_new = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h_new = sigmoid(o) * np.tanh(c_new)
        if mask is not None:
            m = mask[:, t:t + 1]
            h_new = np.where(m, h_new, h)
            c_new = np.where(m, c_new, c)
        h, c = h_new, c_new
        outs.append(h)
    return np.stack(outs, 1), [h, c]


def np_gru(x, w, reset_after=False):
    k, rk, b = w
    u = rk.shape[0]
    h = np.zeros((x.shape[0], u))
    outs = []
    for t in range(x.shape[1]):
        if reset_after:
            xz = x[:, t].dot(k) + b[0]
            inner = h.dot(rk) + b[1]
            z = sigmoid(xz[:, :u] + inner[:, :u])
            r = sigmoid(xz[:, u:2 * u] + inner[:, u:2 * u])
            hh = np.tanh(xz[:, 2 * u:] + r * inner[:, 2 * u:])
        else:
            xz = x[:, t].dot(k) + b
            z = sigmoid(xz[:, :u] + h.dot(rk[:, :u]))
            r = sigmoid(xz[:, u:2 * u] + h.dot(rk[:, u:2 * u]))
            hh = np.tanh(xz[:, 2 * u:] + (r * h).dot(rk[:, 2 * u:]))
        h = z * h + (1 - z) * hh
        outs.append(h)
    return np.stack(outs, 1), [h]


def seq(batch=3, time=5, dim=4, seed=0):
    return np.random.RandomState(seed).normal(0, 1, (batch, time, dim)).astype('float32')


def run(layer, x, **call_kwargs):
    inp = Input(x.shape[1:])
    out = layer(inp, **call_kwargs)
    return Model(inp, out).predict(x)


@pytest.mark.parametrize('layer_cls, oracle', [
    (SimpleRNN, np_simple), (LSTM, np_lstm), (GRU, np_gru),
    (lambda units, **kw: GRU(units, reset_after=True, **kw),
     lambda x, w: np_gru(x, w, reset_after=True))])
def test_sequences_and_last_output_match_numpy(layer_cls, oracle):
    x = seq()
    layer = layer_cls(6, return_sequences=True, bias_initializer='glorot_uniform')
    out = run(layer, x)
    want, _ = oracle(x.astype('float64'), layer.get_weights())
    np.testing.assert_allclose(out, want, rtol=1e-4, atol=1e-5)
    last = layer_cls(6, bias_initializer='glorot_uniform')
    y = run(last, x)
    want, _ = oracle(x.astype('float64'), last.get_weights())
    np.testing.assert_allclose(y, want[:, -1], rtol=1e-4, atol=1e-5)


def test_unroll_gives_the_same_result():
    x = seq(time=4)
    a = LSTM(3, return_sequences=True)
    out_loop = run(a, x)
    b = LSTM(3, return_sequences=True, unroll=True)
    run(b, x)
    b.set_weights(a.get_weights())
    np.testing.assert_allclose(run(b, x), out_loop, rtol=1e-5, atol=1e-6)


def test_go_backwards_and_return_state():
    x = seq()
    layer = LSTM(4, return_state=True, go_backwards=True)
    inp = Input(x.shape[1:])
    outs = layer(inp)
    assert [o.shape for o in outs] == [(None, 4), (None, 4), (None, 4)]
    y, h, c = Model(inp, outs).predict(x)
    _, (wh, wc) = np_lstm(x.astype('float64'), layer.get_weights(), backwards=True)
    np.testing.assert_allclose(y, wh, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(h, wh, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(c, wc, rtol=1e-4, atol=1e-5)


def test_masking_holds_state_at_masked_steps():
    ids = np.array([[3, 5, 0, 0], [1, 2, 4, 6], [7, 0, 0, 0]])
    inp = Input((None,), dtype='int32')
    emb = Embedding(10, 3, mask_zero=True)
    lstm = LSTM(4, return_sequences=True)
    model = Model(inp, lstm(emb(inp)))
    out = model.predict(ids)
    table = emb.get_weights()[0]
    want, _ = np_lstm(table[ids].astype('float64'), lstm.get_weights(), mask=ids != 0)
    np.testing.assert_allclose(out, want, rtol=1e-4, atol=1e-5)
    # a padded sequence gives the same final output as the unpadded one
    short = Model(inp, LSTM(4)(emb(inp)))
    full = short.predict(ids)
    trimmed = short.predict(np.array([[3, 5]]))
    np.testing.assert_allclose(full[0], trimmed[0], rtol=1e-5, atol=1e-6)


def test_masking_layer_and_variable_length_batches():
    x = seq(time=6)
    x[0, 4:] = 0.
    inp = Input((None, 4))
    layer = GRU(3)
    model = Model(inp, layer(Masking(0.)(inp)))
    out_long = model.predict(x)
    out_short = model.predict(x[:, :4])
    np.testing.assert_allclose(out_long[0], out_short[0], rtol=1e-5, atol=1e-6)


def test_stateful_keeps_state_until_reset():
    x = seq(batch=2, time=3)
    model = Sequential([LSTM(3, stateful=True, batch_input_shape=(2, 3, 4))])
    first = model.predict(x, batch_size=2)
    second = model.predict(x, batch_size=2)
    assert not np.allclose(first, second)
    model.layers[0].reset_states()
    np.testing.assert_allclose(model.predict(x, batch_size=2), first, rtol=1e-5, atol=1e-6)
    whole, _ = np_lstm(np.concatenate([x, x], 1).astype('float64'), model.get_weights())
    np.testing.assert_allclose(second, whole[:, -1], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize('mode', ['concat', 'sum', 'mul', 'ave'])
def test_bidirectional_merge_modes(mode):
    x = seq()
    layer = Bidirectional(LSTM(3, return_sequences=True), merge_mode=mode)
    out = run(layer, x)
    fw = layer.forward_layer.get_weights()
    bw = layer.backward_layer.get_weights()
    f, _ = np_lstm(x.astype('float64'), fw)
    b, _ = np_lstm(x.astype('float64'), bw, backwards=True)
    b = b[:, ::-1]
    want = {'concat': np.concatenate([f, b], -1), 'sum': f + b, 'mul': f * b,
            'ave': (f + b) / 2}[mode]
    np.testing.assert_allclose(out, want, rtol=1e-4, atol=1e-5)


def test_time_distributed_dense():
    x = seq()
    dense = Dense(2)
    out = run(TimeDistributed(dense), x)
    k, b = dense.get_weights()
    np.testing.assert_allclose(out, x.dot(k) + b, rtol=1e-5, atol=1e-6)
    inp = Input((None, 4))
    td = TimeDistributed(Dense(2))
    assert td(inp).shape == (None, None, 2)


def test_stacked_cells_and_rnn_wrapper():
    x = seq()
    cells = [SimpleRNNCell(5), LSTMCell(3)]
    layer = RNN(cells, return_sequences=True)
    out = run(layer, x)
    w = layer.get_weights()
    h1, _ = np_simple(x.astype('float64'), w[:3])
    h2, _ = np_lstm(h1, w[3:])
    np.testing.assert_allclose(out, h2, rtol=1e-4, atol=1e-5)


def test_dropout_trains_and_is_off_at_inference():
    np.random.seed(0)
    x = seq(batch=32, time=5)
    y = (x[:, :, 0].sum(1) > 0).astype('float32')
    model = Sequential([LSTM(8, dropout=0.3, recurrent_dropout=0.3, input_shape=(5, 4)),
                        Dense(1, activation='sigmoid')])
    model.compile('adam', 'binary_crossentropy')
    h = model.fit(x, y, epochs=15, verbose=0)
    assert h.history['loss'][-1] < h.history['loss'][0]
    np.testing.assert_allclose(model.predict(x), model.predict(x), rtol=1e-6)


def test_config_round_trip_and_serialization():
    model = Sequential([Bidirectional(GRU(3, return_sequences=True), input_shape=(5, 4)),
                        TimeDistributed(Dense(2)), LSTM(2)])
    clone = model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    x = seq()
    np.testing.assert_allclose(clone.predict(x), model.predict(x), rtol=1e-5, atol=1e-6)


def test_bad_input_rank_is_a_clear_error():
    with pytest.raises(ValueError) as e:
        LSTM(3, name='my_lstm')(Input((4,)))
    assert 'my_lstm' in str(e.value) and '(batch, time, features)' in str(e.value)


def test_masked_steps_do_not_count_in_the_loss():
    ids = np.array([[1, 2, 0, 0], [3, 4, 5, 0]])
    inp = Input((4,), dtype='int32')
    seqs = LSTM(3, return_sequences=True)(Embedding(8, 2, mask_zero=True)(inp))
    model = Model(inp, TimeDistributed(Dense(1))(seqs))
    model.compile('sgd', 'mse')
    y = np.zeros((2, 4, 1), dtype='float32')
    base = model.evaluate(ids, y, verbose=0)
    y_changed = y.copy()
    y_changed[0, 2:] = 100.          # targets at masked steps only
    y_changed[1, 3] = 100.
    assert abs(model.evaluate(ids, y_changed, verbose=0) - base) < 1e-6
    pred = model.predict(ids)[..., 0]
    mask = ids != 0
    want = (pred ** 2 * mask).mean(1) / mask.mean()
    assert abs(base - want.mean()) < 1e-5
