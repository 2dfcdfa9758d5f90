"""Theano-adapter behaviour beyond the contract: which implementation is used (classic
Theano or PyTensor), default flags that respect the user's, quiet import, and engine
errors translated into short ValueErrors."""
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import minikeras.backend as K

pytestmark = pytest.mark.skipif(K.backend() != 'theano',
                                reason='Theano-adapter tests run with KERAS_BACKEND=theano')

IMPL = K.engine_info()['implementation'] if K.backend() == 'theano' else None
FLAGS_VAR = {'theano': 'THEANO_FLAGS', 'pytensor': 'PYTENSOR_FLAGS'}.get(IMPL)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _python(code, **env):
    """Run ``code`` in a fresh interpreter with the theano engine; (rc, stdout, stderr)."""
    full = dict(os.environ)
    full.update({'KERAS_BACKEND': 'theano', 'PYTHONPATH': ROOT})
    for key, value in env.items():
        if value is None:
            full.pop(key, None)
        else:
            full[key] = value
    proc = subprocess.run([sys.executable, '-c', code], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=full, cwd=ROOT,
                          universal_newlines=True, timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


def test_implementation_is_the_installed_one():
    info = K.engine_info()
    assert info['name'] == 'theano'
    assert info['implementation'] in ('theano', 'pytensor')
    module = __import__(info['implementation'])
    assert info['version'] == module.__version__


def test_forced_implementation_and_bad_values():
    rc, out, err = _python('import minikeras.backend as K; '
                           'print(K.engine_info()["implementation"])',
                           MINIKERAS_THEANO_IMPL=IMPL)
    assert rc == 0, err
    assert out.strip() == IMPL
    rc, out, err = _python('import minikeras.backend', MINIKERAS_THEANO_IMPL='caffe')
    assert rc != 0
    assert 'MINIKERAS_THEANO_IMPL' in err and "'caffe'" in err
    other = 'theano' if IMPL == 'pytensor' else 'pytensor'
    try:
        __import__(other)
        return  # both installed here: nothing more to check
    except ImportError:
        pass
    rc, out, err = _python('import minikeras.backend', MINIKERAS_THEANO_IMPL=other)
    assert rc != 0
    assert 'MINIKERAS_THEANO_IMPL=%s' % other in err and 'not installed' in err


def test_import_is_quiet_and_sets_float32_by_default():
    code = ('import minikeras.backend as K; import sys; '
            'sys.stderr.write("FLOATX=" + K.engine_info()["floatX"])')
    rc, out, err = _python(code, **{FLAGS_VAR: None})
    assert rc == 0, err
    assert out == ''
    assert err == 'FLOATX=float32'


def test_user_flags_are_respected():
    code = ('import minikeras.backend as K; info = K.engine_info(); '
            'print(info["floatX"], info["optimizer"])')
    rc, out, err = _python(code, **{FLAGS_VAR: 'floatX=float64,optimizer=fast_compile'})
    assert rc == 0, err
    assert out.split() == ['float64', 'fast_compile']
    rc, out, err = _python(code, **{FLAGS_VAR: 'optimizer=fast_compile'})
    assert rc == 0, err
    assert out.split() == ['float32', 'fast_compile']


def test_run_time_engine_errors_become_short_value_errors():
    def fn(x, y):
        return [K.add(x, y)], []
    f = K.compiled_function(fn, [((None, 3), 'float32'), ((None, 3), 'float32')])
    np.testing.assert_allclose(f(np.ones((2, 3), 'float32'), np.ones((2, 3), 'float32'))[0],
                               2 * np.ones((2, 3)))
    with pytest.raises(ValueError) as info:
        f(np.ones((2, 3), 'float32'), np.ones((4, 3), 'float32'))
    message = str(info.value)
    assert message.startswith('%s backend: ' % IMPL)
    assert 'Apply node' not in message and len(message) < 800
    assert message.count('\n') == 0


def test_static_input_shape_is_checked_before_the_engine_runs():
    f = K.compiled_function(lambda x: ([K.sum(x)], []), [((None, 3), 'float32')])
    with pytest.raises(ValueError, match=r'expected shape \(None, 3\)'):
        f(np.ones((2, 4), 'float32'))


def test_random_streams_inside_scan_advance():
    """Random ops in a recurrent step: scan's state updates are compiled in."""
    def fn(x):
        def step(x_t, states):
            noise = K.random_uniform(K.shape(x_t), seed=3)
            return x_t + noise, [states[0]]
        last, outputs, _ = K.rnn(step, x, [K.zeros_like(x[:, 0, :])])
        return [outputs], []
    f = K.compiled_function(fn, [((None, 4, 2), 'float32')])
    x = np.zeros((3, 4, 2), 'float32')
    a, b = f(x)[0], f(x)[0]
    assert a.shape == (3, 4, 2)
    assert not np.array_equal(a, b)


def test_random_draws_are_numpy_generator_ops_that_advance_and_repeat_by_seed():
    """Both implementations draw with NumPy (classic Theano's MRG streams would compute
    each number in Python under the suite's Python linker): the compiled graph's random
    op is a NumPy-backed one, each call draws anew, and a seed repeats the sequence."""
    def make(seed):
        def fn(x):
            return [x + K.random_uniform((2, 1000), seed=seed),
                    K.dropout(x + 1., 0.5, seed=seed)], []
        return K.compiled_function(fn, [((2, 1000), 'float32')])
    f, g = make(11), make(11)
    ops = [type(n.op).__name__ for n in f.engine_function.maker.fgraph.apply_nodes]
    assert not [o for o in ops if 'mrg' in o.lower()], ops
    assert [o for o in ops if o in ('RandomFunction', 'RandomVariable') or
            'Uniform' in o or 'Binomial' in o], ops
    x = np.zeros((2, 1000), 'float32')
    first, second = f(x), f(x)
    assert not np.array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[0], g(x)[0])
    u = first[0]
    assert 0.0 <= u.min() and u.max() < 1.0 and abs(u.mean() - 0.5) < 0.05
    kept = first[1] != 0
    assert 0.4 < kept.mean() < 0.6 and np.allclose(first[1][kept], 2.)

