"""TensorFlow adapter: write a model as a SavedModel, a TFLite flatbuffer or an ONNX file,
and run such files in their own runtimes.

``minikeras.export`` (engine-free) validates the request, checks the layers and prepares
``fn(*tensors) -> list of output tensors`` (the model's inference pass written with
contract ops); this module traces it with ``tf.function`` under a fixed input signature
(batch axis unknown) and hands the concrete function to TensorFlow's own writers and
converters:

- ``saved_model``: ``tf.saved_model.save`` with a ``serving_default`` signature whose
  inputs are named after the model's input layers and whose outputs are a dict keyed by
  output name (what TensorFlow Serving loads). The weights are saved as variables.
- ``tflite``: the same function saved as a SavedModel in a temporary folder, then
  ``tf.lite.TFLiteConverter.from_saved_model`` (float32, no quantization).
- ``onnx``: ``tf2onnx.convert.from_function`` (weights frozen into initializers).
- ``coreml``: the SavedModel converted by ``coremltools`` (an ML program, ``.mlpackage``,
  float32 compute precision, inputs and outputs renamed after the model's).

``tflite`` options: ``quantize`` ('float16': float16 weights; 'int8': int8 weights and
activations calibrated on ``representative_data``, float32 inputs and outputs).
"""
import importlib
import io
import logging
import os
import shutil
import sys
import tempfile
import warnings

import numpy as np

from minikeras.backend.tensorflow._tf import tf, _tf_dtype

__all__ = ['write', 'run', 'converter_versions']

SIGNATURE_KEY = 'serving_default'
DEFAULT_ONNX_OPSET = 13

ONNX_INSTALL = 'pip install "minikeras[export]"   (or: pip install tf2onnx==1.17.0 onnx==1.23.2)'
COREML_INSTALL = 'pip install coremltools==9.0'


def _require_tf2onnx():
    """The tf2onnx module (it needs the onnx package too), or a clear ImportError."""
    try:
        importlib.import_module('onnx')
        return importlib.import_module('tf2onnx')
    except ImportError as e:
        raise ImportError('exporting to ONNX needs the tf2onnx converter and the onnx package '
                          '(%s). Install them with: %s' % (e, ONNX_INSTALL))


def converter_versions():
    """Versions of the converters this adapter uses (None where not installed)."""
    out = {'tensorflow': tf.__version__, 'tf2onnx': None, 'onnx': None}
    for name in ('tf2onnx', 'onnx'):
        try:
            module = __import__(name)
            out[name] = getattr(module, '__version__', 'unknown')
        except ImportError:
            pass
    return out


class _Exported(tf.Module):
    """What a SavedModel holds: the weights (tracked variables) and the serving function."""


def _specs(inputs):
    return [tf.TensorSpec([None if d is None else int(d) for d in shape], _tf_dtype(dtype),
                          name=name) for name, shape, dtype in inputs]


def _serving_function(fn, inputs, output_names):
    specs = _specs(inputs)
    names = list(output_names)

    def serve(*tensors):
        outputs = fn(*tensors)
        if len(outputs) != len(names):
            raise ValueError('export: the model produced %d outputs for %d output names %s'
                             % (len(outputs), len(names), names))
        return dict((n, tf.identity(o, name=n)) for n, o in zip(names, outputs))

    serve.__name__ = 'serve'
    return tf.function(serve, input_signature=specs, autograph=False), specs


def _module(tf_function, variables):
    module = _Exported()
    module.weights = [v for v in variables if isinstance(v, tf.Variable)]
    module.serve = tf_function
    return module


def _save(module, tf_function, path):
    concrete = tf_function.get_concrete_function()
    tf.saved_model.save(module, path, signatures={SIGNATURE_KEY: concrete})


