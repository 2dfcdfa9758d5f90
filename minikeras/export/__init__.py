"""Export a trained model for deployment: TensorFlow SavedModel (TF Serving), TFLite
(Android, iOS, Raspberry Pi) and ONNX (onnxruntime on servers, phones and browsers).

``export_model(model, path, format)`` works for a model trained on any engine. The
weights travel in the library's one layout (``model.get_weights()``) and the architecture
as its config, so only the export engine (see ``minikeras.backend.export_target``) and
the converter packages must be installed, not the training engine:

- when the active engine is the export engine, the model's inference pass is traced and
  written in this process;
- otherwise the model is saved to a temporary h5 file and exported by a subprocess that
  runs the export engine: the current Python if it can, else the Python named by the
  ``MINIKERAS_EXPORT_PYTHON`` environment variable. That subprocess stays running for the
  next export or verification until this process exits (``_pool``).

``verify(model, path, format, x)`` runs the exported file in its own runtime
(``tf.saved_model.load``, the TFLite interpreter, ``onnxruntime``) and compares it with
``model.predict(x)``.

This module names no engine: everything engine-specific is in the export engine's
adapter folder.
"""
import importlib
import json
import os
import shutil
import sys
import tempfile

import numpy as np

import minikeras.backend as K
from minikeras.backend import export_target
from minikeras.export import _pool
from minikeras.models import persistence
from minikeras.models.network import Network

__all__ = ['FORMATS', 'SUPPORTED_LAYERS', 'ExportError', 'VerificationError', 'export_model',
           'verify', 'run_exported', 'supported_layers', 'check_layers']

FORMATS = ('saved_model', 'tflite', 'onnx')
# Formats written here but not run on this platform: Core ML predicts on macOS only.
EXTRA_FORMATS = ('coreml',)
ALL_FORMATS = FORMATS + EXTRA_FORMATS
EXTENSIONS = {'saved_model': '', 'tflite': '.tflite', 'onnx': '.onnx', 'coreml': '.mlpackage'}
FOLDER_FORMATS = ('saved_model', 'coreml')
# Options each format takes (export_model(..., **options)).
OPTIONS = {'onnx': ('opset',), 'tflite': ('quantize', 'representative_data')}
QUANTIZE = ('float16', 'int8')
PYTHON_ENV = 'MINIKERAS_EXPORT_PYTHON'
EXPORT_INSTALL = 'pip install "minikeras[export]"'
ORT_INSTALL = 'pip install "minikeras[export]"   (or: pip install onnxruntime==1.31.1)'

# Layers whose inference pass every format can express. Containers (models, wrappers,
# RNN cells) are checked together with the layers they hold.
_CORE = (
    'InputLayer', 'Dense', 'Activation', 'Dropout', 'SpatialDropout1D', 'SpatialDropout2D',
    'AlphaDropout', 'GaussianDropout', 'GaussianNoise', 'ActivityRegularization', 'Flatten',
    'Reshape', 'Permute', 'RepeatVector', 'Masking',
    'Conv1D', 'Conv2D', 'Conv2DTranspose', 'DepthwiseConv2D', 'SeparableConv2D',
    'Convolution1D', 'Convolution2D', 'Deconvolution2D', 'SeparableConvolution2D',
    'Cropping1D', 'Cropping2D', 'UpSampling1D', 'UpSampling2D', 'ZeroPadding1D',
    'ZeroPadding2D',
    'MaxPooling1D', 'MaxPooling2D', 'AveragePooling1D', 'AveragePooling2D', 'MaxPool1D',
    'MaxPool2D', 'AvgPool1D', 'AvgPool2D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D',
    'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPool1D', 'GlobalMaxPool2D',
    'GlobalAvgPool1D', 'GlobalAvgPool2D',
    'BatchNormalization', 'Embedding',
    'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Softmax',
    'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot',
    'Sequential', 'Model', 'TimeDistributed', 'Bidirectional',
)
_RECURRENT = ('RNN', 'SimpleRNN', 'LSTM', 'GRU', 'SimpleRNNCell', 'LSTMCell', 'GRUCell',
              'StackedRNNCells')
