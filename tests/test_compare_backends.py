"""compare_backends and the engine capability report."""
import os
import subprocess
import sys

import numpy as np

import minikeras.backend as K
from minikeras.layers import LSTM, Conv1D, Dense, Flatten
from minikeras.models import Sequential
from minikeras.utils import compare

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _model_file(tmp_path):
    np.random.seed(0)
    model = Sequential([Conv1D(3, 2, input_shape=(5, 2)), LSTM(4, return_sequences=True),
                        Flatten(), Dense(2, activation='softmax')])
    path = str(tmp_path / 'm.h5')
    model.save(path)
    return path, np.random.RandomState(1).rand(3, 5, 2).astype('float32')


# The engine compared with the NumPy reference: the active one; in the NumPy lane the
# reference itself, loaded by module path so that it runs as a separate engine.
ENGINE = K.backend() if K.backend() != 'numpy' else 'minikeras.backend.numpy'


def test_active_engine_matches_the_reference_layer_by_layer(tmp_path):
    path, x = _model_file(tmp_path)
    report = compare.compare_backends(path, x, engines=[ENGINE])
    assert sorted(report) == sorted(['numpy', ENGINE])
    result = report[ENGINE]
    assert result['status'] == 'ran', result.get('reason')
    assert [name for name, _, _ in result['layers']] == report['numpy']['names']
    assert result['first_divergent'] is None
    assert max(diff for _, diff, _ in result['layers']) < 1e-4
    text = compare.format_report(report)
    assert 'matches' in text and 'lstm' in text


def test_divergence_is_flagged_at_the_first_layer(tmp_path, monkeypatch):
    path, x = _model_file(tmp_path)
    real = compare.run_engine

    def tampered(engine, python, model_path, x_path, workdir):
        result = real(engine, python, model_path, x_path, workdir)
        if engine != compare.REFERENCE and result['status'] == 'ran':
            result['outputs'][1] = result['outputs'][1] + 1.0
        return result
    monkeypatch.setattr(compare, 'run_engine', tampered)
    report = compare.compare_backends(path, x, engines=[ENGINE])
    assert report[ENGINE]['first_divergent'] == report['numpy']['names'][1]
    assert 'DIVERGES first at layer' in compare.format_report(report)


def test_an_engine_that_cannot_load_is_reported_not_run(tmp_path):
    path, x = _model_file(tmp_path)
    report = compare.compare_backends(path, x, engines=['no_such.engine'])
    assert report['no_such.engine']['status'] == 'not run'
    assert 'cannot be imported' in report['no_such.engine']['reason']


def test_capability_report():
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get('PYTHONPATH', ''))
    out = subprocess.check_output([sys.executable, '-m', 'minikeras.backend'], env=env,
                                  universal_newlines=True)
    assert 'engine:          %s' % K.backend() in out
    assert 'chosen by:' in out
    gaps = K.unsupported_ops()
    assert 'unsupported ops: %s' % (', '.join(gaps) if gaps else 'none') in out
