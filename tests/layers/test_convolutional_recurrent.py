"""ConvLSTM2D (Keras 2.3.1) against a NumPy ConvLSTM built on the reference conv2d."""
import numpy as np
import pytest

from minikeras import layers
from minikeras.backend import numpy as R
from minikeras.models import Sequential


def hard_sigmoid(x):
    return np.clip(0.2 * x + 0.5, 0., 1.)


def numpy_convlstm(x, kernel, recurrent, bias, strides, padding, data_format):
    f = kernel.shape[-1] // 4
    gate = [lambda k, g=g: k[..., g * f:(g + 1) * f] for g in range(4)]
    h = c = None
    outputs = []
    for t in range(x.shape[1]):
        xs = [R.conv2d(x[:, t], gate[g](kernel), strides, padding, data_format)
              + (bias[g * f:(g + 1) * f].reshape((1, f, 1, 1) if data_format == 'channels_first'
                                               else (1, 1, 1, f))) for g in range(4)]
        if h is None:
            h = c = np.zeros_like(xs[0])
        z = [xs[g] + R.conv2d(h, gate[g](recurrent), (1, 1), 'same', data_format)
             for g in range(4)]
        c = hard_sigmoid(z[1]) * c + hard_sigmoid(z[0]) * np.tanh(z[2])
        h = hard_sigmoid(z[3]) * np.tanh(c)
        outputs.append(h)
    return np.stack(outputs, axis=1)


@pytest.mark.parametrize('strides,padding,data_format', [
    ((1, 1), 'same', 'channels_last'), ((2, 1), 'valid', 'channels_first')])
def test_convlstm2d_matches_numpy(strides, padding, data_format):
    shape = (3, 2, 5, 4) if data_format == 'channels_first' else (3, 5, 4, 2)
    x = np.random.RandomState(0).uniform(-1, 1, (2,) + shape).astype('float32')
    dropout = 0.4 if data_format == 'channels_last' else 0.  # off at inference
    layer = layers.ConvLSTM2D(3, (3, 2), strides=strides, padding=padding,
                              data_format=data_format, return_sequences=True,
                              dropout=dropout, recurrent_dropout=dropout)
    model = Sequential([layer])
    model.build((None,) + shape)
    rng = np.random.RandomState(1)
    weights = [rng.uniform(-0.5, 0.5, w.shape).astype('float32') for w in layer.get_weights()]
    layer.set_weights(weights)
    got = model.predict(x)
    want = numpy_convlstm(x, *weights, strides=strides, padding=padding, data_format=data_format)
    assert got.shape == want.shape
    assert layer.compute_output_shape((None,) + shape) == (None,) + want.shape[1:]
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    if data_format == 'channels_first':  # return_sequences=False: the last step
        last = Sequential([layers.ConvLSTM2D(3, (3, 2), strides=strides, padding=padding,
                                             data_format=data_format, input_shape=shape)])
        last.layers[0].set_weights(weights)
        np.testing.assert_allclose(last.predict(x), want[:, -1], rtol=1e-4, atol=1e-5)


def test_convlstm2d_defaults_config_and_weights():
    layer = layers.ConvLSTM2D(4, 3)
    Sequential([layer]).build((None, 2, 6, 6, 3))
    kernel, recurrent, bias = layer.get_weights()
    assert kernel.shape == (3, 3, 3, 16) and recurrent.shape == (3, 3, 4, 16)
    np.testing.assert_array_equal(bias, [0.] * 4 + [1.] * 4 + [0.] * 8)
    config = layer.get_config()
    assert config['recurrent_activation'] == 'hard_sigmoid' and config['kernel_size'] == (3, 3)
    assert config['padding'] == 'valid' and config['return_sequences'] is False
    assert 'cell' not in config and config['unit_forget_bias'] is True
    clone = layers.ConvLSTM2D.from_config(config)
    assert clone.filters == 4 and clone.get_config()['strides'] == (1, 1)
    cell = layers.ConvLSTM2DCell(2, (1, 1))
    assert cell.state_size == (2, 2)
    with pytest.raises(ValueError, match='expects input of shape'):
        Sequential([layers.ConvLSTM2D(2, 1)]).build((None, 3, 4, 4))


def test_convlstm2d_masks_and_dropout_in_training():
    """Masked steps keep output and state; in training, dropout (one mask per gate)
    changes the outputs (at inference it is off: test_convlstm2d_matches_numpy)."""
    import minikeras.backend as K
    layer = layers.ConvLSTM2D(2, (2, 2), padding='same', return_sequences=True,
                              dropout=0.4, recurrent_dropout=0.4)
    Sequential([layer]).build((None, 3, 3, 3, 1))
    assert layer.get_config()['dropout'] == 0.4
    x = np.random.RandomState(0).uniform(-1, 1, (2, 3, 3, 3, 1)).astype('float32')
    mask = np.array([[1, 1, 0], [1, 0, 1]], dtype='float32')
    want = numpy_convlstm(x, *layer.get_weights(), strides=(1, 1), padding='same',
                          data_format='channels_last')
    with K.learning_phase_scope(1):
        out, = K.compiled_function(lambda t, m: ([layer.call(t, mask=m, training=True)], []),
                                   [(x.shape, 'float32'), (mask.shape, 'float32')])(x, mask)
    np.testing.assert_allclose(out[0, 2], out[0, 1], rtol=1e-6)
    np.testing.assert_allclose(out[1, 1], out[1, 0], rtol=1e-6)
    assert not np.allclose(out[0, :2], want[0, :2], atol=1e-3)
