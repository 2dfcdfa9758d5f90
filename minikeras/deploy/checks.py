"""Run an exported file where its target runs it: TF Serving's REST API, LiteRT, Core ML's
spec checks. Each check returns (outputs: name -> array or None, where it ran, a note)
or raises NotRun (the tool is missing: what installs it) or CheckError."""
import importlib.util
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import numpy as np

from minikeras import export
from minikeras.backend import export_target
from minikeras.deploy import serving_client

TOLERANCE = 1e-4    # max |runtime - predict| for a float32 target to pass
HERE = os.path.dirname(os.path.abspath(__file__))
SERVING_INSTALL = ('tensorflow_model_server is not installed (it is not on PyPI nor in '
                   'Debian: install it from TensorFlow Serving\'s apt repository, package '
                   'tensorflow-model-server, or run the tensorflow/serving Docker image)')
COREML_INSTALL = 'pip install coremltools==9.0'


class NotRun(Exception):
    """A target that cannot run here; the message says what installs its tool."""

    def __init__(self, message, where='not run'):
        Exception.__init__(self, message)
        self.where = where


class CheckError(RuntimeError):
    """A runtime that ran but answered wrongly (missing output, wrong shape, error)."""


def clean_name(name):
    out = ''.join(c if (c.isalnum() or c in '_-') else '_' for c in str(name))
    return out or 'model'


def client_script():
    return os.path.join(HERE, 'serving_client.py')


def export_python():
    """A Python that can load the export engine (this one, else $MINIKERAS_EXPORT_PYTHON)."""
    if importlib.util.find_spec(export_target.ENGINE) is not None:
        return sys.executable
    other = os.environ.get(export.PYTHON_ENV)
    if other:
        return other
    raise NotRun('no Python here has %s: %s, or set %s'
                 % (export_target.ENGINE, export_target.INSTALL, export.PYTHON_ENV))


def export_env():
    env = dict(os.environ, KERAS_BACKEND=export_target.ENGINE)
    root = export._package_root()
    env['PYTHONPATH'] = root + (os.pathsep + env['PYTHONPATH'] if env.get('PYTHONPATH')
                                else '')
    return env


def tail(path, n=2000):
    try:
        with open(path, 'rb') as f:
            return f.read().decode('utf8', 'replace')[-n:]
    except OSError:
        return ''


def stop(proc, grace=20):
    """End a process this module started: SIGTERM, then SIGKILL after ``grace`` s."""
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --- TF Serving ---------------------------------------------------------------------------

def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]
    finally:
        s.close()


