"""MXNet-specific checks of the adapter: the parts of its design the shared conformance
suite does not reach (autograd-recorded compiled functions, several gradients in one
function, unreachable variables, gradients outside a compiled function, MXNet errors as
short ValueErrors, random streams (numpy's, drawn ahead of each call), RNNs over any
time length, numpy dtype rules on top of MXNet's, TensorFlow's asymmetric 'same'
padding, MXNet beside NumPy 2)."""
import numpy as np
import pytest

import minikeras.backend as K
from minikeras.backend import numpy as R

pytestmark = pytest.mark.skipif(K.backend() != 'mxnet',
                                reason='checks of the MXNet adapter (KERAS_BACKEND=mxnet)')

# MXNet can do every contract op; keep this list in step with the adapter.
MXNET_UNSUPPORTED = ['ctc_label_dense_to_sparse']  # no sparse tensors in this adapter


def test_engine_info_and_unsupported_list():
    import mxnet
    info = K.engine_info()
    assert info['name'] == 'mxnet' and info['implementation'] == 'mxnet'
    assert info['version'] == mxnet.__version__
    assert K.unsupported_ops() == MXNET_UNSUPPORTED == info['unsupported']


def _data(seed=0, n=64):
    rng = np.random.RandomState(seed)
    x = rng.randn(n, 5).astype('float32')
    y = (x.dot(rng.randn(5, 1)) + 0.3).astype('float32')
    return x, y


def test_rmsprop_step_trains_and_counts_iterations():
    x, y = _data()
    w, b = K.variable(np.zeros((5, 1))), K.variable(np.zeros((1,)))
    slots = [K.zeros((5, 1)), K.zeros((1,))]
    iterations = K.variable(0, dtype='int64')

    def fn(xb, yb):
        loss = K.mean(K.square(K.dot(xb, w) + b - yb))
        grads = K.gradients(loss, [w, b])
        updates = [(iterations, iterations + 1)]
        for p, g, a in zip([w, b], grads, slots):
            new_a = 0.9 * a + 0.1 * K.square(g)
            updates += [(a, new_a), (p, p - 0.05 * g / (K.sqrt(new_a) + 1e-7))]
        return [loss, K.identity(iterations)], updates

    step = K.compiled_function(fn, [((None, 5), 'float32'), ((None, 1), 'float32')])
    first = step(x, y)
    assert first[0].shape == () and first[0].dtype == np.float32  # 0-d, numpy semantics
    assert int(first[1]) == 0  # outputs see pre-update values
    for _ in range(150):
        last = step(x[:32], y[:32])  # batch size may change between calls
    assert int(last[1]) == 150 and K.get_value(iterations) == 151
    assert last[0] < 0.05 * first[0]


def test_updates_use_pre_update_values():
    a, b = K.variable(np.array([1., 2.])), K.variable(np.array([10., 20.]))
    swap = K.compiled_function(lambda: ([K.sum(a)], [(a, b), (b, a + 0.)]), [])
    assert float(swap()[0]) == 3.
    np.testing.assert_allclose(K.get_value(a), [10., 20.])
    np.testing.assert_allclose(K.get_value(b), [1., 2.])


def test_gradients_need_a_compiled_function():
    v = K.variable(np.ones((2, 2)))
    with pytest.raises(ValueError, match='only inside a function compiled'):
        K.gradients(K.sum(v * v), [v])


def test_several_losses_and_unreachable_variables():
    v, u = K.variable(np.array([1., 2., 3.])), K.variable(np.array([5., 6.]))

    def fn():
        first = K.gradients(K.sum(v * v), [v, u])  # u does not reach this loss: zeros
        second = K.gradients(K.sum(K.square(u)) * 3., [u, v])  # a loss built afterwards
        return first + second, []
    gv, gu, gu2, gv2 = K.compiled_function(fn, [])()
    np.testing.assert_allclose(gv, [2., 4., 6.])
    np.testing.assert_allclose(gu, [0., 0.])
    np.testing.assert_allclose(gu2, [30., 36.])
    np.testing.assert_allclose(gv2, [0., 0., 0.])


