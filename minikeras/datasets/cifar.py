"""CIFAR batch files (the pickled dicts inside Keras's cifar-*-python.tar.gz)."""
import numpy as np

from minikeras.datasets._fetch import load_pickle


def load_batch(fpath, label_key='labels'):
    """``(data, labels)`` of one CIFAR batch file: data uint8 (n, 3, 32, 32)."""
    with open(fpath, 'rb') as f:
        d = load_pickle(f, encoding='bytes')
    d = dict((k.decode('utf8') if isinstance(k, bytes) else k, v) for k, v in d.items())
    data = d['data']
    labels = d[label_key]
    data = data.reshape(data.shape[0], 3, 32, 32)
    return data, labels


def to_data_format(x_train, y_train, x_test, y_test):
    """Labels as (n, 1) columns; images channels-last unless Keras's image_data_format
    says channels_first."""
    import minikeras.backend as K
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if K.image_data_format() == 'channels_last':
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)
