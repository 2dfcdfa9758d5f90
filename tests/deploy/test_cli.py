"""The one command, on a model trained on another engine (the NumPy reference engine):
minikeras-deploy exports through the TensorFlow interpreter and checks every target."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

TRAIN = textwrap.dedent('''
    import sys
    import numpy as np
    import minikeras.backend as K
    from minikeras.datasets import mnist
    from minikeras.layers import Conv2D, Dense, Flatten, MaxPooling2D
    from minikeras.models import Sequential
    from minikeras.utils import to_categorical
    assert K.backend() == sys.argv[2], K.backend()
    np.random.seed(5)
    (x, y), _ = mnist.load_subset()
    x = x[:1000].reshape(-1, 28, 28, 1).astype('float32') / 255
    model = Sequential([Conv2D(4, 3, activation='relu', input_shape=(28, 28, 1)),
                        MaxPooling2D(2), Flatten(), Dense(10, activation='softmax')],
                       name='digits_' + sys.argv[2])
    model.compile('adam', 'categorical_crossentropy')
    model.fit(x, to_categorical(y[:1000], 10), epochs=1, batch_size=50, verbose=0)
    model.save(sys.argv[1])
''')


def _run(args, engine, **kw):
    env = dict(os.environ, KERAS_BACKEND=engine,
               PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''))
    return subprocess.run([sys.executable] + args, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, **kw)


@pytest.fixture(scope='module')
def numpy_h5(tmp_path_factory):
    path = str(tmp_path_factory.mktemp('h5') / 'digits.h5')
    proc = _run(['-c', TRAIN, path, 'numpy'], 'numpy', timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return path


def test_deploy_a_numpy_trained_model_to_every_target(numpy_h5, tmp_path, web_dir,
                                                      arm64_root):
    out, rows_file = tmp_path / 'dist', tmp_path / 'rows.json'
    proc = _run(['-m', 'minikeras.deploy', numpy_h5, '--targets', 'web,tflite,coreml,serving',
                 '--out', str(out), '--quantize', 'float16,int8', '--json', str(rows_file)],
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
    for mode in ('float16', 'int8'):
        assert rows['tflite %s (x86_64)' % mode]['status'] == 'measured'
        assert 'accuracy' in rows['tflite %s (x86_64)' % mode]['note']
    for path in ('serving/digits_numpy/1/saved_model.pb', 'serving/client.py',
                 'tflite/digits_numpy.tflite', 'tflite/digits_numpy.int8.tflite',
                 'web/model.onnx', 'web/index.html', 'web/ort/ort.wasm.min.js',
                 'coreml/digits_numpy.mlpackage/Manifest.json'):
        assert (out / path).exists(), path
    table = proc.stdout[proc.stdout.index('target '):]
    assert 'max|diff|' in table and 'where it ran' in table


def test_unknown_target_and_missing_file_are_clear(tmp_path):
    proc = _run(['-m', 'minikeras.deploy', str(tmp_path / 'none.h5'), '--targets', 'keras_js'],
                'numpy', timeout=120)
    assert proc.returncode != 0 and 'unknown target(s) keras_js' in proc.stderr
    proc = _run(['-m', 'minikeras.deploy', str(tmp_path / 'none.h5')], 'numpy', timeout=120)
    assert proc.returncode != 0 and 'no model file at' in proc.stderr
