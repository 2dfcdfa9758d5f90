"""Optimizers: one step against NumPy formulas, real minimization through the engine's
compiled train step, clipping, constraints, weights and config round-trips."""
import math

import numpy as np
import pytest

import minikeras.backend as K
from minikeras import constraints, optimizers

NEEDS_GRADIENTS = pytest.mark.skipif(
    'gradients' in K.unsupported_ops(),
    reason='engine %s has no gradients (inference-only engine)' % K.backend())


def _step_function(opt, params, loss_fn, n_inputs_shapes):
    specs = [(shape, 'float32') for shape in n_inputs_shapes]

    def fn(*tensors):
        loss = loss_fn(*tensors)
        return [loss], opt.get_updates(loss, params)
    opt.build(params)
    return K.compiled_function(fn, specs)


# --- NumPy references (Keras 2 formulas); grad_fn(w) gives the gradient ---------------

def np_sgd(w, grad_fn, steps, lr=0.01, momentum=0., decay=0., nesterov=False):
    m = np.zeros_like(w)
    for it in range(steps):
        lr_t = lr / (1. + decay * it)
        g = grad_fn(w)
        v = momentum * m - lr_t * g
        m = v
        w = w + momentum * v - lr_t * g if nesterov else w + v
    return w


def np_rmsprop(w, grad_fn, steps, lr=0.001, rho=0.9, eps=1e-7, decay=0.):
    a = np.zeros_like(w)
    for it in range(steps):
        lr_t = lr / (1. + decay * it)
        g = grad_fn(w)
        a = rho * a + (1 - rho) * g ** 2
        w = w - lr_t * g / (np.sqrt(a) + eps)
    return w


def np_adagrad(w, grad_fn, steps, lr=0.01, eps=1e-7):
    a = np.zeros_like(w)
    for _ in range(steps):
        g = grad_fn(w)
        a = a + g ** 2
        w = w - lr * g / (np.sqrt(a) + eps)
    return w


def np_adadelta(w, grad_fn, steps, lr=1.0, rho=0.95, eps=1e-7):
    a = np.zeros_like(w)
    d = np.zeros_like(w)
    for _ in range(steps):
        g = grad_fn(w)
        a = rho * a + (1 - rho) * g ** 2
        update = g * np.sqrt(d + eps) / np.sqrt(a + eps)
        w = w - lr * update
        d = rho * d + (1 - rho) * update ** 2
    return w


def np_adam(w, grad_fn, steps, lr=0.001, beta_1=0.9, beta_2=0.999, eps=1e-7, amsgrad=False,
            decay=0.):
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    vhat = np.zeros_like(w)
    for it in range(steps):
        t = it + 1
        lr_d = lr / (1. + decay * it)
        g = grad_fn(w)
        lr_t = lr_d * math.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g ** 2
        if amsgrad:
            vhat = np.maximum(vhat, v)
            w = w - lr_t * m / (np.sqrt(vhat) + eps)
        else:
            w = w - lr_t * m / (np.sqrt(v) + eps)
    return w


def np_adamax(w, grad_fn, steps, lr=0.002, beta_1=0.9, beta_2=0.999, eps=1e-7):
    m = np.zeros_like(w)
    u = np.zeros_like(w)
    for it in range(steps):
        t = it + 1
        g = grad_fn(w)
        lr_t = lr / (1 - beta_1 ** t)
        m = beta_1 * m + (1 - beta_1) * g
        u = np.maximum(beta_2 * u, np.abs(g))
        w = w - lr_t * m / (u + eps)
    return w


def np_nadam(w, grad_fn, steps, lr=0.002, beta_1=0.9, beta_2=0.999, eps=1e-7,
             schedule_decay=0.004):
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    m_schedule = 1.
    for it in range(steps):
        t = it + 1
        g = grad_fn(w)
        mc_t = beta_1 * (1 - 0.5 * 0.96 ** (t * schedule_decay))
        mc_t1 = beta_1 * (1 - 0.5 * 0.96 ** ((t + 1) * schedule_decay))
        m_schedule_new = m_schedule * mc_t
        m_schedule_next = m_schedule * mc_t * mc_t1
        m_schedule = m_schedule_new
        g_prime = g / (1 - m_schedule_new)
        m = beta_1 * m + (1 - beta_1) * g
        m_prime = m / (1 - m_schedule_next)
        v = beta_2 * v + (1 - beta_2) * g ** 2
        v_prime = v / (1 - beta_2 ** t)
        m_bar = (1 - mc_t) * g_prime + mc_t * m_prime
        w = w - lr * m_bar / (np.sqrt(v_prime) + eps)
    return w