def _forward_scan_outputs(fn):
    """The number of outputs of each forward loop (scan, not its gradient) in ``fn``."""
    graph = fn.engine_function.maker.fgraph
    return [len(n.outputs) for n in graph.apply_nodes
            if 'Scan' in type(n.op).__name__ and 'grad_of' not in str(n.op)]


def test_rnn_whose_output_is_its_state_loops_over_the_states_only():
    """A step returning ``h, [h, c]`` (LSTM, GRU, SimpleRNN) gives scan two outputs (h, c),
    not three: the outputs sequence is h's. The values and gradients stay those of the
    loop; a step whose output is not a state still gets its own loop output."""
    w = K.variable(np.array([[0.5, -0.2], [0.1, 0.3]], 'float32'))

    def lstm_like(x_t, states):
        h = K.tanh(x_t + K.dot(states[0], w) + states[1])
        return h, [h, states[1] * 0.5]

    def output_apart(x_t, states):
        h = K.tanh(x_t + K.dot(states[0], w))
        return h * 2., [h, states[1]]

    x = np.random.RandomState(0).rand(3, 5, 2).astype('float32')
    results = {}
    for step in (lstm_like, output_apart):
        def fn(xb, step=step):
            init = K.zeros_like(xb[:, 0, :])
            last, outputs, states = K.rnn(step, xb, [init, init + 1.])
            return [last, outputs, states[0]] + K.gradients(K.sum(outputs), [w]), []
        f = K.compiled_function(fn, [((None, 5, 2), 'float32')])
        results[step.__name__] = (f(x), _forward_scan_outputs(f))
    (last, outputs, h, grad), counts = results['lstm_like']
    assert counts == [2]      # h and c: the outputs are h's sequence
    np.testing.assert_allclose(outputs[:, -1], last)
    np.testing.assert_allclose(h, last)
    ref_h, ref_c, ref = np.zeros((3, 2), 'float32'), np.ones((3, 2), 'float32'), []
    for t in range(5):
        ref_h = np.tanh(x[:, t] + ref_h.dot(K.get_value(w)) + ref_c)
        ref_c = ref_c * 0.5
        ref.append(ref_h)
    np.testing.assert_allclose(outputs, np.stack(ref, axis=1), rtol=1e-5, atol=1e-6)
    (last2, outputs2, h2, _), counts2 = results['output_apart']
    assert counts2 == [3]     # the outputs, h and the second state
    np.testing.assert_allclose(outputs2[:, -1], 2. * h2, rtol=1e-6)


