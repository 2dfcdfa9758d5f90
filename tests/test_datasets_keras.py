"""Keras 2.3.1's datasets through the real download code (``get_file``) against a local
HTTP server serving small files in Keras's exact formats: the Keras cache folder
(``KERAS_HOME``), reuse of an existing cache, offline errors, a bad checksum and an
interrupted download."""
import gzip
import hashlib
import io
import json
import os
import pickle
import tarfile

import numpy as np
import pytest

from local_http import LocalHTTP
from minikeras.datasets import (boston_housing, cifar10, cifar100, fashion_mnist, imdb,
                                reuters)


def md5(data):
    return hashlib.md5(data).hexdigest()


def npz_bytes(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def ragged(lists):
    out = np.empty(len(lists), dtype=object)
    for i, item in enumerate(lists):
        out[i] = item
    return out


def cifar_tar(folder, batches):
    """A tar.gz of pickled (protocol 2, bytes keys) CIFAR batch dicts, as Keras downloads."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w:gz') as tar:
        for name, batch in batches.items():
            data = pickle.dumps(batch, protocol=2)
            info = tarfile.TarInfo('%s/%s' % (folder, name))
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def cifar_batch(n, seed, **labels):
    rng = np.random.RandomState(seed)
    batch = {b'batch_label': b'test', b'data': rng.randint(0, 256, (n, 3072)).astype('uint8'),
             b'filenames': [b'f%d.png' % i for i in range(n)]}
    for key, values in labels.items():
        batch[key.encode()] = list(values)
    return batch


@pytest.fixture
def server(tmp_path, monkeypatch):
    monkeypatch.setenv('KERAS_HOME', str(tmp_path / 'keras'))
    with LocalHTTP() as srv:
        yield srv


def serve(srv, monkeypatch, module, attr, path, body, hash_attr=None):
    srv.files[path] = body
    monkeypatch.setattr(module, attr, srv.url + path)
    if hash_attr:
        monkeypatch.setattr(module, hash_attr, md5(body))


IMDB_TRAIN = [[1, 2, 3], [4, 5, 6, 7, 8, 9], [10, 1], [2, 2, 2, 2]]
IMDB_TEST = [[7, 7], [3, 4, 5]]


def serve_imdb(srv, monkeypatch):
    body = npz_bytes(x_train=ragged(IMDB_TRAIN), y_train=np.array([0, 1, 0, 1]),
                     x_test=ragged(IMDB_TEST), y_test=np.array([1, 0]))
    serve(srv, monkeypatch, imdb, 'ORIGIN', '/text-datasets/imdb.npz', body, 'FILE_HASH')
    return body


def test_imdb_download_cache_and_keras_arguments(server, monkeypatch, tmp_path):
    serve_imdb(server, monkeypatch)
    (x, y), (xt, yt) = imdb.load_data()
    assert (tmp_path / 'keras' / 'datasets' / 'imdb.npz').exists()
    assert x.dtype == object and len(x) == 4 and len(xt) == 2
    # Keras 2.3.1's order: one RandomState(113) shuffles train, then test
    rng = np.random.RandomState(113)
    order = np.arange(4)
    rng.shuffle(order)
    order_t = np.arange(2)
    rng.shuffle(order_t)
    # without num_words, Keras 2.3.1 takes the largest index as num_words, so that very
    # index (10 + 3) becomes oov_char: kept as the spec's behaviour
    def shifted(seq):
        return [1] + [w + 3 if w + 3 < 13 else 2 for w in seq]
    assert [list(s) for s in x] == [shifted(IMDB_TRAIN[i]) for i in order]
    assert list(y) == [[0, 1, 0, 1][i] for i in order]
    assert [list(s) for s in xt] == [shifted(IMDB_TEST[i]) for i in order_t]
    # num_words / skip_top / oov_char / index_from / start_char / maxlen
    (x, _), (xt, _) = imdb.load_data(num_words=8, skip_top=5, oov_char=0, index_from=2,
                                     start_char=None, maxlen=4)
    kept = ([IMDB_TRAIN[i] for i in order] + [IMDB_TEST[i] for i in order_t])
    expected = [[w + 2 if 5 <= w + 2 < 8 else 0 for w in seq] for seq in kept if len(seq) < 4]
    # Keras 2.3.1 filters train+test together, then splits at the unfiltered train length
    assert [list(s) for s in x] + [list(s) for s in xt] == expected
    assert len(x) == min(4, len(expected))
    (x, _), _ = imdb.load_data(num_words=8, oov_char=None)
    assert all(max(s) < 8 for s in x)
    with pytest.raises(ValueError, match='maxlen'):
        imdb.load_data(maxlen=1)
    with pytest.raises(TypeError, match='unrecognized'):
        imdb.load_data(bogus=1)
    assert server.requests.count('/text-datasets/imdb.npz') == 1     # the rest: from cache


def test_word_indices(server, monkeypatch):
    index = {'the': 1, 'and': 2}
    body = json.dumps(index).encode()
    serve(server, monkeypatch, imdb, 'WORD_INDEX_ORIGIN', '/imdb_word_index.json', body,
          'WORD_INDEX_HASH')
    serve(server, monkeypatch, reuters, 'WORD_INDEX_ORIGIN', '/reuters_word_index.json', body,
          'WORD_INDEX_HASH')
    assert imdb.get_word_index() == index
    assert reuters.get_word_index() == index


def test_reuters_split(server, monkeypatch):
    seqs = [[i, i + 1] for i in range(10)]
    body = npz_bytes(x=ragged(seqs), y=np.arange(10))
    serve(server, monkeypatch, reuters, 'ORIGIN', '/reuters.npz', body, 'FILE_HASH')
    (x, y), (xt, yt) = reuters.load_data(test_split=0.3, num_words=100)
    assert len(x) == 7 and len(xt) == 3
    order = np.arange(10)
    np.random.RandomState(113).shuffle(order)
    assert list(y) + list(yt) == list(order)
    assert list(x[0]) == [1, order[0] + 3, order[0] + 4]


@pytest.mark.parametrize('fmt', ['channels_last', 'channels_first'])
def test_cifar10_and_100(server, monkeypatch, fmt):
    import minikeras.backend as K
    old = K.image_data_format()
    K.set_image_data_format(fmt)
    try:
        batches = dict(('data_batch_%d' % i, cifar_batch(3, i, labels=[i, i, 9]))
                       for i in range(1, 6))
        batches['test_batch'] = cifar_batch(2, 7, labels=[4, 5])
        serve(server, monkeypatch, cifar10, 'ORIGIN', '/cifar-10-python.tar.gz',
              cifar_tar('cifar-10-batches-py', batches))
        (x, y), (xt, yt) = cifar10.load_data()
        assert x.dtype == np.uint8 and y.shape == (15, 1) and yt.tolist() == [[4], [5]]
        raw = batches['data_batch_2'][b'data'][0].reshape(3, 32, 32)
        first = x[3] if fmt == 'channels_first' else x[3].transpose(2, 0, 1)
        np.testing.assert_array_equal(first, raw)
        assert x.shape == ((15, 32, 32, 3) if fmt == 'channels_last' else (15, 3, 32, 32))
        c100 = {'train': cifar_batch(4, 1, fine_labels=[0, 99, 5, 6], coarse_labels=[0, 19, 1, 2]),
                'test': cifar_batch(2, 2, fine_labels=[7, 8], coarse_labels=[3, 4])}
        serve(server, monkeypatch, cifar100, 'ORIGIN', '/cifar-100-python.tar.gz',
              cifar_tar('cifar-100-python', c100))
        (_, y), _ = cifar100.load_data()
        assert y[:, 0].tolist() == [0, 99, 5, 6]
        (_, y), (_, yt) = cifar100.load_data(label_mode='coarse')
        assert y[:, 0].tolist() == [0, 19, 1, 2] and yt[:, 0].tolist() == [3, 4]
        with pytest.raises(ValueError, match='label_mode'):
            cifar100.load_data(label_mode='medium')
    finally:
        K.set_image_data_format(old)


def test_fashion_mnist_and_boston(server, monkeypatch, tmp_path):
    rng = np.random.RandomState(0)
    images = {'train': rng.randint(0, 256, (5, 28, 28)).astype('uint8'),
              't10k': rng.randint(0, 256, (3, 28, 28)).astype('uint8')}
    for part, imgs in images.items():
        labels = np.arange(len(imgs), dtype='uint8')
        server.files['/fm/%s-labels-idx1-ubyte.gz' % part] = gzip.compress(
            b'\x00\x00\x08\x01' + len(imgs).to_bytes(4, 'big') + labels.tobytes())
        server.files['/fm/%s-images-idx3-ubyte.gz' % part] = gzip.compress(
            b'\x00\x00\x08\x03' + len(imgs).to_bytes(4, 'big') + b'\x00\x00\x00\x1c' * 2
            + imgs.tobytes())
    monkeypatch.setattr(fashion_mnist, 'BASE', server.url + '/fm/')
    (x, y), (xt, yt) = fashion_mnist.load_data()
    np.testing.assert_array_equal(x, images['train'])
    np.testing.assert_array_equal(xt, images['t10k'])
    assert y.tolist() == [0, 1, 2, 3, 4]
    assert (tmp_path / 'keras' / 'datasets' / 'fashion-mnist' / 't10k-images-idx3-ubyte.gz').exists()

    xb, yb = rng.rand(10, 13), rng.rand(10)
    body = npz_bytes(x=xb, y=yb)
    server.files['/boston_housing.npz'] = body
    monkeypatch.setattr(boston_housing, 'ORIGIN', server.url + '/boston_housing.npz')
    monkeypatch.setattr(boston_housing, 'FILE_HASH', hashlib.sha256(body).hexdigest())
    (x, y), (xt, yt) = boston_housing.load_data()
    order = np.arange(10)
    np.random.RandomState(113).shuffle(order)
    np.testing.assert_array_equal(x, xb[order[:8]])
    np.testing.assert_array_equal(yt, yb[order[8:]])


def test_existing_keras_cache_is_used_without_network(tmp_path, monkeypatch):
    monkeypatch.setenv('KERAS_HOME', str(tmp_path / 'keras'))
    body = npz_bytes(x_train=ragged(IMDB_TRAIN), y_train=np.array([0, 1, 0, 1]),
                     x_test=ragged(IMDB_TEST), y_test=np.array([1, 0]))
    os.makedirs(str(tmp_path / 'keras' / 'datasets'))
    (tmp_path / 'keras' / 'datasets' / 'imdb.npz').write_bytes(body)
    monkeypatch.setattr(imdb, 'ORIGIN', 'http://127.0.0.1:9/unreachable/imdb.npz')
    monkeypatch.setattr(imdb, 'FILE_HASH', md5(body))
    (x, _), _ = imdb.load_data()
    assert len(x) == 4


def test_default_cache_is_dot_keras(monkeypatch, tmp_path):
    from minikeras.datasets._fetch import keras_cache_dir
    monkeypatch.delenv('KERAS_HOME', raising=False)
    monkeypatch.setenv('HOME', str(tmp_path))
    assert keras_cache_dir() == os.path.join(str(tmp_path), '.keras')


def test_offline_uncached_error_names_url_and_path(tmp_path, monkeypatch):
    monkeypatch.setenv('KERAS_HOME', str(tmp_path / 'keras'))
    monkeypatch.setattr(cifar10, 'ORIGIN', 'http://127.0.0.1:9/cifar-10-python.tar.gz')
    with pytest.raises(IOError) as e:
        cifar10.load_data()
    text = str(e.value)
    assert 'http://127.0.0.1:9/cifar-10-python.tar.gz' in text
    assert os.path.join(str(tmp_path / 'keras'), 'datasets',
                        'cifar-10-batches-py.tar.gz') in text


def test_bad_checksum_refused_and_removed(server, monkeypatch, tmp_path):
    serve_imdb(server, monkeypatch)
    monkeypatch.setattr(imdb, 'FILE_HASH', '0' * 32)
    with pytest.raises(ValueError, match='(?i)checksum|hash'):
        imdb.load_data()
    assert not os.listdir(str(tmp_path / 'keras' / 'datasets'))


def test_interrupted_download_leaves_nothing(server, monkeypatch, tmp_path):
    serve_imdb(server, monkeypatch)
    server.truncated.add('/text-datasets/imdb.npz')
    with pytest.raises(IOError) as e:
        imdb.load_data()
    assert server.url + '/text-datasets/imdb.npz' in str(e.value)
    assert not os.listdir(str(tmp_path / 'keras' / 'datasets'))
    server.truncated.clear()               # the server recovers: the next call succeeds
    (x, _), _ = imdb.load_data()
    assert len(x) == 4


def test_pickled_code_in_a_dataset_file_is_refused(tmp_path):
    from minikeras.datasets._fetch import load_pickle
    evil = pickle.dumps(os.system)
    with pytest.raises(pickle.UnpicklingError, match='only numpy arrays'):
        load_pickle(io.BytesIO(evil))