CASES = [
    ('sgd', lambda: optimizers.SGD(lr=0.1), lambda w, g, n: np_sgd(w, g, n, lr=0.1)),
    ('sgd-momentum', lambda: optimizers.SGD(lr=0.1, momentum=0.9),
     lambda w, g, n: np_sgd(w, g, n, lr=0.1, momentum=0.9)),
    ('sgd-nesterov-decay', lambda: optimizers.SGD(lr=0.1, momentum=0.5, decay=0.1,
                                                  nesterov=True),
     lambda w, g, n: np_sgd(w, g, n, lr=0.1, momentum=0.5, decay=0.1, nesterov=True)),
    ('rmsprop', lambda: optimizers.RMSprop(lr=0.01, decay=0.05),
     lambda w, g, n: np_rmsprop(w, g, n, lr=0.01, decay=0.05)),
    ('adagrad', lambda: optimizers.Adagrad(lr=0.1), lambda w, g, n: np_adagrad(w, g, n, lr=0.1)),
    ('adadelta', lambda: optimizers.Adadelta(), lambda w, g, n: np_adadelta(w, g, n)),
    ('adam', lambda: optimizers.Adam(lr=0.05), lambda w, g, n: np_adam(w, g, n, lr=0.05)),
    ('adam-amsgrad-decay', lambda: optimizers.Adam(lr=0.05, amsgrad=True, decay=0.1),
     lambda w, g, n: np_adam(w, g, n, lr=0.05, amsgrad=True, decay=0.1)),
    ('adamax', lambda: optimizers.Adamax(lr=0.05), lambda w, g, n: np_adamax(w, g, n, lr=0.05)),
    ('nadam', lambda: optimizers.Nadam(lr=0.05), lambda w, g, n: np_nadam(w, g, n, lr=0.05)),
]


@NEEDS_GRADIENTS
@pytest.mark.parametrize('name,make,reference', CASES, ids=[c[0] for c in CASES])
def test_steps_match_numpy_formula(name, make, reference):
    # loss = sum(c * w) + 0.5 * sum(w**2) * s  ->  gradient c + s * w
    w0 = np.array([[0.5, -1.0, 2.0], [0.25, 3.0, -0.75]], dtype='float32')
    c = np.array([[1.0, -2.0, 0.5], [3.0, 0.1, -1.0]], dtype='float32')
    w = K.variable(w0)
    opt = make()
    f = _step_function(opt, [w], lambda cc, s: K.sum(cc * w) + 0.5 * s * K.sum(K.square(w)),
                       [(2, 3), ()])
    s = np.float32(0.5)
    steps = 4
    for _ in range(steps):
        f(c, s)
    expected = reference(w0.astype('float64'), lambda x: c + s * x, steps)
    np.testing.assert_allclose(K.get_value(w), expected, rtol=1e-4, atol=1e-5)
    assert float(K.get_value(opt.iterations)) == steps


def _regression_data():
    rng = np.random.RandomState(0)
    x = rng.normal(size=(64, 3)).astype('float32')
    w_true = np.array([[1.5], [-2.0], [0.5]], dtype='float32')
    y = (x.dot(w_true) + 0.7).astype('float32')
    return x, y


MINIMIZE = [
    ('sgd', lambda: optimizers.SGD(lr=0.1)),
    ('sgd-momentum', lambda: optimizers.SGD(lr=0.05, momentum=0.9, nesterov=True)),
    ('rmsprop', lambda: optimizers.RMSprop(lr=0.02)),
    ('adagrad', lambda: optimizers.Adagrad(lr=0.5)),
    ('adadelta', lambda: optimizers.Adadelta(lr=1.0, epsilon=1e-3)),
    ('adam', lambda: optimizers.Adam(lr=0.1)),
    ('adam-amsgrad', lambda: optimizers.Adam(lr=0.1, amsgrad=True)),
    ('adamax', lambda: optimizers.Adamax(lr=0.1)),
    ('nadam', lambda: optimizers.Nadam(lr=0.05)),
]


@NEEDS_GRADIENTS
@pytest.mark.parametrize('name,make', MINIMIZE, ids=[c[0] for c in MINIMIZE])
def test_minimizes_linear_regression(name, make):
    x, y = _regression_data()
    kernel = K.variable(np.zeros((3, 1), dtype='float32'))
    bias = K.variable(np.zeros((1,), dtype='float32'))
    opt = make()
    f = _step_function(opt, [kernel, bias],
                       lambda xx, yy: K.mean(K.square(K.dot(xx, kernel) + bias - yy)),
                       [(None, 3), (None, 1)])
    first = float(f(x, y)[0])
    for _ in range(150):
        last = float(f(x, y)[0])
    # Adadelta's steps start at about sqrt(epsilon): it converges more slowly.
    factor = 0.1 if name == 'adadelta' else 0.01
    assert last < factor * first, (first, last)