def _wait_ready(url, name, proc, log, timeout):
    from urllib.request import urlopen
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise CheckError('the server exited with code %s:\n%s' % (proc.returncode,
                                                                      tail(log)))
        try:
            with urlopen('%s/v1/models/%s' % (url, name), timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise CheckError('the server did not answer within %d s:\n%s' % (timeout, tail(log)))


def _instances(feeds):
    if len(feeds) == 1:
        return list(feeds.values())[0].tolist()
    n = len(list(feeds.values())[0])
    return [dict((k, v[i].tolist()) for k, v in feeds.items()) for i in range(n)]


def serve_and_query(base, name, feeds, names, real, timeout=180):
    """Serve the SavedModel versions under ``base`` over HTTP on 127.0.0.1 (the real
    ``tensorflow_model_server`` or the stand-in), POST the examples with
    serving_client.py and return its predictions."""
    port = free_port()
    if real:
        binary = shutil.which('tensorflow_model_server')
        if not binary:
            raise NotRun(SERVING_INSTALL)
        cmd = [binary, '--port=%d' % free_port(), '--rest_api_port=%d' % port,
               '--model_name=%s' % name, '--model_base_path=%s' % base]
        env, what = None, 'tensorflow_model_server'
    else:
        cmd = [export_python(), '-m', export_target.SERVING_MODULE, '--model_name', name,
               '--model_base_path', base, '--rest_api_port', str(port)]
        env, what = export_env(), 'REST stand-in (tf.saved_model.load)'
    url = 'http://127.0.0.1:%d' % port
    scratch = tempfile.mkdtemp(prefix='minikeras-serving-')
    log = os.path.join(scratch, 'server.log')
    with open(log, 'wb') as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_ready(url, name, proc, log, timeout)
        response = serving_client.predict(url, name, _instances(feeds))
        predictions = response.get('predictions')
        if not isinstance(predictions, list):
            raise CheckError('the server answered without "predictions": %s'
                             % str(response)[:300])
        if len(names) == 1:
            got = {names[0]: np.asarray(predictions)}
        else:
            got = dict((n, np.asarray([p[n] for p in predictions])) for n in names)
        return got, '%s, HTTP %s/v1/models/%s:predict' % (what, url, name), ''
    finally:
        stop(proc)
        shutil.rmtree(scratch, ignore_errors=True)


# --- TFLite on this CPU ---------------------------------------------------------------------

def _version(dist):
    try:
        from importlib import metadata
        return metadata.version(dist)
    except Exception:
        return None


def tflite_here(path, feeds):
    got, runtime = export.run_exported(path, 'tflite', feeds)
    version = _version('ai-edge-litert') if runtime.startswith('ai_edge_litert') else None
    where = '%s%s, %s (this machine)' % (runtime, ' ' + version if version else '',
                                         platform.machine())
    note = '' if runtime.startswith('ai_edge_litert') else \
        'LiteRT itself not installed here (pip install ai-edge-litert==2.3.0)'
    return got, where, note


def tflite_arm64(path, feeds):
    from minikeras.deploy import arm64
    return arm64.run_tflite(path, feeds)


# --- Core ML ---------------------------------------------------------------------------------

def coreml_summary(path):
    """What Linux can check of a Core ML model: it loads as a spec; its type, inputs and
    outputs (names, shapes, types), the ML program's op set. Runs coremltools in this
    Python when it has it, else in the export Python."""
    script = os.path.join(HERE, '_coreml_spec.py')
    python = sys.executable if importlib.util.find_spec('coremltools') is not None else \
        os.environ.get(export.PYTHON_ENV)
    if python is None:
        raise NotRun('coremltools is not installed: %s' % COREML_INSTALL)
    # the export engine's KERAS_BACKEND: coremltools imports TensorFlow, which imports the
    # keras package, which fails on a KERAS_BACKEND it does not know (numpy, cntk, ...)
    proc = subprocess.run([python, script, path], stdout=subprocess.PIPE, env=export_env(),
                          stderr=subprocess.PIPE, universal_newlines=True)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode == 3:
        raise NotRun('coremltools cannot be imported in %s (%s): %s'
                     % (python, proc.stderr.strip().splitlines()[-1:], COREML_INSTALL))
    if proc.returncode != 0 or not lines:
        raise CheckError('the Core ML spec check failed:\n%s' % proc.stderr[-2000:])
    return json.loads(lines[-1])


def coreml_check(path, model):
    summary = coreml_summary(path)
    problems = []
    want_in, want_out = export.input_names(model), export.output_names(model)
    got_in = [i['name'] for i in summary['inputs']]
    got_out = [o['name'] for o in summary['outputs']]
    if got_in != want_in:
        problems.append('inputs %s, expected %s' % (got_in, want_in))
    if sorted(got_out) != sorted(want_out):
        problems.append('outputs %s, expected %s' % (got_out, want_out))
    for spec, tensor in zip(summary['inputs'], model.inputs):
        want = [d for d in tuple(tensor.shape)[1:]]
        if [d for d in spec['shape'][1:]] != want:
            problems.append('input %s has shape %s, the model takes (batch,) + %s'
                            % (spec['name'], spec['shape'], tuple(want)))
    if problems:
        raise CheckError('the Core ML model does not match the model: %s'
                         % '; '.join(problems))
    shapes = ', '.join('%s%s' % (i['name'], i['shape']) for i in summary['inputs'])
    note = ('spec %s v%d, inputs %s -> outputs %s; ops: %s. Prediction needs macOS/iOS '
            '(Core ML framework), not run here'
            % (summary['type'], summary['specification_version'], shapes,
               ', '.join(got_out), ', '.join(summary['ops'])))
    where = 'coremltools %s on Linux: spec loaded and checked' % summary['coremltools']
    return None, where, note