# The matrix runs this suite with the Python linker (mode=FAST_COMPILE: no C compiles,
# so a cold lane stays short). What users get by default is the C linker; this test
# trains the same small conv + recurrent model both ways and requires equal results.
_C_LINKER = 'mode=Mode,linker=cvm,optimizer=fast_compile,optimizer_excluding='
_TRAIN_TWO_STEPS = '''
import json, numpy as np
import minikeras.backend as K
from minikeras.layers import Conv2D, Dense, Flatten, LSTM, Reshape
from minikeras.models import Sequential
np.random.seed(3)
model = Sequential([Conv2D(3, 3, activation="relu", input_shape=(6, 6, 1)),
                    Reshape((4, 12)), LSTM(5), Dense(2, activation="softmax")])
model.compile("rmsprop", "categorical_crossentropy")
x = np.random.rand(8, 6, 6, 1).astype("float32")
y = np.eye(2, dtype="float32")[np.arange(8) % 2]
model.train_on_batch(x, y); model.train_on_batch(x, y)
info = K.engine_info()
print(json.dumps({"mode": str(info["mode"]), "linker": str(info["linker"]),
                  "weights": [w.ravel().tolist() for w in model.get_weights()]}))
'''


def _two_steps(flags):
    rc, out, err = _python(_TRAIN_TWO_STEPS, **{FLAGS_VAR: flags})
    assert rc == 0, err
    import json
    return json.loads(out.strip().splitlines()[-1])


def test_c_linker_trains_like_the_suite_mode():
    lane_flags = os.environ.get(FLAGS_VAR, '')
    c_run = _two_steps(','.join(f for f in (lane_flags, _C_LINKER) if f))
    assert (c_run['mode'], c_run['linker']) == ('Mode', 'cvm'), c_run
    here = _two_steps(lane_flags or None)
    assert len(c_run['weights']) == len(here['weights']) == 7   # conv 2, LSTM 3, dense 2
    for a, b in zip(c_run['weights'], here['weights']):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.skipif(IMPL != 'theano', reason="classic Theano's convolution and pooling ops")
def test_convolution_stacks_keep_nchw_between_ops():
    """conv, bias add, ReLU and pooling compute on the NCHW results of the ops before
    (theano/layout.py), with the values and gradients of the plain NHWC chain."""
    rng = np.random.RandomState(0)
    k, b = K.variable(rng.randn(3, 3, 3, 4)), K.variable(rng.randn(4))
    seen = []

    def stack(keep):
        def fn(x):
            # "* 1." makes new NHWC tensors that remember no NCHW source
            again = (lambda t: t) if keep else (lambda t: t * 1.)
            h = K.relu(again(K.bias_add(again(K.conv2d(x, k)), b)))
            y = K.pool2d(again(h), (2, 2), (2, 2))
            if keep:
                seen.append(y.tag.minikeras_nchw.owner.inputs[0] is h.tag.minikeras_nchw)
            return [y] + K.gradients(K.sum(K.square(y)), [k, b, x]), []
        return K.compiled_function(fn, [((2, 7, 7, 3), 'float32')])
    data = np.random.RandomState(1).rand(2, 7, 7, 3).astype('float32')
    kept, plain = stack(True)(data), stack(False)(data)
    assert seen == [True]
    for a, c in zip(kept, plain):
        np.testing.assert_allclose(a, c, rtol=1e-5, atol=1e-5)


def _snippet_outputs(code, linker):
    """The JSON list that ``code`` prints last, run with the suite's flags ('suite
    mode') or with the C linker added ('C linker')."""
    lane_flags = os.environ.get(FLAGS_VAR, '')
    flags = ','.join(f for f in (lane_flags, _C_LINKER) if f) if linker == 'C linker' \
        else lane_flags or None
    rc, out, err = _python(code, **{FLAGS_VAR: flags})
    assert rc == 0, err
    import json
    return json.loads(out.strip().splitlines()[-1])