@NEEDS_GRADIENTS
def test_learning_rate_variable_is_read_by_the_compiled_step():
    w = K.variable(np.array([1.0, 2.0], dtype='float32'))
    opt = optimizers.SGD(lr=0.1)
    f = _step_function(opt, [w], lambda c: K.sum(c * w), [(2,)])
    c = np.array([1.0, -1.0], dtype='float32')
    f(c)
    np.testing.assert_allclose(K.get_value(w), [0.9, 2.1], rtol=1e-6)
    K.set_value(opt.lr, 0.5)  # what LearningRateScheduler/ReduceLROnPlateau do
    f(c)
    np.testing.assert_allclose(K.get_value(w), [0.4, 2.6], rtol=1e-6)
    assert opt.learning_rate is opt.lr


@NEEDS_GRADIENTS
def test_clipnorm_scales_by_global_norm():
    w1 = K.variable(np.array([0.0, 0.0], dtype='float32'))
    w2 = K.variable(np.array([0.0], dtype='float32'))
    opt = optimizers.SGD(lr=1.0, clipnorm=1.0)
    f = _step_function(opt, [w1, w2], lambda a, b: K.sum(a * w1) + K.sum(b * w2),
                       [(2,), (1,)])
    a = np.array([3.0, 0.0], dtype='float32')
    b = np.array([4.0], dtype='float32')  # global norm 5
    f(a, b)
    np.testing.assert_allclose(K.get_value(w1), [-0.6, 0.0], rtol=1e-5)
    np.testing.assert_allclose(K.get_value(w2), [-0.8], rtol=1e-5)
    # below the norm: unchanged gradients
    K.set_value(w1, np.zeros(2, 'float32'))
    f(np.array([0.3, 0.0], 'float32'), np.array([0.4], 'float32'))
    np.testing.assert_allclose(K.get_value(w1), [-0.3, 0.0], rtol=1e-5)


@NEEDS_GRADIENTS
def test_clipvalue_clips_each_entry():
    w = K.variable(np.zeros(3, dtype='float32'))
    opt = optimizers.SGD(lr=1.0, clipvalue=0.5)
    f = _step_function(opt, [w], lambda c: K.sum(c * w), [(3,)])
    f(np.array([2.0, -3.0, 0.1], dtype='float32'))
    np.testing.assert_allclose(K.get_value(w), [-0.5, 0.5, -0.1], rtol=1e-5)


@NEEDS_GRADIENTS
def test_constraint_is_applied_to_the_new_value():
    w = K.variable(np.array([0.5, 0.5], dtype='float32'), constraint=constraints.NonNeg())
    opt = optimizers.SGD(lr=1.0)
    f = _step_function(opt, [w], lambda c: K.sum(c * w), [(2,)])
    f(np.array([1.0, -1.0], dtype='float32'))  # -> [-0.5, 1.5] -> NonNeg
    np.testing.assert_allclose(K.get_value(w), [0.0, 1.5], rtol=1e-6)


@NEEDS_GRADIENTS
def test_get_set_weights_resume_training_exactly():
    w0 = np.array([1.0, -2.0, 0.5], dtype='float32')
    c = np.array([0.3, -0.2, 0.9], dtype='float32')
    loss = lambda cc, w: K.sum(cc * w) + K.sum(K.square(w))  # noqa: E731

    w_a = K.variable(w0)
    opt_a = optimizers.Adam(lr=0.1)
    f_a = _step_function(opt_a, [w_a], lambda cc: loss(cc, w_a), [(3,)])
    for _ in range(3):
        f_a(c)
    state = opt_a.get_weights()
    assert len(state) == 1 + 3  # iterations, m, v, vhat (Keras 2.3 layout)
    assert float(state[0]) == 3.0

    w_b = K.variable(K.get_value(w_a))
    opt_b = optimizers.Adam(lr=0.1)
    f_b = _step_function(opt_b, [w_b], lambda cc: loss(cc, w_b), [(3,)])
    opt_b.set_weights(state)
    f_a(c)
    f_b(c)
    np.testing.assert_allclose(K.get_value(w_b), K.get_value(w_a), rtol=1e-6)


