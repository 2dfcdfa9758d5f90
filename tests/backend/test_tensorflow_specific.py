"""TensorFlow-specific checks of the adapter: the parts of its design the shared
conformance suite does not reach (the LSTM's own gradient of ``BlockLSTM``, with respect
to the inputs and initial states as well as the weights; max pooling moved before a ReLU
in traced graphs, and the bias gradient of a pooled bias add summed after pooling;
dropout masks drawn from 1 to 16 random bits)."""
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


@pytest.mark.parametrize('padding,size', [('valid', 8), ('same', 7)])
def test_max_pool_of_a_relu_equals_the_plain_chain(padding, size):
    """Traced, pool2d(relu(z)) pools first and applies the ReLU to the pooled tensor: the
    same values, and gradients routed to the same elements (0 where a window holds no
    positive value)."""
    import tensorflow as tf
    rng = np.random.RandomState(5)
    z = rng.randn(2, size, size, 3).astype('float32')
    z[0, :2, :2, 0] = -1.0          # a window with no positive value
    out = size // 2 if padding == 'valid' else (size + 1) // 2
    pick = rng.rand(2, out, out, 3).astype('float32') + 0.5

    def fn(t):
        y = K.pool2d(K.relu(t), (2, 2), (2, 2), padding=padding, data_format='channels_last')
        return y, K.gradients(K.sum(y * pick), [t])[0]

    graph = tf.function(fn).get_concrete_function(tf.TensorSpec(z.shape)).graph
    pools = [op for op in graph.get_operations() if op.type == 'MaxPool']
    assert [op.inputs[0].op.type for op in pools] == ['Placeholder']     # pools z itself
    assert 'Relu' in [c.type for op in pools for c in op.outputs[0].consumers()]
    y, grad = [v.numpy() for v in tf.function(fn)(tf.constant(z))]

    pad = (-size) % 2 if padding == 'same' else 0
    zp = np.pad(np.maximum(z, 0), [(0, 0), (0, pad), (0, pad), (0, 0)],
                constant_values=-np.inf)[:, :size + pad - (size + pad) % 2,
                                         :size + pad - (size + pad) % 2]
    h, w = zp.shape[1] // 2, zp.shape[2] // 2
    windows = zp.reshape(2, h, 2, w, 2, 3).transpose(0, 1, 3, 5, 2, 4).reshape(2, h, w, 3, 4)
    np.testing.assert_allclose(y, windows.max(-1), rtol=1e-6)
    want = np.zeros((2, 2 * h, 2 * w, 3), 'float32')
    first = windows.argmax(-1)
    for b, i, j, c in np.ndindex(2, h, w, 3):
        if windows[b, i, j, c].max() > 0:
            k = first[b, i, j, c]
            want[b, 2 * i + k // 2, 2 * j + k % 2, c] = pick[b, i, j, c]
    np.testing.assert_allclose(grad, want[:, :size, :size], rtol=1e-6)


@pytest.mark.parametrize('relu', [True, False])
@pytest.mark.parametrize('shared', [False, True])
def test_bias_gradient_of_a_pooled_bias_add_sums_the_pooled_gradient(relu, shared):
    """Traced, max pooling of a bias add's output (through a ReLU or not) gives that bias
    add a gradient summed over the pooled gradient: the graph's BiasAddGrad reads a
    pooled-size tensor, and the gradients of input, kernel and bias equal TensorFlow's
    own, taken eagerly. Where the bias add's output also feeds another term of the loss
    (``shared``), TensorFlow's gradient is kept: BiasAddGrad reads the full tensor."""
    import tensorflow as tf
    rng = np.random.RandomState(3)
    x = rng.randn(2, 9, 9, 2).astype('float32')
    kernel = rng.randn(3, 3, 2, 4).astype('float32')
    bias = rng.randn(4).astype('float32')
    pick = (rng.rand(2, 3, 3, 4) + 0.5).astype('float32')
    extra = rng.rand(2, 7, 7, 4).astype('float32')

    def loss_of(x, k, b, conv, bias_add, activation, pool):
        a = activation(bias_add(conv(x, k), b))           # (2, 7, 7, 4)
        loss = tf.reduce_sum(pool(a) * pick)               # pooled: (2, 3, 3, 4)
        return loss + tf.reduce_sum(a * extra) if shared else loss

    def fn(x, k, b):
        loss = loss_of(x, k, b, K.conv2d, K.bias_add, K.relu if relu else (lambda t: t),
                       lambda a: K.pool2d(a, (2, 2), (2, 2)))
        return K.gradients(loss, [x, k, b])

    specs = [tf.TensorSpec(v.shape) for v in (x, kernel, bias)]
    graph = tf.function(fn).get_concrete_function(*specs).graph
    read = [op.inputs[0].shape.as_list() for op in graph.get_operations()
            if op.type == 'BiasAddGrad']
    assert read == [[2, 7, 7, 4] if shared else [2, 3, 3, 4]]
    got = [g.numpy() for g in tf.function(fn)(x, kernel, bias)]
    variables = [tf.Variable(v) for v in (x, kernel, bias)]
    with tf.GradientTape() as tape:
        loss = loss_of(*variables, conv=lambda x, k: tf.nn.conv2d(x, k, 1, 'VALID'),
                       bias_add=tf.nn.bias_add,
                       activation=tf.nn.relu if relu else (lambda t: t),
                       pool=lambda a: tf.nn.max_pool2d(a, 2, 2, 'VALID'))
    for g, want in zip(got, tape.gradient(loss, variables)):
        np.testing.assert_allclose(g, want.numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('level', [0.25, 0.5, 0.125, 0.75, 0.1875, 0.3])
@pytest.mark.parametrize('rows', [64, 50])
def test_dropout_masks_keep_the_probability_and_are_fresh(level, rows):
    """Binary-fraction levels draw 1, 2 or 4 random bits per element on 64 x 40 x 30
    (76,800 elements, several to a random byte) and 8 on 50 x 40 x 30 (60,000, one byte
    each), 0.1875 4 or 8, 0.3 a float: every kept value is scaled by 1 / (1 - level),
    about 1 - level of them are kept, each compiled call draws a new mask, a seed repeats
    the sequence, and a noise shape broadcasts."""
    import tensorflow as tf
    x = np.ones((rows, 40, 30), 'float32')

    def make(seed, noise_shape=None):
        return tf.function(lambda t: K.dropout(t, level, noise_shape=noise_shape, seed=seed))
    f = make(7)
    a, b = f(tf.constant(x)).numpy(), f(tf.constant(x)).numpy()
    assert set(np.unique(a)) == {0.0, np.float32(1. / (1. - level))}
    assert abs((a != 0).mean() - (1 - level)) < 0.01
    assert (a != b).mean() > 0.2
    graph = f.get_concrete_function(tf.TensorSpec(x.shape)).graph
    packed = any(op.type == 'LeftShift' for op in graph.get_operations())
    assert packed == (rows == 64 and level != 0.3)
    np.testing.assert_array_equal(make(7)(tf.constant(x)).numpy(), a)
    c = make(None, noise_shape=(None, 1, 30))(tf.constant(x)).numpy()
    assert (c == c[:, :1]).all() and abs((c != 0).mean() - (1 - level)) < 0.05
    eager = K.eval(K.dropout(K.constant(x), level, seed=3))
    np.testing.assert_array_equal(eager, K.eval(K.dropout(K.constant(x), level, seed=3)))


def test_dropout_of_a_tensor_of_unknown_rank():
    """A traced input of unknown rank still gets a mask (one random byte an element)."""
    import tensorflow as tf
    f = tf.function(lambda t: K.dropout(t, 0.25, seed=2),
                    input_signature=[tf.TensorSpec(None, tf.float32)])
    y = f(tf.ones((300, 300))).numpy()
    assert y.shape == (300, 300) and abs((y != 0).mean() - 0.75) < 0.01
