"""The examples run end to end on the active engine (short smoke runs on the offline
MNIST subset; the full runs are the README's)."""
import os
import re
import subprocess
import sys

import minikeras.backend as K
from tests.example_env import example_env

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_example(name, *args):
    env = example_env()
    proc = subprocess.Popen([sys.executable, os.path.join(REPO, 'examples', name)] + list(args),
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True)
    out, err = proc.communicate(timeout=1200)
    assert proc.returncode == 0, err[-3000:]
    return out


def accuracy(out):
    return float(re.search(r'Test accuracy: ([0-9.]+)', out).group(1))


def test_mnist_mlp_example_learns():
    out = run_example('mnist_mlp.py', '--epochs', '2', '--samples', '2000', '--verbose', '0',
                      '--seed', '1')
    assert 'engine: %s' % K.backend() in out
    assert accuracy(out) > 0.8


def test_mnist_cnn_example_learns():
    out = run_example('mnist_cnn.py', '--epochs', '2', '--samples', '1000', '--verbose', '0',
                      '--seed', '1')
    assert accuracy(out) > 0.6      # chance is 0.1


def test_sequence_classifier_example_learns():
    out = run_example('mnist_rows_lstm.py', '--epochs', '2', '--samples', '1500',
                      '--verbose', '0', '--seed', '1')
    assert accuracy(out) > 0.6


def test_addition_rnn_example_runs():
    out = run_example('addition_rnn.py', '--samples', '600', '--epochs', '2',
                      '--verbose', '0')
    acc = float(re.search(r'Validation character accuracy: ([0-9.]+)', out).group(1))
    assert 0.0 < acc <= 1.0
