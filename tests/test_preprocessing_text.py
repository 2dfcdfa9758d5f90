"""``minikeras.preprocessing.text`` and ``.sequence`` (keras_preprocessing 1.1.2)."""
import json

import numpy as np
import pytest

pytest.importorskip('keras_preprocessing', reason='keras_preprocessing is not installed in '
                    'this lane (pip install "minikeras[text]")')

from minikeras.layers import Dense, Flatten  # noqa: E402
from minikeras.models import Sequential  # noqa: E402
from minikeras.preprocessing import sequence, text  # noqa: E402
from minikeras.utils import Sequence  # noqa: E402

TEXTS = ['The cat sat on the mat.', 'The dog ate my homework!', 'Cat and dog.']


def test_tokenizer_and_json_round_trip():
    tok = text.Tokenizer(num_words=6, oov_token='<oov>')
    tok.fit_on_texts(TEXTS)
    assert tok.word_index['<oov>'] == 1 and tok.word_index['the'] == 2
    seqs = tok.texts_to_sequences(['the cat ate a fish'])
    assert seqs == [[2, 3, 1, 1, 1]]
    matrix = tok.texts_to_matrix(TEXTS, mode='binary')
    assert matrix.shape == (3, 6) and matrix[0, 2] == 1
    again = text.tokenizer_from_json(tok.to_json())
    assert json.loads(again.to_json()) == json.loads(tok.to_json())
    assert again.texts_to_sequences(['the cat ate a fish']) == seqs


def test_word_functions():
    assert text.text_to_word_sequence('Hello, World! hello') == ['hello', 'world', 'hello']
    codes = text.one_hot('a b a', 10)
    assert len(codes) == 3 and codes[0] == codes[2] and all(1 <= c < 10 for c in codes)
    hashed = text.hashing_trick('a b a', 10, hash_function='md5')
    assert hashed == text.hashing_trick('a b a', 10, hash_function='md5')
    assert hashed[0] == hashed[2]


def test_skipgrams_and_sampling_table():
    couples, labels = sequence.skipgrams([1, 2, 3, 4], vocabulary_size=5, window_size=1,
                                         seed=0)
    positives = sorted(tuple(c) for c, l in zip(couples, labels) if l == 1)
    assert positives == [(1, 2), (2, 1), (2, 3), (3, 2), (3, 4), (4, 3)]
    assert labels.count(0) == 6
    table = sequence.make_sampling_table(10)
    # rarer (higher-rank) words are kept with higher probability
    assert table.shape == (10,) and np.all(np.diff(table[1:]) > 0) and table.max() <= 1


def test_timeseries_generator_is_a_sequence_fit_accepts():
    data = np.sin(np.arange(200) / 5.).astype('float32')[:, None]
    gen = sequence.TimeseriesGenerator(data, data, length=6, batch_size=16)
    assert isinstance(gen, Sequence) and len(gen) == int(np.ceil((200 - 6) / 16.))
    bx, by = gen[0]
    np.testing.assert_array_equal(bx[1], data[1:7])
    np.testing.assert_array_equal(by[1], data[7])
    assert gen.get_config()['length'] == 6 and gen.length == 6
    model = Sequential([Flatten(input_shape=(6, 1)), Dense(1)])
    model.compile('adam', 'mse')
    history = model.fit(gen, epochs=5, verbose=0)
    assert history.history['loss'][-1] < history.history['loss'][0]


def test_pad_sequences_is_still_ours():
    out = sequence.pad_sequences([[1, 2], [3]], maxlen=3)
    np.testing.assert_array_equal(out, [[0, 1, 2], [0, 0, 3]])
