"""Boston housing prices (Keras 2 ``boston_housing.load_data``): 506 samples of 13
features and a price, from Keras's ``boston_housing.npz``."""
import numpy as np

from minikeras.datasets._fetch import fetch, load_npz

ORIGIN = 'https://s3.amazonaws.com/keras-datasets/boston_housing.npz'
FILE_HASH = 'f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5'


def load_data(path='boston_housing.npz', test_split=0.2, seed=113):
    """``(x_train, y_train), (x_test, y_test)``, shuffled with ``seed`` and split at
    ``1 - test_split`` as in Keras 2.3.1."""
    if not 0 <= test_split < 1:
        raise ValueError('boston_housing.load_data: test_split must be in [0, 1), received %r'
                         % (test_split,))
    f = load_npz(fetch(path, origin=ORIGIN, file_hash=FILE_HASH))
    x, y = f['x'], f['y']
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))