def test_gradient_with_respect_to_an_input():
    w = K.variable(np.array([[1.], [2.], [3.]]))

    def fn(x):
        loss = K.sum(K.square(K.dot(x, w)))
        return K.gradients(loss, [x]), []
    x = np.array([[1., 0., 1.]], dtype='float32')
    (gx,) = K.compiled_function(fn, [((None, 3), 'float32')])(x)
    np.testing.assert_allclose(gx, 2 * 4. * np.array([[1., 2., 3.]]))


def test_input_gradients_learned_on_the_first_call_and_asked_later(monkeypatch):
    """Only the inputs a call differentiates get gradient buffers; a later call that
    asks for another input's gradient still gets it (the call runs again with every
    buffer), and its updates are applied once. (On the imperative path, which runs
    ``fn`` on every call; a captured step runs what its first call traced.)"""
    from minikeras.backend.mxnet import capture
    monkeypatch.setattr(capture, 'ENABLED', False)
    w = K.variable(np.array([[1.], [2.], [3.]]))
    count = K.variable(0.)
    ask = {'x': False}

    def fn(x, z):
        loss = K.sum(K.square(K.dot(x, w))) + K.sum(z)
        targets = [w] + ([x, z] if ask['x'] else [])
        return K.gradients(loss, targets), [(count, count + 1.)]
    f = K.compiled_function(fn, [((None, 3), 'float32'), ((None, 1), 'float32')])
    x = np.array([[1., 0., 1.]], dtype='float32')
    z = np.ones((1, 1), 'float32')
    (gw,) = f(x, z)
    np.testing.assert_allclose(gw, 2 * 4. * x.T)
    ask['x'] = True
    gw, gx, gz = f(x, z)
    np.testing.assert_allclose(gx, 2 * 4. * np.array([[1., 2., 3.]]))
    np.testing.assert_allclose(gz, [[1.]])
    assert K.get_value(count) == 2.      # the call that ran again counted once
    gw, gx, gz = f(x, z)
    np.testing.assert_allclose(gx, 2 * 4. * np.array([[1., 2., 3.]]))


def test_inputs_are_copied_and_callers_arrays_stay_writable():
    """A call's inputs enter MXNet as a private copy (no wait on the engine): changing
    the caller's array afterwards changes nothing in flight, and it stays writable."""
    w = K.variable(np.ones((3, 1)))
    f = K.compiled_function(lambda x: ([K.dot(x, w)], [(w, w * 2.)]),
                            [((None, 3), 'float32')])
    x = np.ones((2, 3), 'float32')
    first = f(x)[0]
    x[:] = 5.
    assert x.flags.writeable
    np.testing.assert_allclose(first, [[3.], [3.]])
    np.testing.assert_allclose(f(x)[0], [[30.], [30.]])
    np.testing.assert_allclose(K.get_value(w), np.full((3, 1), 4.))
    ints = np.array([[1, 2, 3]], dtype='int8')           # a dtype DLPack cannot share
    g = K.compiled_function(lambda i: ([K.cast(i, 'float32') * 2.], []),
                            [((None, 3), 'int8')])
    np.testing.assert_allclose(g(ints)[0], [[2., 4., 6.]])


@pytest.mark.parametrize('shape,data_format', [
    ((4, 5), None), ((2, 3, 4, 5), 'channels_last'), ((2, 3, 4, 5), 'channels_first'),
    ((2, 3, 4), 'channels_first'), ((2, 3, 2, 2, 3), 'channels_first'), ((1, 3), None),
    ((2, 3, 1, 1), 'channels_first'), ((2, 5), 'channels_first')])
