"""TensorFlow-specific checks of the adapter: the parts of its design the shared
conformance suite does not reach (the LSTM's own gradient of ``BlockLSTM``, with respect
to the inputs and initial states as well as the weights)."""
import numpy as np
import pytest

import minikeras.backend as K

pytestmark = pytest.mark.skipif(
    K.backend() != 'tensorflow',
    reason='checks of the TensorFlow adapter (KERAS_BACKEND=tensorflow)')


@pytest.mark.parametrize('go_backwards,use_bias', [(False, True), (True, False)])
def test_block_lstm_gradient_equals_the_loops(go_backwards, use_bias):
    """Gradients of a loss on every output (the sequence, the last output, the final
    cell state) with respect to the weights, the inputs and both initial states."""
    from minikeras.backend import generic
    rng = np.random.RandomState(11)
    x = rng.randn(4, 7, 3).astype('float32')
    h0, c0 = [rng.randn(4, 6).astype('float32') * 0.5 for _ in range(2)]
    weights = [rng.randn(3, 24).astype('float32') * 0.5, rng.randn(6, 24).astype('float32') * 0.5,
               rng.randn(24).astype('float32') * 0.5]
    pick = [rng.randn(4, 7, 6).astype('float32'), rng.randn(4, 6).astype('float32'),
            rng.randn(4, 6).astype('float32')]

    def run(lstm):
        w = [K.variable(v) for v in weights]

        def fn(xs, h, c):
            last, seq, states = lstm(xs, [h, c], w[0], w[1], w[2] if use_bias else None,
                                     go_backwards)
            loss = (K.sum(seq * pick[0]) + K.sum(K.square(last) * pick[1])
                    + K.sum(states[1] * pick[2]))
            return [loss] + K.gradients(loss, w[:3 if use_bias else 2] + [xs, h, c]), []
        return K.compiled_function(fn, [((4, 7, 3), 'float32'), ((4, 6), 'float32'),
                                        ((4, 6), 'float32')])(x, h0, c0)
    fast = run(K.lstm)
    plain = run(lambda *args: generic.lstm(K._engine, *args))
    assert len(fast) == len(plain) == (7 if use_bias else 6)
    for got, want in zip(fast, plain):
        assert np.all(np.isfinite(got)) and np.abs(want).max() > 0.1
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_block_lstm_gradient_of_the_last_output_only():
    """The usual many-to-one case: no gradient reaches the sequence or the cell state
    (TensorFlow passes no gradient for them), only the last output's."""
    rng = np.random.RandomState(3)
    x = rng.randn(2, 5, 3).astype('float32')
    w = [K.variable(rng.randn(3, 8).astype('float32')),
         K.variable(rng.randn(2, 8).astype('float32'))]
    zeros = np.zeros((2, 2), 'float32')

    def run(lstm):
        def fn(xs, h, c):
            last = lstm(xs, [h, c], w[0], w[1], None, False)[0]
            return K.gradients(K.sum(last), w + [xs]), []
        return K.compiled_function(fn, [((2, 5, 3), 'float32'), ((2, 2), 'float32'),
                                        ((2, 2), 'float32')])(x, zeros, zeros)
    from minikeras.backend import generic
    for got, want in zip(run(K.lstm), run(lambda *a: generic.lstm(K._engine, *a))):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
