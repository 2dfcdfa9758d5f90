"""Gradients of the active engine against central finite differences of the NumPy
reference, in float64.

For each case the engine computes ``K.gradients(K.sum(op(*xs) * w), xs)`` inside
``K.compiled_function`` with every ``x`` held in a ``K.variable``; the reference gives
the same derivative by central differences. One compiled function per group keeps
Theano's compile time small.
"""
import numpy as np
import pytest

import minikeras.backend as K
from minikeras.backend import numpy as R
from tests.backend import volume_cases

ENGINE = K.backend()
DTYPE = 'float64'
STEP = 1e-6
TOL = dict(rtol=1e-5, atol=1e-6)

no_gradients_on_numpy = pytest.mark.xfail(
    ENGINE == 'numpy', raises=NotImplementedError, strict=True,
    reason='NumPy reference has no gradients')


def uniform(seed, shape, low=-1., high=1., kinks=()):
    """Random float64 values kept at least 0.05 away from each point in ``kinks``, so a
    finite-difference step never crosses a point where the op is not differentiable."""
    x = np.random.RandomState(seed).uniform(low, high, shape)
    for k in kinks:
        near = np.abs(x - k) < 0.05
        x[near] = k + 0.05 + np.abs(x[near] - k)
    return x


def const(o, value):
    """A fixed (not differentiated) argument: numpy for the reference, a constant for
    the engine."""
    return value if o is R else K.constant(value, dtype=np.asarray(value).dtype.name)


class Case(object):
    def __init__(self, name, inputs, fn):
        self.name = name
        self.inputs = inputs  # float64 arrays, each held in a variable and differentiated
        self.fn = fn  # fn(o, *xs) -> tensor

    def weight(self):
        with np.errstate(all='ignore'):
            out = np.asarray(self.fn(R, *self.inputs))
        return np.random.RandomState(7).uniform(0.5, 1.5, out.shape)

    def numeric_gradients(self):
        w = self.weight()

        def f(xs):
            return np.sum(np.asarray(self.fn(R, *xs)) * w)
        grads = []
        for i, x in enumerate(self.inputs):
            g = np.zeros_like(x)
            for index in np.ndindex(*x.shape):
                xs = [a.copy() for a in self.inputs]
                xs[i][index] = x[index] + STEP
                up = f(xs)
                xs[i][index] = x[index] - STEP
                down = f(xs)
                g[index] = (up - down) / (2 * STEP)
            grads.append(g)
        return grads


def engine_gradients(cases):
    variables = [[K.variable(x, dtype=DTYPE) for x in case.inputs] for case in cases]
    weights = [case.weight() for case in cases]

    def fn():
        grads = []
        for case, xs, w in zip(cases, variables, weights):
            loss = K.sum(case.fn(K, *xs) * K.constant(w, dtype=DTYPE))
            grads.extend(K.gradients(loss, xs))
        return grads, []
    flat = K.compiled_function(fn, [])()
    out, i = [], 0
    for case in cases:
        out.append(flat[i:i + len(case.inputs)])
        i += len(case.inputs)
    return out


def gradient_problems(cases):
    """Mismatches between engine gradients and finite differences; if the compiled
    function fails to build or run, the cases are halved until the ones at fault are
    found."""
    try:
        computed = engine_gradients(cases)
    except NotImplementedError:
        raise
    except Exception as e:
        if len(cases) == 1:
            return ['%s raised %s: %s' % (cases[0].name, type(e).__name__, e)]
        middle = len(cases) // 2
        return gradient_problems(cases[:middle]) + gradient_problems(cases[middle:])
    problems = []
    for case, grads in zip(cases, computed):
        for i, (got, want) in enumerate(zip(grads, case.numeric_gradients())):
            got = np.asarray(got)
            if got.shape != want.shape:
                problems.append('%s d/dx%d: shape %s, expected %s'
                                % (case.name, i, got.shape, want.shape))
            elif not np.allclose(got, want, **TOL):
                problems.append('%s d/dx%d: max abs error %.3g\n  engine:      %s\n  '
                                'finite diff: %s' % (case.name, i, np.max(np.abs(got - want)),
                                                     np.array2string(got.ravel()[:6]),
                                                     np.array2string(want.ravel()[:6])))
    return problems