SUPPORTED_LAYERS = dict((fmt, tuple(sorted(_CORE + _RECURRENT))) for fmt in ALL_FORMATS)
# Formats whose converters cannot take TensorFlow's dynamic while-loop: recurrent layers
# are unrolled at export time, which needs a fixed number of time steps.
_UNROLL_FORMATS = ('tflite', 'onnx', 'coreml')


class ExportError(ValueError):
    """A model or a request that cannot be exported (unsupported layer, bad argument)."""


class VerificationError(ValueError):
    """An exported file whose outputs differ from ``model.predict``."""


def supported_layers(format):
    """The layer class names ``format`` can export."""
    return list(SUPPORTED_LAYERS[_check_format(format)])


ALIASES = {'tf_saved_model': 'saved_model'}   # Keras 3's name for the same format


def _check_format(format):
    format = ALIASES.get(format, format) if isinstance(format, str) else format
    if not isinstance(format, str) or format not in ALL_FORMATS:
        raise ExportError('export format must be one of %s, received %r'
                          % (', '.join(repr(f) for f in ALL_FORMATS), format))
    return format


# --- which layers -------------------------------------------------------------------------

def _walk(layer, out, parent=None):
    out.append((layer, parent))
    for sub in layer._sublayers():
        _walk(sub, out, layer)
    return out


def _all_layers(model, with_parents=False):
    found = []
    for layer in model.layers:
        _walk(layer, found)
    return found if with_parents else [layer for layer, _ in found]


def _is_recurrent(layer):
    return hasattr(layer, 'cell') and hasattr(layer, 'unroll')


def _time_steps(layer, parent=None):
    """The static number of time steps a recurrent layer was built for (None if unknown).
    A Bidirectional builds its two layers directly: its own input shape counts."""
    shape = getattr(layer, '_built_input_shape', None)
    if shape is None and parent is not None and hasattr(parent, 'backward_layer'):
        shape = getattr(parent, '_built_input_shape', None)
    if isinstance(shape, list):
        shape = shape[0] if shape else None
    if shape is None or len(shape) < 2:
        return None
    return shape[1]


def check_layers(model, format):
    """Raise ExportError naming the first layer ``format`` cannot express."""
    format = _check_format(format)
    allowed = set(SUPPORTED_LAYERS[format])
    for layer, parent in _all_layers(model, with_parents=True):
        cls = type(layer).__name__
        if cls not in allowed:
            raise ExportError(
                'layer %r (%s) cannot be exported to %r: minikeras exports only built-in '
                'layers whose inference pass the format can express. Supported layers: %s'
                % (layer.name, cls, format, ', '.join(sorted(allowed))))
        if _is_recurrent(layer):
            if layer.stateful:
                raise ExportError(
                    'layer %r (%s) is stateful and cannot be exported to %r: an exported '
                    'model is a pure function of its inputs. Rebuild the model with '
                    'stateful=False and copy the weights (model.set_weights)'
                    % (layer.name, cls, format))
            if format in _UNROLL_FORMATS and _time_steps(layer, parent) is None:
                raise ExportError(
                    'layer %r (%s) has a variable number of time steps; %r needs a fixed '
                    'number (recurrent layers are unrolled for this format). Give the model '
                    'input a fixed length, e.g. Input(shape=(T, features)) or '
                    'Embedding(..., input_length=T). (saved_model keeps the dynamic loop.)'
                    % (layer.name, cls, format))


def _check_model(model):
    if not isinstance(model, Network):
        raise ExportError('export expects a minikeras Model or Sequential, received %r'
                          % (model,))
    if not model._is_graph_network:
        raise ExportError(
            'model %r is not built or is a subclassed Model: export handles Sequential and '
            'functional models (Model(inputs, outputs)); build a Sequential by giving the '
            'first layer input_shape=... or by calling it on data first' % model.name)


# --- names -----------------------------------------------------------------------------------

