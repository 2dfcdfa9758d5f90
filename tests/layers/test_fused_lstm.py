"""A plain LSTM layer runs ``K.lstm`` (an engine may fuse it); one the fused op cannot
express (unrolled, masked, other activations, dropout) runs the ``K.rnn`` loop. Both give
the same outputs and the same training steps (1e-5)."""
import numpy as np
import pytest

import minikeras.backend as K
from minikeras.layers import LSTM, Dense, Embedding
from minikeras.models import Sequential
from minikeras.optimizers import SGD

TRAINS = K.backend() != 'numpy'    # the NumPy reference has no gradients


def _pair(go_backwards, return_sequences):
    models = []
    for unroll in (False, True):   # unroll=True: never fused, the loop path
        np.random.seed(3)
        model = Sequential([LSTM(6, input_shape=(5, 4), go_backwards=go_backwards,
                                 return_sequences=return_sequences, unroll=unroll),
                            Dense(1)])
        model.compile(SGD(0.1), 'mse')
        models.append(model)
    models[1].set_weights(models[0].get_weights())
    return models


@pytest.mark.parametrize('go_backwards,return_sequences', [(False, False), (True, True)])
def test_fused_lstm_layer_equals_the_loop(go_backwards, return_sequences):
    fused, loop = _pair(go_backwards, return_sequences)
    assert fused.layers[0]._fusable_lstm() and not loop.layers[0]._fusable_lstm()
    rng = np.random.RandomState(0)
    x = rng.randn(8, 5, 4).astype('float32')
    y = rng.randn(*((8, 5, 1) if return_sequences else (8, 1))).astype('float32')
    np.testing.assert_allclose(fused.predict(x), loop.predict(x), rtol=1e-5, atol=1e-5)
    if not TRAINS:
        return
    for _ in range(2):
        np.testing.assert_allclose(fused.train_on_batch(x, y), loop.train_on_batch(x, y),
                                   rtol=1e-5, atol=1e-5)
    for a, b in zip(fused.get_weights(), loop.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def test_masked_or_non_standard_lstm_takes_the_loop():
    masked = Sequential([Embedding(10, 4, mask_zero=True, input_length=5), LSTM(3)])
    hard = LSTM(3, recurrent_activation='hard_sigmoid')
    dropped = LSTM(3, dropout=0.2)
    hard.build((None, 5, 4))
    dropped.build((None, 5, 4))
    assert not hard._fusable_lstm() and not dropped._fusable_lstm()
    x = np.array([[1, 2, 0, 0, 0], [3, 4, 5, 6, 7]])
    out = masked.predict(x)      # runs (the mask forces the loop) and is finite
    assert out.shape == (2, 3) and np.all(np.isfinite(out))