def write(fn, inputs, output_names, variables, path, fmt, options=None):
    """Write the model computed by ``fn`` to ``path`` (a folder for 'saved_model', a file
    otherwise). ``inputs``: list of (name, shape with None for unknown, dtype name)."""
    options = dict(options or {})
    tf_function, specs = _serving_function(fn, inputs, output_names)
    if fmt == 'saved_model':
        _save(_module(tf_function, variables), tf_function, path)
    elif fmt == 'tflite':
        scratch = tempfile.mkdtemp(prefix='minikeras-tflite-')
        try:
            _save(_module(tf_function, variables), tf_function, scratch)
            converter = tf.lite.TFLiteConverter.from_saved_model(
                scratch, signature_keys=[SIGNATURE_KEY])
            _quantization(converter, options, inputs)
            flatbuffer = converter.convert()
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        with open(path, 'wb') as f:
            f.write(flatbuffer)
    elif fmt == 'coreml':
        scratch = tempfile.mkdtemp(prefix='minikeras-coreml-')
        try:
            _save(_module(tf_function, variables), tf_function, scratch)
            _write_coreml(scratch, inputs, output_names, path)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    elif fmt == 'onnx':
        tf2onnx = _require_tf2onnx()
        opset = int(options.get('opset') or DEFAULT_ONNX_OPSET)
        logger = logging.getLogger('tf2onnx')
        level = logger.level
        logger.setLevel(logging.ERROR)
        try:
            model_proto, _ = tf2onnx.convert.from_function(
                tf_function, input_signature=specs, opset=opset)
        finally:
            logger.setLevel(level)
        import onnx
        _order_outputs(model_proto.graph, output_names)
        onnx.checker.check_model(model_proto)
        with open(path, 'wb') as f:
            f.write(model_proto.SerializeToString())
    else:
        raise ValueError("export: unknown format %r; expected 'saved_model', 'tflite', "
                         "'onnx' or 'coreml'" % (fmt,))


def _quantization(converter, options, inputs):
    """Post-training quantization of a TFLite converter: 'float16' or 'int8'."""
    mode = options.get('quantize')
    if mode is None:
        return
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if mode == 'float16':
        converter.target_spec.supported_types = [tf.float16]
        return
    data = options.get('representative_data')
    if isinstance(data, str):
        with np.load(data, allow_pickle=False) as f:
            data = [f['arr_%d' % i] for i in range(len(f.files))]
    if data is None:
        raise ValueError("quantize='int8' needs representative_data: sample inputs "
                         "(an array, or a list with one array per model input)")
    arrays = [np.asarray(a) for a in (data if isinstance(data, (list, tuple)) else [data])]
    if len(arrays) != len(inputs):
        raise ValueError('representative_data has %d arrays for %d model inputs'
                         % (len(arrays), len(inputs)))
    names = [name for name, _, _ in inputs]
    dtypes = [dtype for _, _, dtype in inputs]

    def samples():
        for i in range(len(arrays[0])):
            yield dict((n, arrays[k][i:i + 1].astype(dtypes[k]))
                       for k, n in enumerate(names))
    converter.representative_dataset = samples


def _coremltools():
    try:
        return importlib.import_module('coremltools')
    except ImportError as e:
        raise ImportError('exporting to Core ML needs coremltools (%s). Install it with: %s'
                          % (e, COREML_INSTALL))


def _write_coreml(saved_model, inputs, output_names, path):
    """Convert the SavedModel folder to an ML program at ``path`` (.mlpackage)."""
    ct = _coremltools()
    logging.getLogger('coremltools').setLevel(logging.ERROR)
    types = []
    for name, shape, dtype in inputs:
        dims = [ct.RangeDim(1, 1024, 1) if d is None else int(d) for d in shape]
        types.append(ct.TensorType(name=name, shape=ct.Shape(dims)))
    progress, sys.stderr = sys.stderr, io.StringIO()   # coremltools draws tqdm progress bars
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            mlmodel = ct.convert(saved_model, source='tensorflow', inputs=types,
                                 convert_to='mlprogram',
                                 minimum_deployment_target=ct.target.iOS15,
                                 compute_precision=ct.precision.FLOAT32,
                                 skip_model_load=True)
    finally:
        sys.stderr = progress
    spec = mlmodel.get_spec()
    produced = [o.name for o in spec.description.output]
    if len(produced) != len(output_names):
        raise RuntimeError('coremltools produced outputs %s for the model outputs %s'
                           % (produced, list(output_names)))
    # coremltools names the outputs after TensorFlow's graph ops (Identity, Identity_1, ...),
    # in the order of the signature's sorted output keys
    for old, new in zip(produced, sorted(output_names)):
        if old != new:
            ct.utils.rename_feature(spec, old, new, rename_inputs=False)
    mlmodel = ct.models.MLModel(spec, weights_dir=mlmodel.weights_dir, skip_model_load=True)
    mlmodel.short_description = 'minikeras model exported with coremltools %s' % ct.__version__
    mlmodel.save(path)