_RELU_AND_POOL = '''
import json, numpy as np
import minikeras.backend as K
rng = np.random.RandomState(0)
x = rng.randn(2, 7, 5, 3).astype("float32")
x[0, 0, 0, 0] = 0.
x[1, 0, 0, 0] = np.nan
x[0, 2:4, 2:4, 1] = 0.75                # a tied window
c = rng.rand(2, 7, 5, 3).astype("float32")
cp = rng.rand(2, 3, 2, 3).astype("float32")
k = K.variable(rng.randn(1, 1, 3, 3).astype("float32"))

def fn(t):
    r = K.relu(t)
    p = K.pool2d(t, (2, 2), (2, 2))
    q = K.pool2d(K.conv2d(t, k), (2, 2), (2, 2))   # pooling a convolution result
    return [r, p, q] + K.gradients(K.sum(r * c), [t]) + K.gradients(
        K.sum(p * cp), [t]) + K.gradients(K.sum(q * cp), [t]), []

f = K.compiled_function(fn, [((2, 7, 5, 3), "float32")])
clean = np.where(np.isnan(x), 1., x).astype("float32")
outs = f(x)[:1] + f(clean)[1:3] + f(x)[3:4] + f(clean)[4:]
print(json.dumps([o.ravel().tolist() for o in outs] + [str(K.engine_info()["linker"])]))
'''


def _relu_pool_expected():
    rng = np.random.RandomState(0)
    x = rng.randn(2, 7, 5, 3).astype('float32')
    x[0, 0, 0, 0] = 0.
    x[1, 0, 0, 0] = np.nan
    x[0, 2:4, 2:4, 1] = 0.75
    c = rng.rand(2, 7, 5, 3).astype('float32')
    cp = rng.rand(2, 3, 2, 3).astype('float32')
    kernel = rng.randn(1, 1, 3, 3).astype('float32')
    clean = np.where(np.isnan(x), 1., x).astype('float32')

    def pool_and_grad(v):
        blocks = v[:, :6, :4, :].reshape(2, 3, 2, 2, 2, 3)
        y = blocks.max(axis=(2, 4))
        tie = blocks == y[:, :, None, :, None, :]
        g = np.zeros_like(v)
        g[:, :6, :4, :] = np.where(tie, cp[:, :, None, :, None, :], 0.).reshape(2, 6, 4, 3)
        return y, g

    relu = np.where(x < 0, 0., x)
    p, gp = pool_and_grad(clean)
    conv = clean.dot(kernel[0, 0])
    q, gq_conv = pool_and_grad(conv)
    return [relu, p, q, np.where(x > 0, c, 0.), gp, gq_conv.dot(kernel[0, 0].T)]


@pytest.mark.parametrize('linker', ['suite mode', 'C linker'])
def test_relu_and_tiled_max_pool_match_numpy(linker):
    """The ReLU op (gradient 0 at 0, NaN kept) and max pooling over non-overlapping
    windows (theano/relu_op.py, max_pool.py: C code, and NumPy under the Python linker):
    values and gradients, every tied element of a window receiving the gradient, and
    rows and columns past the last whole window getting none."""
    got = _snippet_outputs(_RELU_AND_POOL, linker)
    if linker == 'C linker':
        assert got[-1] == 'cvm', got[-1]
    for name, a, b in zip(['relu', 'pool', 'pool of conv', 'relu grad', 'pool grad',
                           'pool of conv grad'], got[:-1], _relu_pool_expected()):
        np.testing.assert_allclose(np.array(a, dtype='float32'), b.ravel(), rtol=1e-5,
                                   atol=1e-5, err_msg=name)


_BIAS_ADD = '''
import json, numpy as np
import minikeras.backend as K
rng = np.random.RandomState(0)
b = K.variable(rng.randn(3).astype("float32"))
k = K.variable(rng.randn(1, 1, 3, 3).astype("float32"))
c3 = rng.rand(4, 5, 3).astype("float32")
c4 = rng.rand(2, 3, 4, 5).astype("float32")
c5 = rng.rand(2, 4, 5, 3).astype("float32")

def fn(t3, t4, t5):
    last = K.bias_add(t3, b)                                   # channels_last
    first = K.bias_add(t4, b, data_format="channels_first")
    conv = K.bias_add(K.conv2d(t5, k), b)                      # a convolution result
    cost = K.sum(last * c3) + K.sum(first * c4) + K.sum(conv * c5)
    return [last, first, conv] + K.gradients(cost, [b, t3, t4, t5]), []

f = K.compiled_function(fn, [((4, 5, 3), "float32"), ((2, 3, 4, 5), "float32"),
                             ((2, 4, 5, 3), "float32")])
outs = f(rng.rand(4, 5, 3).astype("float32"), rng.rand(2, 3, 4, 5).astype("float32"),
         rng.rand(2, 4, 5, 3).astype("float32"))
print(json.dumps([o.ravel().tolist() for o in outs] + [str(K.engine_info()["linker"])]))
'''