def check_group(cases):
    problems = gradient_problems(cases)
    assert not problems, '%d gradient mismatches on %s:\n%s' % (
        len(problems), ENGINE, '\n'.join(problems))


def x34(seed, **kwargs):
    return uniform(seed, (3, 4), **kwargs)


MATH = [
    Case('add', [x34(1), x34(2)], lambda o, x, y: o.add(x, y)),
    Case('subtract', [x34(1), x34(2)], lambda o, x, y: o.subtract(x, y)),
    Case('multiply', [x34(1), x34(2)], lambda o, x, y: o.multiply(x, y)),
    Case('divide', [x34(1), x34(2, low=0.5, high=2.)], lambda o, x, y: o.divide(x, y)),
    Case('negative', [x34(1)], lambda o, x: o.negative(x)),
    Case('exp', [x34(3)], lambda o, x: o.exp(x)),
    Case('log', [x34(4, low=0.2, high=2.)], lambda o, x: o.log(x)),
    Case('sqrt', [x34(5, low=0.2, high=2.)], lambda o, x: o.sqrt(x)),
    Case('square', [x34(6)], lambda o, x: o.square(x)),
    Case('abs', [x34(7, kinks=(0.,))], lambda o, x: o.abs(x)),
    Case('sin', [x34(8)], lambda o, x: o.sin(x)),
    Case('cos', [x34(9)], lambda o, x: o.cos(x)),
    Case('pow', [x34(10, low=0.2, high=2.)], lambda o, x: o.pow(x, 2.5)),
    Case('clip', [x34(11, kinks=(-0.3, 0.4))], lambda o, x: o.clip(x, -0.3, 0.4)),
    Case('maximum', [x34(12), x34(12) + uniform(13, (3, 4), kinks=(0.,))],
         lambda o, x, y: o.maximum(x, y)),
    Case('minimum', [x34(12), x34(12) + uniform(13, (3, 4), kinks=(0.,))],
         lambda o, x, y: o.minimum(x, y)),
    Case('sum', [x34(14)], lambda o, x: o.sum(x, axis=1)),
    Case('prod', [x34(15, low=0.5, high=1.5)], lambda o, x: o.prod(x, axis=0)),
    Case('mean', [x34(16)], lambda o, x: o.mean(x, axis=-1, keepdims=True)),
    Case('var', [x34(17)], lambda o, x: o.var(x, axis=1)),
    Case('std', [x34(18)], lambda o, x: o.std(x)),
    Case('max', [x34(19)], lambda o, x: o.max(x, axis=1)),
    Case('min', [x34(20)], lambda o, x: o.min(x, axis=0)),
    Case('cumsum', [x34(21)], lambda o, x: o.cumsum(x, axis=1)),
    Case('cumprod', [x34(22, low=0.5, high=1.5)], lambda o, x: o.cumprod(x, axis=0)),
    Case('logsumexp', [x34(23)], lambda o, x: o.logsumexp(x, axis=1)),
    Case('dot', [x34(24), uniform(25, (4, 2))], lambda o, x, y: o.dot(x, y)),
    Case('batch_dot', [uniform(26, (2, 3, 4)), uniform(27, (2, 4, 2))],
         lambda o, x, y: o.batch_dot(x, y)),
    Case('transpose', [x34(28)], lambda o, x: o.transpose(x)),
    Case('reshape', [x34(29)], lambda o, x: o.reshape(x, (2, 6))),
    Case('concatenate', [x34(30), x34(31)], lambda o, x, y: o.concatenate([x, y], axis=0)),
    Case('stack', [x34(30), x34(31)], lambda o, x, y: o.stack([x, y], axis=1)),
    Case('permute_dimensions', [uniform(32, (2, 3, 4))],
         lambda o, x: o.permute_dimensions(x, (1, 2, 0))),
    Case('tile', [x34(33)], lambda o, x: o.tile(x, (2, 1))),
    Case('repeat_elements', [x34(34)], lambda o, x: o.repeat_elements(x, 2, 1)),
    Case('gather', [x34(35)], lambda o, x: o.gather(x, const(o, np.array([2, 0, 2], 'int32')))),
    Case('switch', [x34(36), x34(37)], lambda o, x, y: o.switch(
        const(o, np.array([[True, False, True, True]] * 3)), x, y)),
    Case('slice', [x34(38)], lambda o, x: o.slice(x, [1, 0], [2, 3])),
    Case('l2_normalize', [x34(39)], lambda o, x: o.l2_normalize(x, axis=-1)),
    Case('temporal_padding', [uniform(40, (2, 3, 2))], lambda o, x: o.temporal_padding(x)),
    Case('spatial_2d_padding', [uniform(41, (1, 2, 3, 2))],
         lambda o, x: o.spatial_2d_padding(x, data_format='channels_last')),
    Case('resize_images bilinear', [uniform(42, (1, 2, 3, 1))],
         lambda o, x: o.resize_images(x, 2, 2, 'channels_last', 'bilinear')),
]

