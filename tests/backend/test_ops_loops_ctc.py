"""The loop ops (map_fn, foldl, foldr), CTC, and the small Keras 2.3.1 utilities
(size, print_tensor, control_dependencies, sparse checks) on the active engine, against
the NumPy reference; gradients against finite differences."""
import numpy as np
import pytest

import minikeras.backend as K
from minikeras.backend import numpy as R
from tests.backend.test_gradients import Case, check_group, const, no_gradients_on_numpy

ENGINE = K.backend()
COVERED = set()  # contract ops checked here (test_ops' coverage check reads it)


def covers(*ops):
    COVERED.update(ops)
    return lambda fn: fn

SPARSE_ENGINES = ('numpy', 'tensorflow', 'jax')


def run(fn, *arrays):
    """``fn(*tensors) -> list of tensors`` compiled once and run on ``arrays``."""
    specs = [(a.shape, a.dtype.name) for a in arrays]
    return K.compiled_function(lambda *xs: (list(fn(*xs)), []), specs)(*arrays)


def loops(o, x, init):
    return [o.map_fn(lambda v: o.sin(v) * 2. + o.sum(v), x),
            o.map_fn(lambda v: o.sum(v), x, dtype='float32'),
            o.foldl(lambda acc, v: acc * 0.5 + v, x),
            o.foldl(lambda acc, v: acc * v + 1., x, initializer=init),
            o.foldr(lambda acc, v: acc * 0.5 + v, x),
            o.foldr(lambda acc, v: acc - v * acc, x, initializer=init),
            o.size(x)]


@covers('map_fn', 'foldl', 'foldr', 'size')
def test_loops_and_size_match_the_reference():
    x = np.random.RandomState(0).uniform(-1, 1, (4, 3)).astype('float32')
    init = np.random.RandomState(1).uniform(-1, 1, (3,)).astype('float32')
    got = run(lambda a, b: loops(K, a, b), x, init)
    want = loops(R, x, init)
    assert [np.shape(g) for g in got] == [np.shape(w) for w in want]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    assert int(got[-1]) == 12


@covers('print_tensor', 'control_dependencies', 'is_sparse', 'to_dense')
def test_print_tensor_control_dependencies_and_dense_tensors():
    x = np.arange(6, dtype='float32').reshape(2, 3)

    def fn(t):
        with K.control_dependencies([t]):
            y = K.print_tensor(t * 2., message='doubled:')
        return [y, K.to_dense(y) + 1., K.cast(K.is_sparse(y), 'float32') + K.sum(t) * 0.]
    doubled, plus_one, sparse = run(fn, x)
    np.testing.assert_array_equal(doubled, x * 2.)
    np.testing.assert_array_equal(plus_one, x * 2. + 1.)
    assert float(sparse) == 0.
    with K.control_dependencies([K.placeholder((2, 3))]):  # symbolic inputs are accepted
        pass


LABELS = np.array([[0, 1, 1], [2, 0, -1]], dtype='float32')  # -1: padding
LABEL_LENGTH = np.array([[3], [2]], dtype='float32')
INPUT_LENGTH = np.array([[6], [4]], dtype='float32')


def softmax_outputs(seed, shape=(2, 6, 4)):
    p = np.random.RandomState(seed).uniform(0.05, 1., shape)
    return p / p.sum(axis=-1, keepdims=True)


@covers('ctc_batch_cost')
def test_ctc_batch_cost_matches_the_forward_algorithm():
    y_pred = softmax_outputs(2).astype('float32')
    got, = run(lambda *a: [K.ctc_batch_cost(*a)], LABELS, y_pred, INPUT_LENGTH, LABEL_LENGTH)
    want = R.ctc_batch_cost(LABELS, y_pred, INPUT_LENGTH, LABEL_LENGTH)
    assert got.shape == (2, 1)
    np.testing.assert_allclose(got, want, rtol=1e-4)
    # hand check: one step, label [0] of 2 classes -> -log p(0) (renormalized p + eps)
    p = np.array([[[0.3, 0.7]]], dtype='float32')
    one = R.ctc_batch_cost(np.array([[0.]]), p, np.array([[1.]]), np.array([[1.]]))
    np.testing.assert_allclose(one, [[-np.log((0.3 + K.epsilon()) / (1 + 2 * K.epsilon()))]],
                               rtol=1e-5)


