"""CIFAR-10 (Keras 2 ``cifar10.load_data``): 50,000 training and 10,000 test 32x32 colour
images in 10 classes, from Keras's URL, cached as ``<Keras cache>/datasets/
cifar-10-batches-py(.tar.gz)``."""
import os

import numpy as np

from minikeras.datasets._fetch import fetch
from minikeras.datasets.cifar import load_batch, to_data_format

DIRNAME = 'cifar-10-batches-py'
ORIGIN = 'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz'


def load_data():
    """``(x_train, y_train), (x_test, y_test)``: uint8 images (n, 32, 32, 3) (channels
    last, else (n, 3, 32, 32)) and uint8 labels (n, 1)."""
    path = fetch(DIRNAME, origin=ORIGIN, untar=True)
    parts = [load_batch(os.path.join(path, 'data_batch_%d' % i)) for i in range(1, 6)]
    x_train = np.concatenate([p[0] for p in parts]).astype('uint8')
    y_train = np.concatenate([np.asarray(p[1]) for p in parts]).astype('uint8')
    x_test, y_test = load_batch(os.path.join(path, 'test_batch'))
    return to_data_format(x_train, y_train, x_test, np.asarray(y_test))
