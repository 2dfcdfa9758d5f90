"""Theano-adapter behaviour beyond the contract: which implementation is used (classic
Theano or PyTensor), default flags that respect the user's, quiet import, and engine
errors translated into short ValueErrors."""
import os
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
