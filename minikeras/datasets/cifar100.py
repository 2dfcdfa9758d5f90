"""CIFAR-100 (Keras 2 ``cifar100.load_data``): 100 fine or 20 coarse classes, cached as
``<Keras cache>/datasets/cifar-100-python(.tar.gz)``."""
import os

import numpy as np

from minikeras.datasets._fetch import fetch
from minikeras.datasets.cifar import load_batch, to_data_format

DIRNAME = 'cifar-100-python'
ORIGIN = 'https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz'


def load_data(label_mode='fine'):
    """``(x_train, y_train), (x_test, y_test)`` with ``label_mode`` 'fine' or 'coarse'."""
    if label_mode not in ['fine', 'coarse']:
        raise ValueError('`label_mode` must be one of `"fine"`, `"coarse"`, received %r'
                         % (label_mode,))
    path = fetch(DIRNAME, origin=ORIGIN, untar=True)
    x_train, y_train = load_batch(os.path.join(path, 'train'), label_key=label_mode + '_labels')
    x_test, y_test = load_batch(os.path.join(path, 'test'), label_key=label_mode + '_labels')
    return to_data_format(x_train, np.asarray(y_train), x_test, np.asarray(y_test))