ACTIVATIONS = [
    Case('relu', [x34(50, low=-2., high=2., kinks=(0.,))], lambda o, x: o.relu(x)),
    Case('relu alpha max_value threshold', [x34(51, low=-2., high=2., kinks=(0.3, 1.5))],
         lambda o, x: o.relu(x, alpha=0.1, max_value=1.5, threshold=0.3)),
    Case('elu', [x34(52, low=-2., high=2., kinks=(0.,))], lambda o, x: o.elu(x, 0.7)),
    Case('selu', [x34(53, low=-2., high=2., kinks=(0.,))], lambda o, x: o.selu(x)),
    Case('sigmoid', [x34(54, low=-4., high=4.)], lambda o, x: o.sigmoid(x)),
    Case('hard_sigmoid', [x34(55, low=-3., high=3., kinks=(-2.5, 2.5))],
         lambda o, x: o.hard_sigmoid(x)),
    Case('tanh', [x34(56)], lambda o, x: o.tanh(x)),
    Case('softmax', [x34(57)], lambda o, x: o.softmax(x)),
    Case('log_softmax', [uniform(58, (2, 3, 4))], lambda o, x: o.log_softmax(x, axis=1)),
    Case('softplus', [x34(59, low=-3., high=3.)], lambda o, x: o.softplus(x)),
    Case('softsign', [x34(60, kinks=(0.,))], lambda o, x: o.softsign(x)),
]


def _probabilities(seed, shape):
    p = uniform(seed, shape, 0.1, 1.)
    return p / p.sum(axis=-1, keepdims=True)


LOSSES = [
    Case('categorical_crossentropy', [_probabilities(70, (3, 4))],
         lambda o, p: o.categorical_crossentropy(const(o, _probabilities(71, (3, 4))), p)),
    Case('categorical_crossentropy from_logits', [x34(72)],
         lambda o, z: o.categorical_crossentropy(const(o, _probabilities(71, (3, 4))), z,
                                                 from_logits=True)),
    Case('sparse_categorical_crossentropy', [_probabilities(73, (3, 4))],
         lambda o, p: o.sparse_categorical_crossentropy(const(o, np.array([0, 3, 1], 'int32')),
                                                        p)),
    Case('sparse_categorical_crossentropy from_logits', [x34(74)],
         lambda o, z: o.sparse_categorical_crossentropy(const(o, np.array([2, 1, 1], 'int32')),
                                                        z, from_logits=True)),
    Case('binary_crossentropy', [x34(75, low=0.1, high=0.9)],
         lambda o, p: o.binary_crossentropy(const(o, uniform(76, (3, 4), 0., 1.)), p)),
    Case('binary_crossentropy from_logits', [x34(77, low=-3., high=3.)],
         lambda o, z: o.binary_crossentropy(const(o, uniform(76, (3, 4), 0., 1.)), z,
                                            from_logits=True)),
]

