"""IMDB movie-review sentiment (Keras 2 ``imdb.load_data`` / ``get_word_index``): 25,000
training and 25,000 test reviews as lists of word indices, from Keras's ``imdb.npz``."""
import json

import numpy as np

from minikeras.datasets._fetch import (fetch, index_sequences, legacy_num_words, load_npz,
                                       object_array)

ORIGIN = 'https://s3.amazonaws.com/text-datasets/imdb.npz'
FILE_HASH = '599dadb1135973df5b59232a0e9a887c'
WORD_INDEX_ORIGIN = 'https://s3.amazonaws.com/text-datasets/imdb_word_index.json'
WORD_INDEX_HASH = 'bfafd718b763782e994055a2d397834f'


def load_data(path='imdb.npz', num_words=None, skip_top=0, maxlen=None, seed=113,
              start_char=1, oov_char=2, index_from=3, **kwargs):
    """``(x_train, y_train), (x_test, y_test)``: object arrays of word-index lists and
    0/1 labels, shuffled with ``seed`` exactly as Keras 2.3.1 does. Words ranked below
    ``skip_top`` or from ``num_words`` on become ``oov_char`` (dropped if it is None);
    reviews of ``maxlen`` words or more are left out."""
    num_words = legacy_num_words(num_words, kwargs, 'imdb')
    f = load_npz(fetch(path, origin=ORIGIN, file_hash=FILE_HASH))
    x_train, labels_train = f['x_train'], f['y_train']
    x_test, labels_test = f['x_test'], f['y_test']
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x_train))
    rng.shuffle(indices)
    x_train, labels_train = x_train[indices], labels_train[indices]
    indices = np.arange(len(x_test))
    rng.shuffle(indices)
    x_test, labels_test = x_test[indices], labels_test[indices]
    xs = list(x_train) + list(x_test)
    labels = np.concatenate([labels_train, labels_test])
    xs, labels = index_sequences(xs, labels, num_words, skip_top, maxlen, start_char,
                                 oov_char, index_from, 'imdb.load_data')
    idx = len(x_train)
    return ((object_array(xs[:idx]), np.array(labels[:idx])),
            (object_array(xs[idx:]), np.array(labels[idx:])))


def get_word_index(path='imdb_word_index.json'):
    """The dict word -> index (before the ``index_from`` shift)."""
    with open(fetch(path, origin=WORD_INDEX_ORIGIN, file_hash=WORD_INDEX_HASH)) as f:
        return json.load(f)