@pytest.mark.parametrize('linker', ['suite mode', 'C linker'])
def test_bias_add_gradient_sums_by_matrix_products(linker):
    """bias_add's gradient (theano/bias.py: sums by matrix-vector products) on the
    last axis, on axis 1, and on a convolution's NCHW result, against NumPy."""
    got = [np.array(v, dtype='float32') for v in _snippet_outputs(_BIAS_ADD, linker)[:-1]]
    rng = np.random.RandomState(0)
    b = rng.randn(3).astype('float32')
    kernel = rng.randn(1, 1, 3, 3).astype('float32')
    c3, c4 = rng.rand(4, 5, 3).astype('float32'), rng.rand(2, 3, 4, 5).astype('float32')
    c5 = rng.rand(2, 4, 5, 3).astype('float32')
    x3, x4 = rng.rand(4, 5, 3).astype('float32'), rng.rand(2, 3, 4, 5).astype('float32')
    x5 = rng.rand(2, 4, 5, 3).astype('float32')
    expected = [x3 + b, x4 + b[:, None, None], x5.dot(kernel[0, 0]) + b,
                c3.sum(axis=(0, 1)) + c4.sum(axis=(0, 2, 3)) + c5.sum(axis=(0, 1, 2)),
                c3, c4, c5.dot(kernel[0, 0].T)]
    for name, a, e in zip(['channels_last', 'channels_first', 'conv', 'd bias', 'd x3',
                           'd x4', 'd x5'], got, expected):
        np.testing.assert_allclose(a, e.ravel(), rtol=1e-5, atol=1e-5, err_msg=name)


_IM2COL = '''
import json, numpy as np
import minikeras.backend as K
from minikeras.backend.theano.im2col import _im2col
rng = np.random.RandomState(0)
x = rng.rand(2, 7, 8, 3).astype("float32")
c = rng.rand(2, 3, 5, 4 * 3).astype("float32")   # 2x2 kernel, strides (2, 1), dilation (1, 3)

def fn(t):
    cols = _im2col(t, (2, 2), (2, 1), (1, 3))
    return [cols] + K.gradients(K.sum(cols * c), [t]), []

f = K.compiled_function(fn, [((2, 7, 8, 3), "float32")])
print(json.dumps([o.ravel().tolist() for o in f(x)] + [str(K.engine_info()["linker"])]))
'''


@pytest.mark.parametrize('linker', ['suite mode', 'C linker'])
def test_im2col_patches_and_their_gradient(linker):
    """The patch matrix a convolution without a native op multiplies (theano/im2col.py:
    C code, and NumPy under the Python linker) and its gradient, with strides and
    dilation, against NumPy slicing."""
    got = _snippet_outputs(_IM2COL, linker)
    rng = np.random.RandomState(0)
    x = rng.rand(2, 7, 8, 3).astype('float32')
    c = rng.rand(2, 3, 5, 12).astype('float32')
    windows = [(slice(i, i + 5, 2), slice(3 * j, 3 * j + 5)) for i in range(2) for j in range(2)]
    cols = np.concatenate([x[:, r, w, :] for r, w in windows], axis=3)
    grad = np.zeros_like(x)
    for k, (r, w) in enumerate(windows):
        grad[:, r, w, :] += c[..., 3 * k:3 * k + 3]
    np.testing.assert_allclose(np.array(got[0], 'float32'), cols.ravel(), rtol=1e-6)
    np.testing.assert_allclose(np.array(got[1], 'float32'), grad.ravel(), rtol=1e-5, atol=1e-6)


_GATHER = '''
import json, numpy as np
import minikeras.backend as K
rng = np.random.RandomState(0)
table = K.variable(rng.randn(6, 2, 3).astype("float32"))
c = rng.rand(2, 3, 2, 3).astype("float32")

def fn(i):
    rows = K.gather(table, i)
    return [rows] + K.gradients(K.sum(rows * c), [table]), []

f = K.compiled_function(fn, [((2, 3), "int32")])
outs = f(np.array([[0, 5, 0], [-1, 2, 0]], "int32"))   # repeats and a negative index
print(json.dumps([o.ravel().tolist() for o in outs] + [str(K.engine_info()["linker"])]))
'''


