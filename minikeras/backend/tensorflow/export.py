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
"""
import importlib
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
            flatbuffer = converter.convert()
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        with open(path, 'wb') as f:
            f.write(flatbuffer)
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
        raise ValueError("export: unknown format %r; expected 'saved_model', 'tflite' or "
                         "'onnx'" % (fmt,))


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