def test_bias_add_while_recording_spreads_the_bias_by_products(shape, data_format):
    """Inside a compiled function the bias is spread to x's shape by products with ones
    (its gradient is then a matrix product, not MXNet's slow broadcast reduction):
    the same values and bias gradient as the NumPy reference, for every channel axis."""
    rng = np.random.RandomState(0)
    x = rng.randn(*shape).astype('float32')
    axis = 1 if data_format == 'channels_first' else len(shape) - 1
    b = rng.randn(shape[axis]).astype('float32')
    bv = K.variable(b)

    def fn(xt):
        out = K.bias_add(xt, bv, data_format)
        return [out] + K.gradients(K.sum(K.square(out)), [bv]), []
    out, grad = K.compiled_function(fn, [(shape, 'float32')])(x)
    want = R.bias_add(x, b, data_format)
    np.testing.assert_allclose(out, want, rtol=1e-6, atol=1e-6)
    others = tuple(i for i in range(len(shape)) if i != axis)
    np.testing.assert_allclose(grad, (2 * want).sum(axis=others), rtol=1e-5, atol=1e-5)


def test_mxnet_errors_become_short_value_errors():
    import mxnet
    v = K.variable(np.ones((4, 5)))
    with pytest.raises(ValueError) as info:
        K.dot(np.ones((2, 3), 'float32'), v)
    message = str(info.value)
    assert 'dot' in message and '(2, 3)' in message and '(4, 5)' in message
    assert 'Stack trace' not in message and 'Traceback' not in message
    assert not isinstance(info.value, mxnet.base.MXNetError)

    step = K.compiled_function(lambda x: ([x @ v], []), [((None, 3), 'float32')])
    with pytest.raises(ValueError, match='compiled function') as info:
        step(np.ones((2, 3), 'float32'))
    assert 'Stack trace' not in str(info.value)
    with pytest.raises(ValueError, match='expected shape'):
        step(np.ones((2, 4), 'float32'))


def test_random_streams_follow_the_reference_rules():
    eager = [K.eval(K.random_uniform((3, 4), seed=5)) for _ in range(2)]
    np.testing.assert_array_equal(eager[0], eager[1])  # eagerly: same seed, same values
    np.testing.assert_allclose(eager[0], R.random_uniform((3, 4), seed=5), rtol=1e-6)
    np.random.seed(11)
    a = K.eval(K.random_normal((5,)))
    np.random.seed(11)
    np.testing.assert_array_equal(a, K.eval(K.random_normal((5,))))  # numpy's seed rules

    def make():
        return K.compiled_function(
            lambda: ([K.random_normal((2, 3), seed=1), K.random_normal((2, 3), seed=2),
                      K.dropout(K.ones_like(K.constant(np.ones((100,)))), 0.5, seed=3),
                      K.random_uniform((4,))], []),
            [])
    np.random.seed(0)
    f = make()
    f1, f2 = f(), f()
    np.random.seed(0)
    g = make()
    for i in range(3):
        assert not np.allclose(f1[i], f2[i])  # fresh values on every call
    for a, b in zip(f1 + f2, g() + g()):  # a new function repeats the sequence
        np.testing.assert_array_equal(a, b)
    stream = np.random.RandomState(1)
    np.testing.assert_allclose(f1[0], stream.normal(size=(2, 3)), rtol=1e-6)
    np.testing.assert_allclose(f2[0], stream.normal(size=(2, 3)), rtol=1e-6)
    kept = f1[2][f1[2] > 0]
    np.testing.assert_allclose(kept, 2.)
    assert 20 < kept.size < 80
    t = K.eval(K.truncated_normal((2000,), 1., 2., seed=0))
    assert t.min() >= -3. and t.max() <= 5. and abs(t.mean() - 1.) < 0.15


def test_random_shapes_may_change_between_calls():
    f = K.compiled_function(lambda x: ([K.dropout(x, 0.5, seed=1)], []),
                            [((None, 3), 'float32')])
    for n in (4, 4, 7, 4):
        out = f(np.ones((n, 3), 'float32'))[0]
        assert out.shape == (n, 3) and set(np.unique(out)) <= {0., 2.}