@covers('ctc_decode')
def test_ctc_decode_greedy_and_beam():
    y_pred = softmax_outputs(3).astype('float32')
    y_pred[0, :, :] = [[.1, .6, .1, .2], [.1, .6, .1, .2], [.7, .1, .1, .1],
                       [.1, .1, .1, .7], [.7, .1, .1, .1], [.1, .1, .6, .2]]
    lengths = np.array([6, 3], dtype='float32')
    (decoded,), log_prob = R.ctc_decode(y_pred, lengths)
    np.testing.assert_array_equal(decoded[0], [1, 0, 0, 2, -1, -1])
    np.testing.assert_allclose(log_prob[0, 0], -np.log(y_pred[0].max(axis=1) + K.epsilon()).sum(),
                               rtol=1e-5)
    got = run(lambda p, n: K.ctc_decode(p, n)[0] + [K.ctc_decode(p, n)[1]], y_pred, lengths)
    np.testing.assert_array_equal(got[0], decoded)
    np.testing.assert_allclose(got[1], log_prob, rtol=1e-5)
    short = y_pred[:, :3]  # beam search on concrete values, every engine
    paths, beam_prob = K.ctc_decode(short, lengths * 0 + 3, greedy=False, beam_width=10,
                                    top_paths=2)
    want_paths, want_prob = R.ctc_decode(short, lengths * 0 + 3, greedy=False, beam_width=10,
                                         top_paths=2)
    assert len(paths) == 2
    for p, w in zip(paths, want_paths):
        np.testing.assert_array_equal(K.eval(p), w)
    np.testing.assert_allclose(K.eval(beam_prob), want_prob, rtol=1e-4)


@covers('ctc_label_dense_to_sparse')
def test_ctc_label_dense_to_sparse():
    lengths = LABEL_LENGTH[:, 0].astype('int32')
    want = R.ctc_label_dense_to_sparse(LABELS, lengths)
    np.testing.assert_array_equal(want.indices, [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1]])
    np.testing.assert_array_equal(want.values, [0, 1, 1, 2, 0])
    if ENGINE not in SPARSE_ENGINES:
        with pytest.raises(NotImplementedError, match='ctc_label_dense_to_sparse'):
            K.ctc_label_dense_to_sparse(K.constant(LABELS), K.constant(lengths, dtype='int32'))
        return
    sparse = K.ctc_label_dense_to_sparse(K.constant(LABELS), K.constant(lengths, dtype='int32'))
    assert K.is_sparse(sparse)
    np.testing.assert_array_equal(np.asarray(sparse.indices), want.indices)
    np.testing.assert_array_equal(K.eval(K.to_dense(sparse)), R.to_dense(want))


GRADIENT_CASES = [
    Case('map_fn', [np.random.RandomState(4).uniform(-1, 1, (3, 2))],
         lambda o, x: o.map_fn(lambda v: o.sin(v) * o.sum(v * v), x)),
    Case('foldl', [np.random.RandomState(5).uniform(-1, 1, (3, 2)),
                   np.random.RandomState(6).uniform(-1, 1, (2,))],
         lambda o, x, a: o.foldl(lambda acc, v: acc * v + o.sin(acc), x, initializer=a)),
    Case('foldr', [np.random.RandomState(7).uniform(-1, 1, (3, 2))],
         lambda o, x: o.foldr(lambda acc, v: acc * v + v, x)),
    Case('ctc_batch_cost', [softmax_outputs(8, (2, 4, 3))],
         lambda o, p: o.ctc_batch_cost(const(o, np.array([[0., 1., 1.], [1., 0., -1.]])), p,
                                       const(o, np.array([[4.], [3.]])),
                                       const(o, LABEL_LENGTH.astype('float64')))),
]


@no_gradients_on_numpy
def test_gradients_of_loops_and_ctc():
    check_group(GRADIENT_CASES)


def test_sessions_are_those_of_keras_231_on_tensorflow_2():
    for fn, args in ((K.get_session, ()), (K.set_session, (None,))):
        with pytest.raises(RuntimeError, match='`%s` is not available' % fn.__name__):
            fn(*args)
    K.manual_variable_initialization(True)  # recorded; variables hold values anyway
    K.manual_variable_initialization(False)


def test_random_variables_and_batch_statistics():
    u = K.random_uniform_variable((3, 4), -2., -1., seed=5)
    n = K.random_normal_variable((200,), 3., 0.5, dtype='float64', seed=5)
    assert K.int_shape(u) == (3, 4) and K.is_variable(u) and K.dtype(n) == 'float64'
    values = K.get_value(u)
    assert values.min() >= -2. and values.max() < -1.
    np.testing.assert_array_equal(values, K.get_value(K.random_uniform_variable((3, 4), -2., -1.,
                                                                               seed=5)))
    assert abs(K.get_value(n).mean() - 3.) < 0.15
    x = np.random.RandomState(9).uniform(-1, 1, (4, 2, 3)).astype('float32')
    gamma = np.array([1., 2., 0.5], 'float32')
    beta = np.array([0., 1., -1.], 'float32')
    normed, mean, var = run(lambda t, g, b: K.normalize_batch_in_training(t, g, b, [0, 1]),
                            x, gamma, beta)
    want_mean, want_var = x.mean(axis=(0, 1)), x.var(axis=(0, 1))
    np.testing.assert_allclose(mean, want_mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(var, want_var, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(normed, (x - want_mean) / np.sqrt(want_var + 1e-3) * gamma + beta,
                               rtol=1e-4, atol=1e-5)
    normed, mean, _ = run(lambda t: K.normalize_batch_in_training(t, None, None, [0, 2]), x)
    assert mean.shape == (2,)
    np.testing.assert_allclose(normed, (x - x.mean(axis=(0, 2), keepdims=True))
                               / np.sqrt(x.var(axis=(0, 2), keepdims=True) + 1e-3),
                               rtol=1e-4, atol=1e-5)