def _clean(name):
    out = ''.join(c if (c.isalnum() or c == '_') else '_' for c in str(name))
    if not out or not (out[0].isalpha() or out[0] == '_'):
        out = 'x_' + out
    return out


def _unique(names):
    seen, out = {}, []
    for n in names:
        n = _clean(n)
        if n in seen:
            seen[n] += 1
            n = '%s_%d' % (n, seen[n])
        else:
            seen[n] = 0
        out.append(n)
    return out


def input_names(model):
    """Names of the exported inputs (the model's input layer names, cleaned)."""
    return _unique(model.input_names)


def output_names(model):
    """Names of the exported outputs (the model's output layer names, made unique)."""
    return _unique(model.output_names)


# --- paths: write into a temporary folder beside the target, then rename ----------------------

def _fspath(path):
    if hasattr(os, 'fspath'):
        path = os.fspath(path)
    if isinstance(path, bytes):
        path = path.decode(sys.getfilesystemencoding())
    if not isinstance(path, str) or not path:
        raise ExportError('export path must be a non-empty path, received %r' % (path,))
    return os.path.abspath(path)


def _prepare_target(path, format, overwrite):
    path = _fspath(path)
    parent = os.path.dirname(path)
    if not os.path.isdir(parent):
        what = 'is not a folder' if os.path.exists(parent) else 'does not exist'
        raise OSError('cannot export to %s: its parent %s %s' % (path, parent, what))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise PermissionError('cannot export to %s: the folder %s is not writable'
                              % (path, parent))
    if os.path.exists(path) and not overwrite:
        raise FileExistsError('cannot export to %s: it already exists (pass overwrite=True '
                              'to replace it)' % path)
    if format in FOLDER_FORMATS and os.path.isfile(path):
        raise ExportError('a %s export is a folder, but %s is an existing file'
                          % (format, path))
    if format not in FOLDER_FORMATS and os.path.isdir(path):
        raise ExportError('a %s export is one file, but %s is an existing folder'
                          % (format, path))
    try:
        staging = tempfile.mkdtemp(prefix='.%s.export-' % os.path.basename(path), dir=parent)
    except OSError as e:
        raise OSError('cannot export to %s: cannot write in %s (%s)' % (path, parent, e))
    return path, staging


def _commit(staged, path):
    """Move the finished export ``staged`` to ``path`` (replacing what was there)."""
    old = None
    if os.path.lexists(path):
        old = staged + '.previous'
        os.rename(path, old)
    try:
        os.rename(staged, path)
    except OSError:
        if old is not None:
            os.rename(old, path)
        raise
    if old is not None:
        if os.path.isdir(old) and not os.path.islink(old):
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.remove(old)


# --- export ---------------------------------------------------------------------------------

class _unrolled(object):
    """Unroll recurrent layers while a format that needs it is traced."""

    def __init__(self, model, format):
        self.layers = [l for l in _all_layers(model) if _is_recurrent(l)] \
            if format in _UNROLL_FORMATS else []
        self.saved = []

    def __enter__(self):
        self.saved = [l.unroll for l in self.layers]
        for layer in self.layers:
            layer.unroll = True

    def __exit__(self, *exc):
        for layer, value in zip(self.layers, self.saved):
            layer.unroll = value


def _inference_fn(model):
    def fn(*tensors):
        return model.outputs_for(tensors, training=False)
    return fn


def _input_specs(model):
    return [(name, tuple(t.shape), t.dtype) for name, t in zip(input_names(model),
                                                               model.inputs)]


def _exporter():
    return importlib.import_module(export_target.MODULE)


def _in_process():
    return export_target.active()


def _export_here(model, target, format, options):
    exporter = _exporter()
    with _unrolled(model, format):
        exporter.write(_inference_fn(model), _input_specs(model), output_names(model),
                       model.weights, target, format, options)


