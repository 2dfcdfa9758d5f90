"""JAX-specific checks of the adapter: the parts of its design the shared conformance
suite does not reach (one jax.jit step per compiled function with variables threaded as
state and donated, gradients by re-running the traced function: with respect to
inputs and intermediate tensors, several in one function, second order; jax.random keys
seeded from numpy; float64 with jax_enable_x64; the recurrent loop as lax.scan)."""
import numpy as np
import pytest

import minikeras.backend as K

pytestmark = pytest.mark.skipif(K.backend() != 'jax',
                                reason='checks of the JAX adapter (KERAS_BACKEND=jax)')


def test_engine_info_and_64_bit_types():
    import jax
    info = K.engine_info()
    assert info['name'] == 'jax' and info['version'] == jax.__version__
    assert info['unsupported'] == [] == K.unsupported_ops()
    assert K.dtype(K.variable(np.ones(2), dtype='float64')) == 'float64'
    assert K.eval(K.cast(K.constant([1, 2], dtype='int64'), 'float64')).dtype == np.float64


def test_one_trace_per_batch_shape_and_state_written_back():
    v = K.variable(np.zeros(3))
    f = K.compiled_function(lambda x: ([K.sum(x) + K.sum(v)], [(v, v + K.sum(x, axis=0))]),
                            [((None, 3), 'float32')])
    for _ in range(3):
        f(np.ones((2, 3), 'float32'))
    np.testing.assert_array_equal(K.get_value(v), [6., 6., 6.])
    traces = f.traces   # the first call also traced once to find the variables
    f(np.ones((2, 3), 'float32'))
    assert f.traces == traces
    assert [w is v for w in f.written] == [True] and f.read == []
    f(np.ones((1, 3), 'float32'))             # another batch size: one more trace
    assert f.traces == traces + 1
    np.testing.assert_array_equal(K.get_value(v), [9., 9., 9.])


def test_eager_reads_do_not_alias_donated_buffers():
    v = K.variable(np.ones(4))
    alias = K.identity(v)
    f = K.compiled_function(lambda: ([], [(v, v * 2.)]), [])
    f()
    f()
    np.testing.assert_array_equal(K.eval(alias), np.ones(4))
    np.testing.assert_array_equal(K.get_value(v), np.full(4, 4.))


def test_gradients_of_inputs_intermediates_and_second_order():
    v = K.variable(np.array([1., 2.]), dtype='float64')

    def fn(x):
        h = K.square(v)
        loss1 = K.sum(h * x)
        g = K.gradients(loss1, [v])[0]                   # 2 v x
        gh, gx = K.gradients(loss1, [h, x])              # x, v**2
        g2 = K.gradients(K.sum(K.square(g)), [v])[0]     # d/dv sum 4 v^2 x^2 = 8 v x^2
        return [g, gh, gx, g2], []
    g, gh, gx, g2 = K.compiled_function(fn, [((2,), 'float64')])(np.array([3., 4.]))
    np.testing.assert_allclose(g, [6., 16.])
    np.testing.assert_allclose(gh, [3., 4.])
    np.testing.assert_allclose(gx, [1., 4.])
    np.testing.assert_allclose(g2, [72., 256.])


def test_gradients_outside_a_compiled_function_say_so():
    v = K.variable(np.ones(2))
    with pytest.raises(RuntimeError, match='inside a traced function'):
        K.gradients(K.sum(v), [v])


def _dropout_sums(seed):
    np.random.seed(seed)
    f = K.compiled_function(lambda x: ([K.dropout(x, 0.5)], []), [((100,), 'float32')])
    x = np.ones(100, 'float32')
    return [f(x)[0] for _ in range(3)]


def test_random_keys_seeded_from_numpy():
    a, b = _dropout_sums(1), _dropout_sums(1)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)          # same numpy seed, same draws
    assert not np.array_equal(a[0], a[1])            # each call draws fresh values
    assert not np.array_equal(a[0], _dropout_sums(2)[0])
    np.testing.assert_array_equal(K.eval(K.random_normal((3,), seed=5)),
                                  K.eval(K.random_normal((3,), seed=5)))


def test_rnn_is_a_scan_and_trains():
    w = K.variable(np.full((2, 3), 0.1))

    def fn(x):
        def step(x_t, states):
            h = K.tanh(K.dot(x_t, w) + states[0])
            return h, [h]
        last, outputs, _ = K.rnn(step, x, [K.zeros_like(x[:, 0, :1]) * K.zeros((1, 3))])
        loss = K.sum(last)
        return [loss, outputs], [(w, w - 0.1 * K.gradients(loss, [w])[0])]
    f = K.compiled_function(fn, [((4, 7, 2), 'float32')])
    x = np.random.RandomState(0).rand(4, 7, 2).astype('float32')
    first, outputs = f(x)
    assert outputs.shape == (4, 7, 3)
    second, _ = f(x)
    assert second < first


def _projected_rnn_step(k, u, b, fused):
    def fn(x):
        seq = K.bias_add(K.dot(x, k), b)
        if not fused:
            seq = seq * 1.   # a Python operator: not an input projection rnn recognises

        def step(z_t, states):
            h = K.tanh(z_t + K.dot(states[0], u))
            return h, [h]
        last, outputs, _ = K.rnn(step, seq, [K.zeros_like(K.dot(x[:, 0, :], k))])
        loss = K.mean(K.square(last)) + K.mean(outputs)
        return [loss] + K.gradients(loss, [k, u, b]), []
    return K.compiled_function(fn, [((None, 5, 3), 'float32')])


def test_input_projection_inside_the_scan_and_one_forward_pass():
    rng = np.random.RandomState(0)
    k, u = K.variable(rng.rand(3, 8) * .3), K.variable(rng.rand(8, 8) * .3)
    b = K.variable(rng.rand(8) * .1)
    x = rng.rand(4, 5, 3).astype('float32')
    fused, plain = _projected_rnn_step(k, u, b, True), _projected_rnn_step(k, u, b, False)
    for a, e in zip(fused(x), plain(x)):
        np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-7)
    hlo = fused._jitted.lower([v.value for v in fused.written], [v.value for v in fused.read],
                              [x], np.uint32(0)).compile().as_text()
    assert hlo.count(' while(') == 2, 'one forward scan and its backward scan'


def test_variables_made_by_the_function_are_made_once_and_kept_as_state():
    # Keras 2.3.1-style optimizers make their slots inside get_updates
    def fn(x):
        slot = K.zeros((2,), name='slot')
        return [K.sum(slot) + K.sum(x)], [(slot, slot + 1.)]
    f = K.compiled_function(fn, [((None,), 'float32')])
    x = np.zeros(1, 'float32')
    assert [float(f(x)[0]) for _ in range(3)] == [0., 2., 4.]
    assert len(f.made) == 1 and f.written == f.made
    np.testing.assert_array_equal(K.get_value(f.made[0]), [3., 3.])