def _order_outputs(graph, output_names):
    """Put the ONNX graph outputs in the model's output order (tf2onnx sorts them by
    name, as TensorFlow orders a dict of outputs)."""
    by_name = dict((o.name, o) for o in graph.output)
    if sorted(by_name) != sorted(output_names):
        raise RuntimeError('tf2onnx named the ONNX outputs %s, expected %s'
                           % (sorted(by_name), list(output_names)))
    ordered = [type(by_name[n])() for n in output_names]
    for copy, name in zip(ordered, output_names):
        copy.CopyFrom(by_name[name])
    del graph.output[:]
    graph.output.extend(ordered)


# --- running exported files -----------------------------------------------------------------

class _quiet_stderr(object):
    """Silence C++ log lines on file descriptor 2 (the TFLite runtime announces its CPU
    delegate there) unless TF_CPP_MIN_LOG_LEVEL=0 asks for TensorFlow's logs."""

    def __enter__(self):
        self.saved = self.null = None
        if os.environ.get('TF_CPP_MIN_LOG_LEVEL', '3') in ('', '0'):
            return self
        try:
            sys.stderr.flush()
            self.saved = os.dup(2)
            self.null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(self.null, 2)
        except (OSError, ValueError, AttributeError):
            self.saved = self.null = None
        return self

    def __exit__(self, *exc):
        if self.saved is not None:
            os.dup2(self.saved, 2)
            os.close(self.saved)
        if self.null is not None:
            os.close(self.null)


def _tflite_interpreter(path):
    """The LiteRT interpreter (``ai_edge_litert``) when installed, else TensorFlow's
    ``tf.lite.Interpreter`` (deprecated in favour of LiteRT, same runtime)."""
    try:
        from ai_edge_litert.interpreter import Interpreter
        return Interpreter(model_path=path), 'ai_edge_litert'
    except ImportError:
        pass
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return tf.lite.Interpreter(model_path=path), 'tf.lite.Interpreter'


def run(path, fmt, feeds):
    """Run an exported file on ``feeds`` (input name -> numpy array) in its own runtime;
    returns (dict output name -> numpy array, runtime description)."""
    if fmt == 'saved_model':
        loaded = tf.saved_model.load(path)
        if SIGNATURE_KEY not in loaded.signatures:
            raise ValueError('%s has no %r signature (signatures: %s)'
                             % (path, SIGNATURE_KEY, sorted(loaded.signatures)))
        sig = loaded.signatures[SIGNATURE_KEY]
        spec = sig.structured_input_signature[1]
        args = dict((k, tf.constant(np.asarray(v), dtype=spec[k].dtype))
                    for k, v in feeds.items())
        out = sig(**args)
        return (dict((k, v.numpy()) for k, v in out.items()),
                'tf.saved_model.load (TensorFlow %s)' % tf.__version__)
    if fmt == 'tflite':
        interpreter, name = _tflite_interpreter(path)
        runner = interpreter.get_signature_runner(SIGNATURE_KEY)
        details = runner.get_input_details()
        unknown = sorted(set(feeds) - set(details))
        if unknown:
            raise ValueError('%s has no input(s) %s (inputs: %s)'
                             % (path, unknown, sorted(details)))
        args = dict((k, np.asarray(v, dtype=details[k]['dtype'])) for k, v in feeds.items())
        with _quiet_stderr():
            out = runner(**args)
        return dict((k, np.asarray(v)) for k, v in out.items()), name
    raise ValueError('run: format %r is not run by this adapter' % (fmt,))

