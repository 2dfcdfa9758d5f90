"""CuDNNLSTM / CuDNNGRU (Keras 2.3.1): CuDNN's equations on Keras's CuDNN weight layout,
checked against NumPy; the weight conversion to and from LSTM / GRU(reset_after=True)."""
import numpy as np
import pytest

from minikeras import layers
from minikeras.engine.saving import preprocess_weights_for_loading
from minikeras.models import Sequential

T, FEATURES, UNITS = 4, 3, 2


def sigmoid(x):
    return 1. / (1. + np.exp(-x))


def cudnn_matrix(block, rows):
    """Per-gate weight as CuDNN reads Keras's buffer: row-major (units, rows)."""
    return block.reshape(-1).reshape(UNITS, rows)


def numpy_cudnn(kind, x, kernel, recurrent, bias):
    gates = 4 if kind == 'lstm' else 3
    W = [cudnn_matrix(k, FEATURES) for k in np.hsplit(kernel, gates)]
    R = [cudnn_matrix(k, UNITS) for k in np.hsplit(recurrent, gates)]
    bw, br = np.split(bias, 2)
    bw, br = np.split(bw, gates), np.split(br, gates)
    h = np.zeros((x.shape[0], UNITS))
    c = np.zeros_like(h)
    outputs = []
    for t in range(x.shape[1]):
        xt = x[:, t]
        a = [xt.dot(W[g].T) + bw[g] for g in range(gates)]
        b = [h.dot(R[g].T) + br[g] for g in range(gates)]
        if kind == 'lstm':
            i, f, o = sigmoid(a[0] + b[0]), sigmoid(a[1] + b[1]), sigmoid(a[3] + b[3])
            c = f * c + i * np.tanh(a[2] + b[2])
            h = o * np.tanh(c)
        else:
            z, r = sigmoid(a[0] + b[0]), sigmoid(a[1] + b[1])
            h = z * h + (1. - z) * np.tanh(a[2] + r * b[2])
        outputs.append(h)
    return np.stack(outputs, axis=1)


def model_of(layer):
    model = Sequential([layer])
    model.build((None, T, FEATURES))
    return model


def random_weights(layer, seed):
    rng = np.random.RandomState(seed)
    return [rng.uniform(-0.8, 0.8, w.shape) for w in layer.get_weights()]


@pytest.mark.parametrize('kind', ['lstm', 'gru'])
def test_cudnn_layers_follow_cudnn_equations_and_convert(kind):
    x = np.random.RandomState(0).uniform(-1, 1, (2, T, FEATURES)).astype('float32')
    cls = layers.CuDNNLSTM if kind == 'lstm' else layers.CuDNNGRU
    cudnn = cls(UNITS, return_sequences=True)
    model = model_of(cudnn)
    weights = random_weights(cudnn, 1)
    cudnn.set_weights(weights)
    got = model.predict(x)
    np.testing.assert_allclose(got, numpy_cudnn(kind, x.astype('float64'), *weights),
                               rtol=1e-4, atol=1e-5)
    plain = (layers.LSTM(UNITS, return_sequences=True) if kind == 'lstm'
             else layers.GRU(UNITS, return_sequences=True, reset_after=True))
    plain_model = model_of(plain)
    plain.set_weights(preprocess_weights_for_loading(plain, weights))
    np.testing.assert_allclose(plain_model.predict(x), got, rtol=1e-4, atol=1e-5)
    back = preprocess_weights_for_loading(cudnn, plain.get_weights())
    for a, b in zip(back, cudnn.get_weights()):
        if kind == 'gru' or a.ndim == 2:
            np.testing.assert_allclose(a, b, rtol=1e-6)
    cudnn.set_weights(back)
    np.testing.assert_allclose(model.predict(x), got, rtol=1e-4, atol=1e-5)


def test_cudnn_weights_config_and_incompatible_gru():
    lstm = layers.CuDNNLSTM(UNITS)
    model_of(lstm)
    kernel, recurrent, bias = lstm.get_weights()
    assert kernel.shape == (FEATURES, 4 * UNITS) and recurrent.shape == (UNITS, 4 * UNITS)
    np.testing.assert_array_equal(bias, [0.] * 5 * UNITS + [1.] * UNITS + [0.] * 2 * UNITS)
    config = lstm.get_config()
    assert config['unit_forget_bias'] is True and config['units'] == UNITS
    for key in ('return_sequences', 'return_state', 'go_backwards', 'stateful',
                'kernel_initializer', 'activity_regularizer', 'bias_constraint'):
        assert key in config
    assert 'activation' not in config and 'dropout' not in config
    clone = layers.CuDNNLSTM.from_config(config)
    assert clone.units == UNITS and clone.get_config()['stateful'] is False
    gru = layers.CuDNNGRU(UNITS, return_state=True)
    model_of(layers.CuDNNGRU(UNITS))
    assert 'unit_forget_bias' not in gru.get_config()
    old_gru = layers.GRU(UNITS)
    model_of(old_gru)
    with pytest.raises(ValueError, match=r'CuDNNGRU is not compatible with '
                                         r'GRU\(reset_after=False\)'):
        preprocess_weights_for_loading(old_gru, [np.zeros((FEATURES, 6)), np.zeros((2, 6)),
                                                 np.zeros(12)])


def test_weight_files_load_across_cudnn_and_plain_layers(tmp_path):
    pytest.importorskip('h5py', reason='h5py is not installed in this lane')
    x = np.random.RandomState(3).uniform(-1, 1, (2, T, FEATURES)).astype('float32')
    cudnn = model_of(layers.CuDNNLSTM(UNITS))
    cudnn.layers[0].set_weights(random_weights(cudnn.layers[0], 4))
    path = str(tmp_path / 'cudnn.h5')
    cudnn.save_weights(path)
    plain = model_of(layers.LSTM(UNITS))
    plain.load_weights(path)
    np.testing.assert_allclose(plain.predict(x), cudnn.predict(x), rtol=1e-4, atol=1e-5)
    gru = model_of(layers.Bidirectional(layers.GRU(UNITS, reset_after=True)))
    gru.layers[0].set_weights(random_weights(gru.layers[0], 5))
    gru.save_weights(path)
    cudnn_gru = model_of(layers.Bidirectional(layers.CuDNNGRU(UNITS)))
    cudnn_gru.load_weights(path)
    np.testing.assert_allclose(cudnn_gru.predict(x), gru.predict(x), rtol=1e-4, atol=1e-5)


def test_json_round_trip_of_the_new_recurrent_layers():
    from minikeras.models import model_from_json
    model = Sequential([layers.ConvLSTM2D(2, 3, padding='same', return_sequences=True,
                                          input_shape=(2, 4, 4, 1)),
                        layers.TimeDistributed(layers.Flatten()),
                        layers.CuDNNGRU(3, return_sequences=True), layers.CuDNNLSTM(2)])
    clone = model_from_json(model.to_json())
    assert [type(l).__name__ for l in clone.layers] == ['ConvLSTM2D', 'TimeDistributed',
                                                        'CuDNNGRU', 'CuDNNLSTM']
    for a, b in zip(model.layers, clone.layers):
        config = dict(b.get_config(), name=a.name)
        assert config == a.get_config()