@pytest.mark.parametrize('linker', ['suite mode', 'C linker'])
def test_gather_rows_and_their_gradient(linker):
    """gather of whole rows and its gradient (theano/rows.py: C code, and NumPy under
    the Python linker): repeated indices accumulate, negative ones count from the end."""
    got = _snippet_outputs(_GATHER, linker)
    rng = np.random.RandomState(0)
    table = rng.randn(6, 2, 3).astype('float32')
    c = rng.rand(2, 3, 2, 3).astype('float32')
    idx = np.array([[0, 5, 0], [-1, 2, 0]])
    grad = np.zeros_like(table)
    np.add.at(grad, idx.ravel(), c.reshape(6, 2, 3))
    np.testing.assert_allclose(np.array(got[0], 'float32'), table[idx].ravel(), rtol=1e-6)
    np.testing.assert_allclose(np.array(got[1], 'float32'), grad.ravel(), rtol=1e-5, atol=1e-6)


_LSTM = '''
import json, numpy as np
import minikeras.backend as K
from minikeras.backend import generic
rng = np.random.RandomState(11)
x = rng.randn(4, 7, 3).astype("float32")
h0, c0 = [(rng.randn(4, 6) * 0.5).astype("float32") for _ in range(2)]
w = [K.variable((rng.randn(*s) * 0.5).astype("float32")) for s in ((3, 24), (6, 24), (24,))]
pick = [rng.randn(4, 7, 6).astype("float32"), rng.randn(4, 6).astype("float32"),
        rng.randn(4, 6).astype("float32")]
results, fused = [], []
for go_backwards in (False, True):
    for lstm in (K.lstm, lambda *a: generic.lstm(K._engine, *a)):
        def fn(xs, h, c):
            last, seq, states = lstm(xs, [h, c], w[0], w[1], w[2], go_backwards)
            fused.append(type(seq.owner.inputs[0].owner.op).__name__ == "_Gradient")
            loss = (K.sum(seq * pick[0]) + K.sum(K.square(last) * pick[1])
                    + K.sum(states[1] * pick[2]))
            only_last = K.sum(last)     # no gradient reaches the sequence or the cell state
            return ([loss] + K.gradients(loss, w + [xs, h, c])
                    + K.gradients(only_last, w + [xs, h, c])), []
        f = K.compiled_function(fn, [((4, 7, 3), "float32"), ((4, 6), "float32"),
                                     ((4, 6), "float32")])
        results.append([np.asarray(o).ravel().tolist() for o in f(x, h0, c0)])
print(json.dumps(results + [fused]))
'''


@pytest.mark.parametrize('linker', ['suite mode', 'C linker'])
def test_lstm_gradient_equals_the_loops(linker):
    """K.lstm (theano/lstm.py: one scan and a backward scan of our own) gives the generic
    loop's loss and gradients with respect to the weights, the inputs and both initial
    states, forwards and backwards in time, with and without gradients reaching the
    sequence and the cell state."""
    got = _snippet_outputs(_LSTM, linker)
    assert got[4] == [True, False, True, False]     # K.lstm took its own path
    assert len(got) == 5
    for fast, plain in (got[0:2], got[2:4]):
        assert len(fast) == len(plain) == 13
        for a, b in zip(fast, plain):
            b = np.array(b, 'float32')
            assert np.abs(b).max() > 1e-3
            np.testing.assert_allclose(np.array(a, 'float32'), b, rtol=1e-5, atol=1e-5)


