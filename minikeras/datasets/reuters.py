"""Reuters newswire topics (Keras 2 ``reuters.load_data`` / ``get_word_index``): 11,228
newswires as word-index lists, 46 topics, from Keras's ``reuters.npz``."""
import json

import numpy as np

from minikeras.datasets._fetch import (fetch, index_sequences, legacy_num_words, load_npz,
                                       object_array)

ORIGIN = 'https://s3.amazonaws.com/text-datasets/reuters.npz'
FILE_HASH = '87aedbeb0cb229e378797a632c1997b6'
WORD_INDEX_ORIGIN = 'https://s3.amazonaws.com/text-datasets/reuters_word_index.json'
WORD_INDEX_HASH = '4d44cc38712099c9e383dc6e5f11a921'


def load_data(path='reuters.npz', num_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3, **kwargs):
    """``(x_train, y_train), (x_test, y_test)``, shuffled with ``seed`` and split at
    ``1 - test_split`` as in Keras 2.3.1; the word arguments work as in ``imdb``."""
    num_words = legacy_num_words(num_words, kwargs, 'reuters')
    f = load_npz(fetch(path, origin=ORIGIN, file_hash=FILE_HASH))
    xs, labels = f['x'], f['y']
    rng = np.random.RandomState(seed)
    indices = np.arange(len(xs))
    rng.shuffle(indices)
    xs, labels = list(xs[indices]), labels[indices]
    xs, labels = index_sequences(xs, labels, num_words, skip_top, maxlen, start_char,
                                 oov_char, index_from, 'reuters.load_data')
    idx = int(len(xs) * (1 - test_split))
    return ((object_array(xs[:idx]), np.array(labels[:idx])),
            (object_array(xs[idx:]), np.array(labels[idx:])))


def get_word_index(path='reuters_word_index.json'):
    """The dict word -> index (before the ``index_from`` shift)."""
    with open(fetch(path, origin=WORD_INDEX_ORIGIN, file_hash=WORD_INDEX_HASH)) as f:
        return json.load(f)
