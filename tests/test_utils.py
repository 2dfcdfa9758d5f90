"""minikeras.utils: to_categorical, Progbar, (de)serialization helpers, Sequence, get_file."""
import hashlib
import io
import os
import pathlib
import sys
import tarfile
import zipfile

import numpy as np
import pytest

from minikeras import utils
from minikeras.utils import data_utils, generic_utils
from minikeras.utils import Progbar, Sequence, get_file, normalize, to_categorical


# --- np_utils ---------------------------------------------------------------------------

def test_to_categorical():
    y = to_categorical([0, 2, 1, 2])
    np.testing.assert_array_equal(y, np.eye(3)[[0, 2, 1, 2]])
    assert y.dtype == np.float32
    y = to_categorical(np.array([[1], [3]]), num_classes=5, dtype='int32')
    assert y.shape == (2, 5) and y.dtype == np.int32
    np.testing.assert_array_equal(y, [[0, 1, 0, 0, 0], [0, 0, 0, 1, 0]])
    y = to_categorical(np.array([[0, 1], [1, 0], [2, 2]]))
    assert y.shape == (3, 2, 3)
    assert to_categorical(np.array([1., 0.])).tolist() == [[0, 1], [1, 0]]
    with pytest.raises(ValueError, match='out of range'):
        to_categorical([0, 5], num_classes=3)
    with pytest.raises(ValueError, match='>= 0'):
        to_categorical([-1, 0])
    with pytest.raises(ValueError, match='integer'):
        to_categorical([0.5, 1.0])


def test_normalize():
    x = np.array([[3., 4.], [0., 0.]])
    np.testing.assert_allclose(normalize(x), [[0.6, 0.8], [0., 0.]])
    np.testing.assert_allclose(normalize(x, axis=0, order=1), [[1., 1.], [0., 0.]])


# --- Progbar ----------------------------------------------------------------------------

def test_progbar_not_a_tty_prints_one_line_at_the_end(capsys):
    bar = Progbar(100, verbose=1)
    bar.update(30, [('loss', 0.5)])
    bar.update(60, [('loss', 0.25)])
    assert capsys.readouterr().out == ''
    bar.update(100, [('loss', 0.25), ('acc', 0.9)])
    out = capsys.readouterr().out
    assert out.startswith('100/100 [==============================] - ')
    assert out.endswith(' - loss: 0.3250 - acc: 0.9000\n')  # sample-weighted mean
    assert out.count('\n') == 1 and '\r' not in out


class _TTY(io.StringIO):
    def isatty(self):
        return True


def test_progbar_tty_redraws_in_place(monkeypatch):
    stream = _TTY()
    monkeypatch.setattr(sys, 'stdout', stream)
    bar = Progbar(60000, verbose=1, interval=0.)
    bar.update(12345, [('loss', 0.2)])
    bar.update(60000, [('loss', 0.2)])
    out = stream.getvalue()
    assert '\r12345/60000 [=====>........................] - ETA: ' in out
    assert '- loss: 0.2000' in out
    assert '\r60000/60000 [==============================]' in out
    assert out.endswith('\n') and out.count('\n') == 1


def test_progbar_verbose_2_and_stateful(capsys):
    bar = Progbar(10, verbose=2, stateful_metrics=['val_acc'])
    bar.update(5, [('loss', 1.0), ('val_acc', 0.1)])
    assert capsys.readouterr().out == ''
    bar.update(10, [('loss', 3.0), ('val_acc', 0.7)])
    out = capsys.readouterr().out
    assert '[' not in out
    assert out.endswith(' - loss: 2.0000 - val_acc: 0.7000\n')
    bar = Progbar(10, verbose=0)
    bar.update(10, [('loss', 1.0)])
    assert capsys.readouterr().out == ''
    with pytest.raises(ValueError, match='verbose'):
        Progbar(10, verbose=3)


def test_progbar_add(capsys):
    bar = Progbar(4, verbose=1)
    bar.add(2, [('x', 1e-5)])
    bar.add(2, [('x', 1e-5)])
    assert capsys.readouterr().out.strip().endswith('x: 1.0000e-05')


# --- generic_utils ------------------------------------------------------------------------

class Thing(object):
    def __init__(self, a=1):
        self.a = a

    def get_config(self):
        return {'a': self.a}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def my_fn():
    return 'hi'


def test_serialize_deserialize_and_custom_objects():
    assert generic_utils.serialize_keras_object(None) is None
    assert generic_utils.serialize_keras_object(my_fn) == 'my_fn'
    config = generic_utils.serialize_keras_object(Thing(5))
    assert config == {'class_name': 'Thing', 'config': {'a': 5}}
    obj = generic_utils.deserialize_keras_object(config, module_objects={'Thing': Thing})
    assert isinstance(obj, Thing) and obj.a == 5
    obj = generic_utils.deserialize_keras_object(config, custom_objects={'Thing': Thing})
    assert obj.a == 5
    with pytest.raises(ValueError, match='Unknown object'):
        generic_utils.deserialize_keras_object(config)
    with utils.custom_object_scope({'Thing': Thing, 'my_fn': my_fn}):
        assert generic_utils.deserialize_keras_object(config).a == 5
        assert generic_utils.deserialize_keras_object('my_fn') is my_fn
        assert generic_utils.get_custom_objects()['my_fn'] is my_fn
    assert 'my_fn' not in generic_utils.get_custom_objects()
    with utils.CustomObjectScope({'Thing': Thing}):
        pass
    with pytest.raises(ValueError, match='Improper config'):
        generic_utils.deserialize_keras_object({'config': {}})


