"""The one command, on a model whose engine is not TensorFlow (the NumPy reference
engine, which has no autodiff: it gets the weights the lane's engine trained, and its own
predict is the reference): minikeras-deploy exports through the TensorFlow interpreter
and checks every target."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = textwrap.dedent('''
    import sys
    import minikeras.backend as K
    from minikeras.layers import Conv2D, Dense, Flatten, MaxPooling2D
    from minikeras.models import Sequential
    assert K.backend() == 'numpy', K.backend()
    model = Sequential([Conv2D(8, 3, activation='relu', input_shape=(28, 28, 1), name='conv'),
                        MaxPooling2D(2, name='pool'), Flatten(name='flat'),
                        Dense(10, activation='softmax', name='digit')], name='digits')
    model.load_weights(sys.argv[1])
    model.save(sys.argv[2])
''')


def _run(args, engine, **kw):
    env = dict(os.environ, KERAS_BACKEND=engine,
               PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''))
    return subprocess.run([sys.executable] + args, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, **kw)


@pytest.fixture(scope='module')
def numpy_h5(trained, tmp_path_factory):
    folder = tmp_path_factory.mktemp('h5')
    weights, path = str(folder / 'weights.h5'), str(folder / 'digits.h5')
    trained.save_weights(weights)
    proc = _run(['-c', BUILD, weights, path], 'numpy', timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return path


def test_deploy_a_numpy_engine_model_to_every_target(numpy_h5, tmp_path, web_dir,
                                                      arm64_root):
    out, rows_file = tmp_path / 'dist', tmp_path / 'rows.json'
    proc = _run(['-m', 'minikeras.deploy', numpy_h5, '--targets', 'web,tflite,coreml,serving',
                 '--out', str(out), '--quantize', 'float16', '--json', str(rows_file)],
                'numpy', timeout=900)
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert 'on engine numpy' in proc.stdout
    report = json.loads(rows_file.read_text())
    assert report['engine'] == 'numpy'
    rows = dict((r['target'], r) for r in report['rows'])
    for target in ('serving (REST stand-in)', 'tflite (x86_64)', 'tflite (arm64, qemu)',
                   'web (Node.js, onnxruntime-node)',
                   'web (headless Chromium, onnxruntime-web)'):
        assert rows[target]['status'] == 'ok', rows[target]
        assert rows[target]['max_abs_diff'] <= 1e-4
        assert rows[target]['size'] > 0
    assert rows['coreml']['status'] == 'checked' and 'macOS' in rows['coreml']['note']
    assert rows['serving (tensorflow_model_server)']['status'] in ('ok', 'NOT RUN')
    # (int8 too: tests/deploy/test_tflite.py; one variant here keeps the lane short)
    assert rows['tflite float16 (x86_64)']['status'] == 'measured'
    assert 'accuracy' in rows['tflite float16 (x86_64)']['note']
    for path in ('serving/digits/1/saved_model.pb', 'serving/client.py',
                 'tflite/digits.tflite', 'tflite/digits.float16.tflite',
                 'web/model.onnx', 'web/index.html', 'web/ort/ort.wasm.min.js',
                 'coreml/digits.mlpackage/Manifest.json'):
        assert (out / path).exists(), path
    table = proc.stdout[proc.stdout.index('target '):]
    assert 'max|diff|' in table and 'where it ran' in table


def test_unknown_target_and_missing_file_are_clear(tmp_path):
    proc = _run(['-m', 'minikeras.deploy', str(tmp_path / 'none.h5'), '--targets', 'keras_js'],
                'numpy', timeout=120)
    assert proc.returncode != 0 and 'unknown target(s) keras_js' in proc.stderr
    proc = _run(['-m', 'minikeras.deploy', str(tmp_path / 'none.h5')], 'numpy', timeout=120)
    assert proc.returncode != 0 and 'no model file at' in proc.stderr
