"""CNTK-specific checks of the adapter: what it cannot do, and the parts of its design the
shared conformance suite does not reach (graphs per input shape, the two-pass training
step with gradient placeholders, numpy semantics of operators and indexing, float-only
storage of integer tensors, the layouts kept between convolutions)."""
import numpy as np
import pytest

import minikeras.backend as K

pytestmark = pytest.mark.skipif(K.backend() != 'cntk',
                                reason='checks of the CNTK adapter (KERAS_BACKEND=cntk)')

# CNTK can do every contract op; keep this list in step with the adapter.
CNTK_UNSUPPORTED = ['ctc_label_dense_to_sparse']  # no sparse tensors in CNTK


def test_unsupported_list():
    assert K.unsupported_ops() == CNTK_UNSUPPORTED
    assert K.engine_info()['unsupported'] == CNTK_UNSUPPORTED
    assert K.engine_info()['name'] == 'cntk'


def _data(seed=0, n=64):
    rng = np.random.RandomState(seed)
    x = rng.randn(n, 5).astype('float32')
    y = (x.dot(rng.randn(5, 1)) + 0.3).astype('float32')
    return x, y


def _rmsprop_step(w, b, slots, iterations, lr=0.05, rho=0.9):
    def fn(x, y):
        pred = K.dot(x, w) + b
        loss = K.mean(K.square(pred - y))
        grads = K.gradients(loss, [w, b])
        updates = [(iterations, iterations + 1)]
        for p, g, a in zip([w, b], grads, slots):
            new_a = rho * a + (1. - rho) * K.square(g)
            updates.append((a, new_a))
            updates.append((p, p - lr * g / (K.sqrt(new_a) + 1e-7)))
        return [loss, K.identity(iterations)], updates
    return K.compiled_function(fn, [((None, 5), 'float32'), ((None, 1), 'float32')])


def test_training_step_with_slots_decreases_the_loss():
    x, y = _data()
    w = K.variable(np.zeros((5, 1)))
    b = K.variable(np.zeros((1,)))
    slots = [K.zeros((5, 1)), K.zeros((1,))]
    iterations = K.variable(0, dtype='int64')
    step = _rmsprop_step(w, b, slots, iterations)
    losses, counts = [], []
    for _ in range(60):
        for start in range(0, 64, 24):  # batches of 24, 24 and 16: two graphs
            loss, count = step(x[start:start + 24], y[start:start + 24])
            counts.append(int(count))
        losses.append(float(loss))
    assert losses[-1] < 0.05 * losses[0], losses[::10]
    assert counts == list(range(len(counts))), 'outputs see the pre-update iterations'
    assert K.get_value(iterations) == len(counts) and K.dtype(iterations) == 'int64'
    assert len(step.graphs) == 2


