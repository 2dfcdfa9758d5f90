"""Fashion-MNIST (Keras 2 ``fashion_mnist.load_data``): 60,000 + 10,000 28x28 grayscale
images of 10 kinds of clothing, the four gzip IDX files cached in
``<Keras cache>/datasets/fashion-mnist/``."""
import gzip
import os

import numpy as np

from minikeras.datasets._fetch import fetch

BASE = 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/'
FILES = ['train-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz',
         't10k-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz']


def load_data():
    """``(x_train, y_train), (x_test, y_test)``: uint8 (n, 28, 28) images, uint8 labels."""
    paths = [fetch(name, origin=BASE + name, cache_subdir=os.path.join('datasets',
                                                                      'fashion-mnist'))
             for name in FILES]
    out = []
    for labels_path, images_path in ((paths[0], paths[1]), (paths[2], paths[3])):
        with gzip.open(labels_path, 'rb') as f:
            y = np.frombuffer(f.read(), np.uint8, offset=8)
        with gzip.open(images_path, 'rb') as f:
            x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(len(y), 28, 28)
        out.append((x, y))
    return tuple(out)