_PREFIX_HEADER = '''
import json, os, subprocess, numpy as np
import minikeras.backend as K
from minikeras.backend.theano import _impl, prefix_header
x = K.variable(np.arange(6, dtype="float32").reshape(2, 3))
f = K.compiled_function(lambda t: ([K.sum(K.relu(t * x), axis=1)], []),
                        [((2, 3), "float32")])
out = f(np.ones((2, 3), "float32"))[0].tolist()
flags = (_impl.th.config.gcc.cxxflags if _impl.IMPL == "theano"
         else _impl.th.config.gcc__cxxflags).split()
header = flags[flags.index("-include") + 1]
prefix_header._wait()
cm = prefix_header._cmodule(_impl.IMPL)
src = os.path.join(os.path.dirname(header), "check.cpp")
with open(src, "w") as fh:
    fh.write("#include <Python.h>\\nint minikeras_check() { return 1; }\\n")
run = subprocess.run([_impl.th.config.cxx, "-shared", "-g"] + prefix_header._CLINKER_ARGS
                     + list(cm.GCC_compiler.compile_args())
                     + ["-I" + d for d in cm.std_include_dirs()]
                     + ["-fvisibility=hidden", "-Winvalid-pch", "-Werror=invalid-pch", "-H",
                        "-fsyntax-only", src], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
so = src[:-4] + ".so"
link = subprocess.run([_impl.th.config.cxx, "-shared", "-fPIC", "-o", so, src]
                      + list(cm.GCC_compiler.compile_args())
                      + ["-I" + d for d in cm.std_include_dirs()],
                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
with open(so, "rb") as fh:
    gold = b".note.gnu.gold-version" in fh.read()      # the section gold writes
os.remove(src)
os.remove(so)
used = [line for line in run.stderr.decode().splitlines() if line.startswith("! ")]
exists = os.path.exists(header + ".gch")
print(json.dumps([out, flags[-1], run.returncode, used, exists, "-fuse-ld=gold" in flags,
                  link.returncode, gold]))
'''


def test_c_modules_compile_with_the_precompiled_prefix_header():
    """With the C linker, the first compiled function builds the prefix header once and
    every module's g++ run includes it: GCC accepts it for a module's exact options
    ('!' in -H's output; an unusable one is an error under -Werror=invalid-pch)."""
    out, last_flag, rc, used, exists, gold_flag, link_rc, gold = _snippet_outputs(
        _PREFIX_HEADER, 'C linker')
    assert out == [3.0, 12.0]
    assert last_flag == '-g0' and rc == 0 and exists
    assert len(used) == 1 and used[0].endswith('minikeras_prefix.h.gch')
    # and the modules are linked by gold where binutils has it (the lanes do)
    has_gold = shutil.which('ld.gold') is not None
    assert (gold_flag, link_rc, gold) == (has_gold, 0, has_gold)


def test_no_prefix_header_for_python_only_linkers_or_when_turned_off(monkeypatch, tmp_path):
    from minikeras.backend.theano import _impl, prefix_header
    monkeypatch.setitem(prefix_header._state, 'done', False)
    # a compile directory cleared while the process runs: the text header is written again
    header = str(tmp_path / 'cleared' / 'minikeras_prefix.h')
    monkeypatch.setitem(prefix_header._state, 'header', (header, '#include <math.h>\n'))
    prefix_header._install(_impl.th, IMPL)
    with open(header) as f:
        assert f.read() == '#include <math.h>\n'
    value = prefix_header._get_flags(_impl.th, IMPL)
    if getattr(_impl.th.compile.mode.get_default_mode().linker, 'c_thunks', None) is False:
        prefix_header._install(_impl.th, IMPL)           # the suite's FAST_COMPILE mode
        assert prefix_header._state['done'] is False
    monkeypatch.setattr(prefix_header, '_compiles_c_modules', lambda th: True)
    monkeypatch.setenv('MINIKERAS_THEANO_PCH', '0')
    monkeypatch.setenv('MINIKERAS_THEANO_GOLD', '0')
    prefix_header._install(_impl.th, IMPL)
    assert prefix_header._state['done'] is True
    assert prefix_header._get_flags(_impl.th, IMPL) == value
    # gold alone, where it is installed; never over a linker the user chose
    monkeypatch.setenv('MINIKERAS_THEANO_GOLD', '1')
    monkeypatch.setattr(prefix_header.shutil, 'which', lambda name: '/usr/bin/' + name)
    for flags, expected in (('-O2', '-O2 -fuse-ld=gold'), ('-fuse-ld=lld', '-fuse-ld=lld')):
        prefix_header._set_flags(_impl.th, IMPL, flags)
        monkeypatch.setitem(prefix_header._state, 'done', False)
        try:
            prefix_header._install(_impl.th, IMPL)
            assert prefix_header._get_flags(_impl.th, IMPL) == expected
        finally:
            prefix_header._set_flags(_impl.th, IMPL, value)