def test_training_step_matches_numpy():
    """One SGD-with-momentum step computed by hand: every new value from old values."""
    x, y = _data(1, 8)
    w0 = np.random.RandomState(2).randn(5, 1)
    w = K.variable(w0)
    m = K.variable(np.full((5, 1), 0.5))

    def fn(xt, yt):
        loss = K.sum(K.square(K.dot(xt, w) - yt))
        g, = K.gradients(loss, [w])
        new_m = 0.9 * m - 0.01 * g
        return [loss, g, m * 1.], [(m, new_m), (w, w + new_m)]
    f = K.compiled_function(fn, [((8, 5), 'float32'), ((8, 1), 'float32')])
    loss, g, m_out = f(x, y)
    w32 = w0.astype('float32')
    g_ref = 2 * x.T.dot(x.dot(w32) - y)
    np.testing.assert_allclose(loss, np.sum((x.dot(w32) - y) ** 2), rtol=1e-5)
    np.testing.assert_allclose(g, g_ref, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(m_out, 0.5)
    new_m = 0.9 * 0.5 - 0.01 * g_ref
    np.testing.assert_allclose(K.get_value(m), new_m, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(K.get_value(w), w32 + new_m, rtol=1e-4, atol=1e-6)


def test_input_dependent_updates_beside_gradients():
    """A moving statistic of the batch (like BatchNorm's) is updated in the same step as
    the weights, both from values before the step."""
    x, y = _data(3, 16)
    w = K.variable(np.ones((5, 1)))
    moving = K.variable(np.zeros((5,)))

    def fn(xt, yt):
        loss = K.mean(K.square(K.dot(xt, w) - yt))
        g, = K.gradients(loss, [w])
        return [loss, moving * 1.], [(w, w - 0.1 * g),
                                     (moving, 0.5 * moving + 0.5 * K.mean(xt, axis=0))]
    f = K.compiled_function(fn, [((None, 5), 'float32'), ((None, 1), 'float32')])
    _, seen = f(x, y)
    np.testing.assert_allclose(seen, 0.)
    np.testing.assert_allclose(K.get_value(moving), 0.5 * x.mean(axis=0), rtol=1e-5)
    _, seen = f(x, y)
    np.testing.assert_allclose(seen, 0.5 * x.mean(axis=0), rtol=1e-5)


def test_gradients_of_two_losses_and_of_an_input():
    v = K.variable(np.array([1., 2., 3.]))

    def fn(x):
        l1 = K.sum(K.square(v))
        l2 = K.sum(v * x) + K.sum(K.square(x))
        g1 = K.gradients(l1, [v])[0]
        g2v, g2x = K.gradients(l2, [v, x])
        return [g1, g2v, g2x], []
    g1, g2v, g2x = K.compiled_function(fn, [((3,), 'float32')])(np.array([1., 0., -1.], 'f'))
    np.testing.assert_allclose(g1, [2., 4., 6.])
    np.testing.assert_allclose(g2v, [1., 0., -1.])
    np.testing.assert_allclose(g2x, [3., 2., 1.])


def test_eager_gradients_and_unconnected_variables():
    v = K.variable(np.array([1., -1.]))
    u = K.variable(np.array([5.]))
    gv, gu = K.gradients(K.sum(v * v * 3.), [v, u])
    np.testing.assert_allclose(K.eval(gv), [6., -6.])
    np.testing.assert_allclose(K.eval(gu), [0.])


def test_numpy_semantics_of_operators_and_indexing():
    a = np.arange(24, dtype='float32').reshape(2, 3, 4)

    def fn(x):
        return [x[:, 0], x[1], x[..., -1], x[:, ::-1, 1:3], x[None, 0, :, ::2],
                x[:, [2, 0]], x ** 2, 2. ** x[0, 0], -x[0] / 2., x[0, 0] > 5.,
                K.shape(x)[0] * 1], []
    out = K.compiled_function(fn, [((None, 3, 4), 'float32')])(a)
    want = [a[:, 0], a[1], a[..., -1], a[:, ::-1, 1:3], a[None, 0, :, ::2], a[:, [2, 0]],
            a ** 2, 2. ** a[0, 0], -a[0] / 2., a[0, 0] > 5., np.int32(2)]
    for got, expected in zip(out, want):
        assert got.shape == np.shape(expected) and got.dtype == np.asarray(expected).dtype
        np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_integer_tensors_are_stored_as_floats_but_keep_their_dtype():
    def fn(i):
        j = i + 2
        return [j, K.argmax(K.cast(i, 'float32')), K.equal(i, 3), K.sum(i)], []
    out = K.compiled_function(fn, [((4,), 'int32')])(np.array([3, 1, 4, 1], 'int32'))
    assert [o.dtype.name for o in out] == ['int32', 'int64', 'bool', 'int32']
    assert out[0].tolist() == [5, 3, 6, 3] and int(out[1]) == 2
    assert out[2].tolist() == [True, False, False, False] and int(out[3]) == 9


def test_variables_share_between_graphs_and_constraints_are_kept():
    constraint = lambda t: t  # noqa: E731
    v = K.variable(np.zeros(2), constraint=constraint)
    assert v.constraint is constraint and v.trainable

    def fn(x):
        return [K.sum(x, axis=0) + v], [(v, v + 1.)]
    f = K.compiled_function(fn, [((None, 2), 'float32')])
    f(np.ones((3, 2), 'f'))
    out, = f(np.ones((1, 2), 'f'))
    np.testing.assert_allclose(out, [2., 2.])
    np.testing.assert_allclose(K.get_value(v), [2., 2.])


def _conv_stack(data_format, forget_layouts):
    """conv + bias + ReLU, conv (same padding) + bias + ReLU, max pooling: output and
    gradients. ``forget_layouts``: drop what layout.py remembers after every op (the
    transposes and batch-axis copies are then all in the graph)."""
    from minikeras.backend.cntk import layout
    rng = np.random.RandomState(4)
    shape = (6, 9, 9, 3) if data_format == 'channels_last' else (6, 3, 9, 9)
    k1, k2 = K.variable(rng.randn(3, 3, 3, 4)), K.variable(rng.randn(2, 2, 4, 5))
    b1, b2 = K.variable(rng.randn(4)), K.variable(rng.randn(5))

    def step(op, *args, **kwargs):
        out = op(*args, **kwargs)
        if forget_layouts:
            layout._CF.clear()
            layout._BATCHED.clear()
        return out

    def fn(x):
        h = step(K.conv2d, x, k1, data_format=data_format)
        h = step(K.relu, step(K.bias_add, h, b1, data_format=data_format))
        h = step(K.conv2d, h, k2, padding='same', data_format=data_format)
        h = step(K.relu, step(K.bias_add, h, b2, data_format=data_format), max_value=6.)
        h = step(K.pool2d, h, (2, 2), (2, 2), data_format=data_format)
        loss = K.sum(K.square(h))
        return [h] + K.gradients(loss, [k1, b1, k2, b2, x]), []
    f = K.compiled_function(fn, [(shape, 'float32')])
    out = f(rng.rand(*shape).astype('float32'))
    ops = []
    import cntk as C
    C.logging.graph.depth_first_search(
        list(f.graphs.values())[0].first,
        lambda n: isinstance(n, C.Function) and ops.append(n.op_name) and False)
    return out, ops


@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
def test_convolution_stacks_keep_their_layout_between_ops(data_format):
    kept, kept_ops = _conv_stack(data_format, forget_layouts=False)
    plain, plain_ops = _conv_stack(data_format, forget_layouts=True)
    for a, b in zip(kept, plain):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    # in the graph the loss reads: the two kernels' transposes, and for channels_last
    # data one transpose in and one out (against one per op and per direction)
    cl = data_format == 'channels_last'
    assert kept_ops.count('TransposeAxes') == 2 + 2 * cl
    assert plain_ops.count('TransposeAxes') == 2 + 6 * cl
    # onto the batch axis: the input, and the padded input of the second convolution
    assert kept_ops.count('ToBatchAxis') == 2 and plain_ops.count('ToBatchAxis') == 3


def test_importing_prints_nothing():
    import subprocess
    import sys
    import os
    env = dict(os.environ, KERAS_BACKEND='cntk')
    out = subprocess.run([sys.executable, '-c', 'import minikeras.backend'],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout == b'' and out.stderr == b''