def test_func_dump_load_round_trip():
    def add(x, y=2):
        return x + y
    restored = generic_utils.func_load(generic_utils.func_dump(add))
    assert restored(3) == 5


# --- Sequence -----------------------------------------------------------------------------

def test_sequence():
    class Batches(Sequence):
        def __init__(self):
            self.epochs = 0

        def __len__(self):
            return 3

        def __getitem__(self, index):
            return np.full((2,), index)

        def on_epoch_end(self):
            self.epochs += 1
    seq = Batches()
    assert [b.tolist() for b in seq] == [[0, 0], [1, 1], [2, 2]]
    seq.on_epoch_end()
    assert seq.epochs == 1
    with pytest.raises(NotImplementedError):
        len(Sequence())


# --- get_file -----------------------------------------------------------------------------

def _source(tmp_path, content=b'minikeras test data\n' * 100):
    src = tmp_path / 'source' / 'data.bin'
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_bytes(content)
    return src, hashlib.sha256(content).hexdigest(), hashlib.md5(content).hexdigest()


def _listing(folder):
    return sorted(p.name for p in pathlib.Path(folder).iterdir())


def test_get_file_downloads_caches_and_verifies(tmp_path, capsys):
    src, sha, md5 = _source(tmp_path)
    cache = tmp_path / 'cache'
    path = get_file('data.bin', src.as_uri(), file_hash=sha, cache_dir=str(cache))
    assert path == str(cache / 'datasets' / 'data.bin')
    assert pathlib.Path(path).read_bytes() == src.read_bytes()
    assert 'Downloading data from' in capsys.readouterr().err
    assert _listing(cache / 'datasets') == ['data.bin']
    # cached: the origin is not read again
    src.write_bytes(b'changed')
    again = get_file('data.bin', src.as_uri(), file_hash=sha, cache_dir=str(cache))
    assert again == path and pathlib.Path(path).read_bytes() != b'changed'
    assert capsys.readouterr().err == ''
    # md5 (32 hex digits -> auto)
    src.write_bytes(b'minikeras test data\n' * 100)
    p2 = get_file('d2.bin', src.as_uri(), file_hash=md5, cache_dir=str(cache),
                  cache_subdir='other')
    assert pathlib.Path(p2).read_bytes() == src.read_bytes()


def test_get_file_rejects_bad_hash_and_leaves_nothing(tmp_path):
    src, sha, _ = _source(tmp_path)
    cache = tmp_path / 'cache'
    bad = '0' * 64
    with pytest.raises(ValueError, match='checksum mismatch') as info:
        get_file('data.bin', src.as_uri(), file_hash=bad, cache_dir=str(cache))
    assert bad in str(info.value) and sha in str(info.value)
    assert _listing(cache / 'datasets') == []  # neither the file nor a partial download


def test_get_file_replaces_a_corrupt_cached_file(tmp_path, capsys):
    src, sha, _ = _source(tmp_path)
    cache = tmp_path / 'cache'
    (cache / 'datasets').mkdir(parents=True)
    (cache / 'datasets' / 'data.bin').write_bytes(b'truncated')
    path = get_file('data.bin', src.as_uri(), file_hash=sha, cache_dir=str(cache))
    assert pathlib.Path(path).read_bytes() == src.read_bytes()
    assert 'hash does not match' in capsys.readouterr().err


def test_get_file_default_cache_is_minikeras_home(tmp_path, monkeypatch):
    src, sha, _ = _source(tmp_path)
    monkeypatch.setenv('MINIKERAS_HOME', str(tmp_path / 'home'))
    path = get_file('data.bin', src.as_uri(), file_hash=sha)
    assert path == str(tmp_path / 'home' / 'datasets' / 'data.bin')


def test_get_file_missing_origin_leaves_nothing(tmp_path):
    cache = tmp_path / 'cache'
    missing = (tmp_path / 'nope.bin').as_uri()
    with pytest.raises(IOError, match='URL fetch failure'):
        get_file('nope.bin', missing, cache_dir=str(cache))
    assert _listing(cache / 'datasets') == []


def test_get_file_extract_tar_and_zip(tmp_path):
    payload = tmp_path / 'payload.txt'
    payload.write_text('hello')
    tar_path = tmp_path / 'arch.tar.gz'
    with tarfile.open(str(tar_path), 'w:gz') as tar:
        tar.add(str(payload), arcname='inner/payload.txt')
    zip_path = tmp_path / 'arch.zip'
    with zipfile.ZipFile(str(zip_path), 'w') as z:
        z.write(str(payload), arcname='zipped/payload.txt')
    cache = tmp_path / 'cache'
    get_file('arch.tar.gz', tar_path.as_uri(), extract=True, cache_dir=str(cache))
    assert (cache / 'datasets' / 'inner' / 'payload.txt').read_text() == 'hello'
    get_file('arch.zip', zip_path.as_uri(), extract=True, cache_dir=str(cache))
    assert (cache / 'datasets' / 'zipped' / 'payload.txt').read_text() == 'hello'
    folder = get_file('arch', tar_path.as_uri(), untar=True, cache_dir=str(cache),
                      cache_subdir='untarred')
    assert folder == str(cache / 'untarred' / 'arch')
    assert (cache / 'untarred' / 'inner' / 'payload.txt').exists()


def test_validate_file(tmp_path):
    src, sha, md5 = _source(tmp_path)
    assert data_utils.validate_file(str(src), sha)
    assert data_utils.validate_file(str(src), md5, algorithm='md5')
    assert not data_utils.validate_file(str(src), '1' * 64)
    with pytest.raises(ValueError, match='hash_algorithm'):
        data_utils.validate_file(str(src), sha, algorithm='sha1')
    assert os.path.exists(str(src))