CONVOLUTIONS = [
    Case('bias_add', [uniform(80, (2, 3, 3)), uniform(81, (3,))],
         lambda o, x, b: o.bias_add(x, b, 'channels_first')),
    Case('conv1d causal', [uniform(82, (2, 6, 2)), uniform(83, (3, 2, 3))],
         lambda o, x, k: o.conv1d(x, k, 1, 'causal', 'channels_last', 2)),
    Case('conv2d same strides', [uniform(84, (2, 5, 5, 2)), uniform(85, (3, 3, 2, 3))],
         lambda o, x, k: o.conv2d(x, k, (2, 2), 'same', 'channels_last')),
    Case('conv2d channels_first dilation', [uniform(86, (1, 2, 6, 5)), uniform(87, (2, 2, 2, 2))],
         lambda o, x, k: o.conv2d(x, k, (1, 1), 'valid', 'channels_first', (2, 2))),
    Case('conv2d_transpose', [uniform(88, (2, 3, 3, 3)), uniform(89, (3, 3, 2, 3))],
         lambda o, x, k: o.conv2d_transpose(x, k, (2, 5, 5, 2), (2, 2), 'same',
                                            'channels_last')),
    Case('depthwise_conv2d', [uniform(90, (2, 4, 4, 2)), uniform(91, (2, 2, 2, 2))],
         lambda o, x, k: o.depthwise_conv2d(x, k, (1, 1), 'same', 'channels_last')),
    Case('separable_conv2d', [uniform(92, (1, 4, 4, 2)), uniform(93, (2, 2, 2, 2)),
                              uniform(94, (1, 1, 4, 3))],
         lambda o, x, d, p: o.separable_conv2d(x, d, p, (1, 1), 'valid', 'channels_last')),
    Case('pool2d max', [uniform(95, (2, 4, 5, 2))],
         lambda o, x: o.pool2d(x, (2, 2), (2, 2), 'same', 'channels_last', 'max')),
    Case('pool2d avg', [uniform(96, (2, 4, 5, 2))],
         lambda o, x: o.pool2d(x, (3, 3), (2, 2), 'same', 'channels_last', 'avg')),
    Case('batch_normalization', [uniform(97, (4, 3)), uniform(98, (3,)),
                                 uniform(99, (3,), 0.5, 1.5), uniform(100, (3,)),
                                 uniform(101, (3,))],
         lambda o, x, m, v, b, g: o.batch_normalization(x, m, v, b, g, axis=-1, epsilon=1e-3)),
]


def _rnn_case(name, **options):
    x = uniform(110, (2, 4, 3))
    h0 = uniform(111, (2, 2))
    mask = np.array([[1, 1, 0, 1], [0, 1, 1, 1]], dtype=DTYPE)

    def fn(o, x, w, u):
        def step(x_t, states):
            h = o.tanh(o.dot(x_t, w) + o.dot(states[0], u))
            return h, [h]
        m = const(o, mask) if options.get('mask') else None
        last, outputs, states = o.rnn(step, x, [const(o, h0)], mask=m,
                                      go_backwards=options.get('go_backwards', False),
                                      unroll=options.get('unroll', False),
                                      input_length=4 if options.get('unroll') else None)
        return o.concatenate([o.batch_flatten(outputs), states[0]], axis=1)
    return Case(name, [x, uniform(112, (3, 2)), uniform(113, (2, 2), -0.5, 0.5)], fn)


RNN = [_rnn_case('rnn'), _rnn_case('rnn masked backwards', mask=True, go_backwards=True),
       _rnn_case('rnn unrolled', unroll=True)]

VOLUMES = [Case(*case) for case in volume_cases.GRADIENT_CASES]  # 3-D, local convolutions

GROUPS = [('math', MATH), ('activations', ACTIVATIONS), ('losses', LOSSES),
          ('convolutions', CONVOLUTIONS), ('rnn', RNN), ('volumes', VOLUMES)]


@no_gradients_on_numpy
@pytest.mark.parametrize('cases', [g[1] for g in GROUPS], ids=[g[0] for g in GROUPS])
def test_gradients_match_finite_differences(cases):
    check_group(cases)


@no_gradients_on_numpy
def test_stop_gradient_blocks_the_gradient():
    x = K.variable(np.array([1., 2., 3.]), dtype=DTYPE)

    def fn():
        loss = K.sum(K.square(x) + K.stop_gradient(K.square(x)))
        return K.gradients(loss, [x]), []
    grad, = K.compiled_function(fn, [])()
    np.testing.assert_allclose(grad, [2., 4., 6.])


def test_finite_differences_of_the_reference_are_right():
    """The oracle's side of the comparison: d/dx sum(x**2 * w) is 2 x w."""
    case = Case('square', [x34(120)], lambda o, x: o.square(x))
    np.testing.assert_allclose(case.numeric_gradients()[0], 2 * case.inputs[0] * case.weight(),
                               rtol=1e-7)