def test_weights_layout_and_set_weights_errors():
    p1 = K.variable(np.zeros((2, 3), dtype='float32'))
    p2 = K.variable(np.zeros((3,), dtype='float32'))
    opt = optimizers.SGD(lr=0.1, momentum=0.9)
    assert len(opt.weights) == 1  # iterations only until built
    with pytest.raises(ValueError, match='build'):
        opt.set_weights([np.zeros(()), np.zeros((2, 3)), np.zeros((3,))])
    opt.build([p1, p2])
    first = list(opt.weights)
    opt.build([p1, p2])  # idempotent
    assert [id(v) for v in opt.weights] == [id(v) for v in first]
    assert [K.int_shape(v) for v in opt.weights] == [(), (2, 3), (3,)]
    with pytest.raises(ValueError, match=r'Length of the specified weight list \(2\)'):
        opt.set_weights([np.zeros(()), np.zeros((2, 3))])
    with pytest.raises(ValueError, match='shape'):
        opt.set_weights([np.zeros(()), np.zeros((3, 2)), np.zeros((3,))])
    opt.set_weights([np.array(7.0), np.ones((2, 3)), np.full((3,), 2.0)])
    values = opt.get_weights()
    assert float(values[0]) == 7.0
    np.testing.assert_array_equal(values[1], np.ones((2, 3)))
    np.testing.assert_array_equal(values[2], np.full((3,), 2.0))
    assert K.dtype(opt.iterations) == K.floatx()

    nadam = optimizers.Nadam()
    nadam.build([p1])
    assert [K.int_shape(v) for v in nadam.weights] == [(), (), (2, 3), (2, 3)]
    for cls, n_slots in [(optimizers.RMSprop, 1), (optimizers.Adagrad, 1),
                         (optimizers.Adadelta, 2), (optimizers.Adam, 3),
                         (optimizers.Adamax, 2)]:
        o = cls()
        o.build([p1, p2])
        assert len(o.weights) == 1 + 2 * n_slots, cls


ALL = [optimizers.SGD, optimizers.RMSprop, optimizers.Adagrad, optimizers.Adadelta,
       optimizers.Adam, optimizers.Adamax, optimizers.Nadam]


@pytest.mark.parametrize('cls', ALL, ids=[c.__name__ for c in ALL])
def test_config_round_trip(cls):
    opt = cls(lr=0.123, clipnorm=2.0, clipvalue=0.5)
    config = opt.get_config()
    assert config['learning_rate'] == 0.123
    assert config['clipnorm'] == 2.0 and config['clipvalue'] == 0.5
    clone = cls.from_config(config)
    assert clone.get_config() == config
    ser = optimizers.serialize(opt)
    assert ser['class_name'] == cls.__name__
    again = optimizers.deserialize(ser)
    assert type(again) is cls and again.get_config() == config
    # Keras 2.2 configs used 'lr'
    legacy = dict(config)
    legacy['lr'] = legacy.pop('learning_rate')
    assert cls.from_config(legacy).get_config() == config


def test_defaults_and_aliases():
    assert float(K.get_value(optimizers.SGD().lr)) == pytest.approx(0.01)
    assert float(K.get_value(optimizers.RMSprop().lr)) == pytest.approx(0.001)
    assert float(K.get_value(optimizers.Adagrad().lr)) == pytest.approx(0.01)
    assert float(K.get_value(optimizers.Adadelta().lr)) == pytest.approx(1.0)
    assert float(K.get_value(optimizers.Adam().lr)) == pytest.approx(0.001)
    assert float(K.get_value(optimizers.Adamax().lr)) == pytest.approx(0.002)
    assert float(K.get_value(optimizers.Nadam().lr)) == pytest.approx(0.002)
    assert optimizers.Adam().epsilon == K.epsilon()
    assert optimizers.Adam(epsilon=1e-3).epsilon == 1e-3
    assert optimizers.Adam(learning_rate=0.5).get_config()['learning_rate'] == 0.5
    assert optimizers.SGD(0.3).get_config()['learning_rate'] == 0.3
    with pytest.warns(UserWarning, match='both'):   # Keras 2.3.1: lr wins
        assert optimizers.SGD(lr=0.2, learning_rate=0.3).get_config()['learning_rate'] == 0.2
    with pytest.raises(TypeError, match='bogus'):
        optimizers.Adam(bogus=1)
    with pytest.raises(ValueError, match='clipnorm'):
        optimizers.SGD(clipnorm=-1)
    opt = optimizers.SGD()
    opt.lr = 0.25
    assert float(K.get_value(opt.learning_rate)) == pytest.approx(0.25)


def test_get():
    assert isinstance(optimizers.get('rmsprop'), optimizers.RMSprop)
    assert isinstance(optimizers.get('Adam'), optimizers.Adam)
    assert isinstance(optimizers.get('nadam'), optimizers.Nadam)
    opt = optimizers.get({'class_name': 'SGD', 'config': {'lr': 0.5, 'momentum': 0.9}})
    assert isinstance(opt, optimizers.SGD) and opt.momentum == 0.9
    assert opt.get_config()['learning_rate'] == 0.5
    same = optimizers.Adagrad()
    assert optimizers.get(same) is same
    with pytest.raises(ValueError, match='Unknown optimizer'):
        optimizers.get('adamw_nonexistent')
    with pytest.raises(ValueError, match='Could not interpret'):
        optimizers.get(42)