def export_model(model, path, format='saved_model', overwrite=True, **options):
    """Export ``model`` to ``path`` as ``format``: 'saved_model' (a folder), 'tflite' or
    'onnx' (one file), 'coreml' (an .mlpackage folder; needs coremltools). Options:
    ``opset`` (ONNX opset, default 13); for tflite ``quantize`` ('float16' or 'int8') and
    ``representative_data`` (sample inputs that calibrate int8). Returns the absolute
    path written. Nothing is left at ``path`` (or beside it) when the export fails."""
    format = _check_format(format)
    if options.get('opset') is not None and format != 'onnx':
        raise ExportError('the opset option applies to the onnx format only, received it '
                          'for %r' % format)
    known = OPTIONS.get(format, ())
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise TypeError('export_model: unexpected options %s for format %r (known: %s)'
                        % (', '.join(unknown), format, ', '.join(known) or 'none'))
    _check_quantize(options)
    _check_model(model)
    check_layers(model, format)
    path, staging = _prepare_target(path, format, overwrite)
    try:
        target = os.path.join(staging, 'export' + EXTENSIONS[format])
        if _in_process():
            _export_here(model, target, format, options)
        else:
            _export_in_subprocess(model, target, format, options, staging)
        if not os.path.exists(target):
            raise RuntimeError('the %s export wrote nothing at %s' % (format, target))
        _commit(target, path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return path


def _check_quantize(options):
    mode = options.get('quantize')
    if mode is not None and mode not in QUANTIZE:
        raise ExportError('quantize must be one of %s or None, received %r'
                          % (', '.join(repr(q) for q in QUANTIZE), mode))
    if mode == 'int8' and options.get('representative_data') is None:
        raise ExportError("quantize='int8' needs representative_data: a few hundred sample "
                          "inputs (an array, or one array per model input) that calibrate "
                          "the int8 ranges")
    if mode != 'int8' and options.get('representative_data') is not None:
        raise ExportError("representative_data is used by quantize='int8' only")


# --- the subprocess for models on other engines ----------------------------------------------

def _settings():
    return {'floatx': K.floatx(), 'epsilon': K.epsilon(),
            'image_data_format': K.image_data_format()}


def _package_root():
    import minikeras
    return os.path.dirname(os.path.dirname(os.path.abspath(minikeras.__file__)))


def _pythons():
    """Interpreters to try for the export engine: this one, then $MINIKERAS_EXPORT_PYTHON."""
    out = [sys.executable]
    other = os.environ.get(PYTHON_ENV)
    if other:
        out.append(other)
    return out


_ERROR_TYPES = {
    'ExportError': ExportError, 'VerificationError': VerificationError,
    'ValueError': ValueError, 'TypeError': TypeError, 'ImportError': ImportError,
    'ModuleNotFoundError': ImportError, 'NotImplementedError': NotImplementedError,
    'FileNotFoundError': FileNotFoundError, 'PermissionError': PermissionError,
    'OSError': OSError, 'RuntimeError': RuntimeError, 'KeyError': KeyError,
}


def _run_worker(job, scratch):
    """Run ``job`` (a dict) in a subprocess of the export engine (one kept running for
    the next job, ``_pool``); returns its result dict."""
    job_file = os.path.join(scratch, 'job.json')
    result_file = os.path.join(scratch, 'result.json')
    job = dict(job, result=result_file, settings=_settings())
    with open(job_file, 'w') as f:
        json.dump(job, f)
    env = dict(os.environ)
    env['KERAS_BACKEND'] = export_target.ENGINE
    root = _package_root()
    env['PYTHONPATH'] = root + (os.pathsep + env['PYTHONPATH'] if env.get('PYTHONPATH') else '')
    tried = []
    for python in _pythons():
        if os.path.exists(result_file):
            os.remove(result_file)
        try:
            _, code, tail = _pool.run(python, env, job_file)
        except OSError as e:
            tried.append('%s (cannot start it: %s)' % (python, e))
            continue
        result = None
        if os.path.exists(result_file):
            with open(result_file) as f:
                result = json.load(f)
        if result is not None and result.get('status') == 'no-engine':
            tried.append('%s (%s)' % (python, result.get('message')))
            continue
        if result is None:
            raise RuntimeError('the export subprocess (%s) failed with exit code %s and no '
                               'result:\n%s' % (python, code, tail))
        if result.get('status') != 'ok':
            cls = _ERROR_TYPES.get(result.get('type'), RuntimeError)
            raise cls('%s [raised in the export subprocess, %s, engine %s]'
                      % (result.get('message'), python, export_target.ENGINE))
        return result
    raise ImportError(
        'exporting needs the %s engine, which cannot be loaded here: the active engine is %r '
        'and no Python tried could run it: %s. Either install it in this Python (%s) or '
        'point the environment variable %s at a Python that has it, e.g. '
        '%s=/path/to/venv/bin/python'
        % (export_target.ENGINE, K.backend(), '; '.join(tried), export_target.INSTALL,
           PYTHON_ENV, PYTHON_ENV))


def _export_in_subprocess(model, target, format, options, staging):
    scratch = tempfile.mkdtemp(prefix='minikeras-export-job-')
    try:
        h5 = os.path.join(scratch, 'model.h5')
        try:
            model.save(h5, include_optimizer=False)
        except Exception as e:
            raise ExportError('model %r cannot be written to h5 for the export subprocess: '
                              '%s' % (model.name, e))
        data = options.get('representative_data')
        if data is not None:    # arrays travel as an .npz file
            arrays = data if isinstance(data, (list, tuple)) else [data]
            options = dict(options, representative_data=os.path.join(scratch, 'repr.npz'))
            np.savez(options['representative_data'], *[np.asarray(a) for a in arrays])
        _run_worker({'action': 'export', 'model': h5, 'format': format, 'path': target,
                     'options': options, 'input_names': input_names(model),
                     'output_names': output_names(model)}, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# --- running and verifying -----------------------------------------------------------------

def _run_onnx(path, feeds):
    try:
        import onnxruntime
    except ImportError as e:
        raise ImportError('running an ONNX file needs onnxruntime (%s). Install it with: %s'
                          % (e, ORT_INSTALL))
    session = onnxruntime.InferenceSession(path, providers=['CPUExecutionProvider'])
    types = dict((i.name, i.type) for i in session.get_inputs())
    args = {}
    for name, value in feeds.items():
        if name not in types:
            raise ValueError('%s has no input named %r (inputs: %s)'
                             % (path, name, sorted(types)))
        dtype = np.float64 if types[name] == 'tensor(double)' else \
            np.int32 if types[name] == 'tensor(int32)' else \
            np.int64 if types[name] == 'tensor(int64)' else np.float32
        args[name] = np.asarray(value, dtype=dtype)
    names = [o.name for o in session.get_outputs()]
    values = session.run(names, args)
    return dict(zip(names, values)), 'onnxruntime %s' % onnxruntime.__version__


def _onnxruntime_here():
    try:
        importlib.import_module('onnxruntime')
        return True
    except ImportError:
        return False


def run_exported(path, format, feeds):
    """Run the exported file at ``path`` on ``feeds`` (input name -> array) in its own
    runtime. Returns (dict output name -> array, runtime description). Uses this process
    where it can, else the export subprocess."""
    format = _check_format(format)
    path = _fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError('no exported %s at %s' % (format, path))
    if format in EXTRA_FORMATS:
        raise NotImplementedError(
            'a %s model cannot be run on this platform: Core ML predicts only on macOS/iOS '
            '(coremltools calls Apple\'s Core ML framework). On Linux, '
            'minikeras.deploy.coreml_summary(path) checks its spec (names, shapes, ops)'
            % format)
    feeds = dict((k, np.asarray(v)) for k, v in feeds.items())
    if format == 'onnx' and (_onnxruntime_here() or _in_process()):
        return _run_onnx(path, feeds)
    if format != 'onnx' and _in_process():
        return _exporter().run(path, format, feeds)
    scratch = tempfile.mkdtemp(prefix='minikeras-export-run-')
    try:
        inputs = os.path.join(scratch, 'inputs.npz')
        outputs = os.path.join(scratch, 'outputs.npz')
        np.savez(inputs, **feeds)
        result = _run_worker({'action': 'run', 'format': format, 'path': path,
                              'inputs': inputs, 'outputs': outputs}, scratch)
        with np.load(outputs, allow_pickle=False) as f:
            values = dict((k, f[k]) for k in f.files)
        return values, '%s (subprocess)' % result.get('runtime')
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def default_tolerance(format):
    """(rtol, atol_factor): outputs agree when |got - want| <= rtol * |want| +
    atol_factor * max|want| (element-wise, float32). 1e-5 for every format: the
    converters keep float32 and no quantization is applied; the absolute floor, relative
    to the output's largest magnitude, covers values near zero whose float32 rounding
    differs when a runtime sums in another order."""
    _check_format(format)
    return 1e-5, 1e-5


def verify(model, path, format, x, rtol=None, atol=None, batch_size=32,
           return_outputs=False):
    """Run the export at ``path`` on ``x`` in its own runtime and compare with
    ``model.predict(x)``. Raises VerificationError when they differ; returns a report dict
    (runtime, max_abs_diff, max_rel_diff, rtol, atol, outputs: per-output figures; with
    ``return_outputs=True`` also 'exported': output name -> what the file computed).

    Tolerance: element-wise |exported - predict| <= rtol * |predict| + atol, with rtol
    1e-5 and atol 1e-5 * max|predict| of that output unless given (see
    ``default_tolerance``)."""
    format = _check_format(format)
    _check_model(model)
    arrays = model._inputs(x)
    feeds = dict(zip(input_names(model), arrays))
    want = model.predict(arrays if len(arrays) > 1 else arrays[0], batch_size=batch_size)
    want = want if isinstance(want, list) else [want]
    got, runtime = run_exported(path, format, feeds)
    names = output_names(model)
    missing = [n for n in names if n not in got]
    if missing:
        raise VerificationError('%s (%s) has no output(s) %s; it has %s'
                                % (path, format, missing, sorted(got)))
    default_rtol, atol_factor = default_tolerance(format)
    rtol = default_rtol if rtol is None else float(rtol)
    report = {'format': format, 'path': path, 'runtime': runtime, 'rtol': rtol,
              'outputs': {}, 'max_abs_diff': 0., 'max_rel_diff': 0.}
    problems = []
    for name, w in zip(names, want):
        g = np.asarray(got[name])
        w = np.asarray(w)
        if g.shape != w.shape:
            problems.append('output %r has shape %s, predict gives %s' % (name, g.shape, w.shape))
            continue
        g64, w64 = g.astype(np.float64), w.astype(np.float64)
        scale = float(np.max(np.abs(w64))) if w64.size else 0.
        tol_abs = atol_factor * scale if atol is None else float(atol)
        diff = np.abs(g64 - w64)
        max_abs = float(diff.max()) if diff.size else 0.
        max_rel = float((diff / np.maximum(np.abs(w64), 1e-30)).max()) if diff.size else 0.
        ok = bool(np.all(diff <= rtol * np.abs(w64) + tol_abs))
        report['outputs'][name] = {'max_abs_diff': max_abs, 'max_rel_diff': max_rel,
                                   'atol': tol_abs, 'ok': ok}
        report['max_abs_diff'] = max(report['max_abs_diff'], max_abs)
        report['max_rel_diff'] = max(report['max_rel_diff'], max_rel)
        if not ok:
            problems.append('output %r differs from predict: max |diff| %.3g (allowed '
                            '%.3g * |predict| + %.3g)' % (name, max_abs, rtol, tol_abs))
    report['atol'] = max([o['atol'] for o in report['outputs'].values()] or [0.])
    if return_outputs:
        report['exported'] = dict((n, np.asarray(got[n])) for n in names)
    if problems:
        raise VerificationError('%s export at %s (run with %s) does not match model.predict: '
                                '%s' % (format, path, runtime, '; '.join(problems)))
    return report


# Model.export reaches export_model through this hook (models never import export)
persistence.register(export_model=export_model)