def test_rnn_trains_over_any_time_length_without_unrolling():
    w = K.variable(np.full((3, 4), 0.1))
    u = K.variable(np.full((4, 4), 0.1))

    def step_fn(x_t, states):
        h = K.tanh(K.dot(x_t, w) + K.dot(states[0], u))
        return h, [h]

    def fn(x):
        h0 = K.zeros_like(K.sum(x, axis=1)[:, :1] * K.constant(np.zeros((1, 4))))
        last, outputs, _ = K.rnn(step_fn, x, [h0], unroll=False)
        loss = K.mean(K.square(last - 0.5))
        gw, gu = K.gradients(loss, [w, u])
        return [loss, outputs], [(w, w - 0.5 * gw), (u, u - 0.5 * gu)]

    step = K.compiled_function(fn, [((None, None, 3), 'float32')])
    rng = np.random.RandomState(0)
    losses = []
    for t in [2, 7, 3, 11] * 10:
        loss, outputs = step(rng.rand(4, t, 3).astype('float32'))
        assert outputs.shape == (4, t, 4)
        losses.append(float(loss))
    assert losses[-1] < losses[0]


def test_numpy_dtype_rules():
    ints = np.array([1, 2, 3], dtype='int32')
    assert K.dtype(K.multiply(K.constant(ints, dtype='int32'), 0.5)) == \
        R.multiply(ints, 0.5).dtype.name
    np.testing.assert_allclose(K.eval(K.multiply(ints, 0.5)), [0.5, 1., 1.5])
    mask = K.greater(K.constant(np.array([1., -1., 2.])), 0.)
    assert K.dtype(mask) == 'bool'
    assert K.dtype(K.sum(mask)) == R.sum(np.array([True, False, True])).dtype.name
    assert int(K.eval(K.sum(mask))) == 2
    assert K.dtype(K.argmax(K.constant(np.eye(3)))) in ('int64', 'int32')
    assert K.int_shape(K.mean(K.constant(np.ones((2, 3))))) == ()


@pytest.mark.parametrize('kernel_size,strides', [((2, 2), (1, 1)), ((4, 3), (2, 2)),
                                                 ((2, 4), (3, 1))])
def test_tensorflow_same_padding_with_even_kernels(kernel_size, strides):
    rng = np.random.RandomState(1)
    x = rng.randn(2, 7, 6, 3).astype('float32')
    kernel = rng.randn(kernel_size[0], kernel_size[1], 3, 2).astype('float32')
    for data_format, xin in [('channels_last', x), ('channels_first', x.transpose(0, 3, 1, 2))]:
        got = K.eval(K.conv2d(xin, kernel, strides, 'same', data_format))
        want = R.conv2d(xin, kernel, strides, 'same', data_format)
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
        for mode in ('max', 'avg'):
            got = K.eval(K.pool2d(xin, kernel_size, strides, 'same', data_format, mode))
            want = R.pool2d(xin, kernel_size, strides, 'same', data_format, mode)
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_variables_are_hashable_and_named():
    v = K.variable(np.zeros((2,)), name='kernel')
    assert {v: 1}[v] == 1
    assert 'kernel' in repr(v) and v.name == 'kernel' and v.trainable
    assert K.is_variable(v) and not K.is_variable(v + 1)


def test_numpy_2_compat_restores_only_missing_names():
    from minikeras.backend.mxnet import _numpy_compat
    if int(np.__version__.split('.')[0]) < 2:
        assert _numpy_compat._restore_removed_numpy_names() == []  # NumPy 1.x untouched
        return
    # MXNet imported beside NumPy 2 (the adapter restored the names first): it computes.
    for name in _numpy_compat._replacements():
        assert hasattr(np, name)
    assert np.PZERO == 0.0 and np.NINF == -np.inf
    assert _numpy_compat._restore_removed_numpy_names() == []  # idempotent
    np.testing.assert_allclose(K.eval(K.spatial_2d_padding(np.ones((1, 2, 2, 1)))).sum(), 4.)
