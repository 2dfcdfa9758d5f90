"""The Keras 2.3.1-style examples that use the batteries (datasets, ImageDataGenerator,
Tokenizer, applications) run offline: on their announced fallback data where real data
ships in a package, else they stop with the URL and path to download to. Downloads are
made to fail fast by a proxy on a closed local port, so no test touches the network."""
import io
import os
import runpy
import subprocess
import sys

import numpy as np
import pytest

import minikeras.backend as K
from tests.example_env import example_env

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(REPO, 'examples')


def offline_env(tmp_path):
    env = example_env(KERAS_HOME=str(tmp_path / 'keras'),
                      http_proxy='http://127.0.0.1:9', https_proxy='http://127.0.0.1:9')
    env.pop('no_proxy', None)
    env.pop('NO_PROXY', None)
    return env


def run(tmp_path, name, *args):
    proc = subprocess.Popen([sys.executable, os.path.join(EXAMPLES, name)] + list(args),
                            env=offline_env(tmp_path), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, universal_newlines=True)
    out, err = proc.communicate(timeout=1800)
    return proc.returncode, out, err


def accuracy(out):
    return float(out.split('Test accuracy:')[1].split()[0])


def is_png(path):
    return open(path, 'rb').read(8) == b'\x89PNG\r\n\x1a\n'


def test_text_classification_falls_back_to_stdlib_docstrings(tmp_path):
    pytest.importorskip('keras_preprocessing', reason='keras_preprocessing not installed')
    pytest.importorskip('matplotlib', reason='matplotlib (--plot) not installed')
    png = str(tmp_path / 'curves.png')
    code, out, err = run(tmp_path, 'text_classification_tokenizer.py', '--epochs', '4',
                         '--verbose', '0', '--seed', '1', '--plot', png)
    assert code == 0, err[-3000:]
    assert 'Falling back to the docstrings' in err
    assert accuracy(out) > 0.5          # 5 classes: chance is about 0.2
    assert is_png(png)


def test_cifar10_cnn_falls_back_to_sklearn_digits(tmp_path):
    pytest.importorskip('keras_preprocessing', reason='keras_preprocessing not installed')
    pytest.importorskip('sklearn', reason='scikit-learn (offline digits) not installed')
    code, out, err = run(tmp_path, 'cifar10_cnn.py', '--epochs', '1', '--samples', '400',
                         '--verbose', '0', '--seed', '1')
    assert code == 0, err[-3000:]
    assert 'cifar-10-python.tar.gz' in err and 'scikit-learn' in err
    assert 0.0 <= accuracy(out) <= 1.0
    code, out, err = run(tmp_path, 'cifar10_cnn.py', '--no-fallback', '--epochs', '1')
    assert code != 0
    assert os.path.join(str(tmp_path / 'keras'), 'datasets', 'cifar-10-batches-py.tar.gz') in err


def test_imdb_lstm_offline_says_what_to_download(tmp_path):
    code, out, err = run(tmp_path, 'imdb_lstm.py', '--epochs', '1')
    assert code != 0
    assert 'https://s3.amazonaws.com/text-datasets/imdb.npz' in err
    assert os.path.join(str(tmp_path / 'keras'), 'datasets', 'imdb.npz') in err


def test_imdb_lstm_runs_on_a_served_keras_format_file(tmp_path, monkeypatch, capsys):
    """The script itself, in this process, on a small imdb.npz in Keras's format served
    over local HTTP (the real loader and download code), with --plot."""
    pytest.importorskip('matplotlib', reason='matplotlib (--plot) not installed')
    import hashlib
    from local_http import LocalHTTP
    from minikeras.datasets import imdb
    rng = np.random.RandomState(0)

    def reviews(n):
        labels = rng.randint(0, 2, n)
        xs = np.empty(n, dtype=object)
        for i, label in enumerate(labels):       # word 10 marks positive, 11 negative
            xs[i] = list(rng.randint(20, 60, 12)) + [10 if label else 11] * 3
        return xs, labels
    x_train, y_train = reviews(64)
    x_test, y_test = reviews(32)
    buf = io.BytesIO()
    np.savez(buf, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    monkeypatch.setenv('KERAS_HOME', str(tmp_path / 'keras'))
    png = str(tmp_path / 'imdb.png')
    with LocalHTTP() as server:
        server.files['/imdb.npz'] = buf.getvalue()
        monkeypatch.setattr(imdb, 'ORIGIN', server.url + '/imdb.npz')
        monkeypatch.setattr(imdb, 'FILE_HASH', hashlib.md5(buf.getvalue()).hexdigest())
        monkeypatch.setattr(sys, 'argv', ['imdb_lstm.py', '--epochs', '1', '--verbose', '0',
                                          '--plot', png])
        monkeypatch.syspath_prepend(EXAMPLES)
        runpy.run_path(os.path.join(EXAMPLES, 'imdb_lstm.py'), run_name='__main__')
    out = capsys.readouterr().out
    assert '64 train sequences, 32 test sequences' in out
    assert 0.0 <= accuracy(out) <= 1.0
    assert is_png(png)


def test_transfer_learning_falls_back_to_a_digit_source_task(tmp_path):
    pytest.importorskip('keras_applications', reason='keras_applications not installed')
    code, out, err = run(tmp_path, 'transfer_learning.py', '--epochs', '1',
                         '--source-epochs', '1', '--samples', '600', '--verbose', '0',
                         '--seed', '1')
    assert code == 0, err[-3000:]
    assert 'mobilenet_2_5_224_tf_no_top.h5' in err
    assert os.path.join(str(tmp_path / 'keras'), 'models') in err
    assert 'features learnt on digits 0-4, transferred to digits 5-9' in out
    assert 0.0 <= accuracy(out) <= 1.0
