"""save_weights / load_weights / save / load_model: round trips and damaged input."""
import json
import os

import numpy as np
import pytest

import minikeras.backend as K
from minikeras import optimizers, saving
from minikeras.layers import Conv2D, Dense, Flatten, Input, concatenate
from minikeras.models import Model, Sequential, load_model, model_from_json


def small_model(units=6, name=None):
    model = Sequential(name=name)
    model.add(Dense(units, activation='relu', input_shape=(4,)))
    model.add(Dense(2, activation='softmax'))
    return model


def x_data(n=7):
    return np.random.RandomState(0).rand(n, 4).astype('float32')


def test_save_and_load_weights(tmp_path):
    a, b = small_model(), small_model()
    path = str(tmp_path / 'w.h5')
    a.save_weights(path)
    b.load_weights(path)
    np.testing.assert_allclose(a.predict(x_data()), b.predict(x_data()), rtol=1e-6)


def test_load_weights_by_name(tmp_path):
    a = Sequential([Dense(3, input_shape=(4,), name='shared'), Dense(2, name='a_only')])
    b = Sequential([Dense(3, input_shape=(4,), name='shared'), Dense(5, name='b_only')])
    path = str(tmp_path / 'w.h5')
    a.save_weights(path)
    b.load_weights(path, by_name=True)
    for wa, wb in zip(a.layers[0].get_weights(), b.layers[0].get_weights()):
        np.testing.assert_array_equal(wa, wb)


def test_mismatched_architecture_loads_nothing(tmp_path):
    path = str(tmp_path / 'w.h5')
    small_model(units=6).save_weights(path)
    other = small_model(units=5)
    before = other.get_weights()
    with pytest.raises(ValueError) as e:
        other.load_weights(path)
    assert 'shape' in str(e.value) and 'no weight was changed' in str(e.value)
    for w0, w1 in zip(before, other.get_weights()):
        np.testing.assert_array_equal(w0, w1)
    three = Sequential([Dense(6, input_shape=(4,)), Dense(2), Dense(2)])
    with pytest.raises(ValueError) as e:
        three.load_weights(path)
    assert 'weights for 2 layers' in str(e.value)


def test_truncated_file_is_a_clear_error(tmp_path):
    path = str(tmp_path / 'w.h5')
    model = small_model()
    model.save_weights(path)
    data = open(path, 'rb').read()
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 3])
    before = model.get_weights()
    with pytest.raises(IOError) as e:
        model.load_weights(path)
    assert path in str(e.value)
    for w0, w1 in zip(before, model.get_weights()):
        np.testing.assert_array_equal(w0, w1)


def test_interrupted_save_keeps_previous_file(tmp_path, monkeypatch):
    path = str(tmp_path / 'w.h5')
    model = small_model()
    model.save_weights(path)
    original = open(path, 'rb').read()

    def broken(group, model):
        group.attrs['layer_names'] = [b'x']
        raise KeyboardInterrupt('power cut')
    monkeypatch.setattr(saving.hdf5, 'write_weights_group', broken)
    with pytest.raises(KeyboardInterrupt):
        model.save_weights(path)
    assert open(path, 'rb').read() == original
    assert os.listdir(str(tmp_path)) == ['w.h5']


def test_save_and_load_whole_model_with_optimizer_state(tmp_path):
    np.random.seed(0)
    a, b = Input((4,), name='a'), Input((4,), name='b')
    out = Dense(2, activation='softmax', name='out')(concatenate([Dense(3)(a), b]))
    model = Model([a, b], out)
    model.compile(optimizers.Adam(lr=0.01), 'categorical_crossentropy', metrics=['accuracy'])
    xs = [x_data(), x_data() * 2]
    y = np.eye(2)[np.arange(7) % 2]
    model.fit(xs, y, epochs=2, verbose=0)
    path = str(tmp_path / 'model.h5')
    model.save(path)
    loaded = load_model(path)
    np.testing.assert_allclose(model.predict(xs), loaded.predict(xs), rtol=1e-6)
    assert loaded.metrics_names == model.metrics_names
    for w0, w1 in zip(model.optimizer.get_weights(), loaded.optimizer.get_weights()):
        np.testing.assert_allclose(w0, w1)
    # identical state: one more step gives identical weights
    model.train_on_batch(xs, y)
    loaded.train_on_batch(xs, y)
    for w0, w1 in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(w0, w1, rtol=1e-5, atol=1e-6)


def test_model_file_is_json_and_hdf5_without_pickle(tmp_path):
    import h5py
    path = str(tmp_path / 'm.h5')
    model = small_model()
    model.compile('sgd', 'mse')
    model.save(path)
    with h5py.File(path, 'r') as f:
        config = json.loads(f.attrs['model_config'])
        assert config['class_name'] == 'Sequential'
        json.loads(f.attrs['training_config'])
    assert b'pickle' not in open(path, 'rb').read()


def test_model_from_json_round_trip():
    model = Sequential([Conv2D(2, 3, input_shape=(6, 6, 1)), Flatten(), Dense(3)])
    clone = model_from_json(model.to_json())
    assert [type(l).__name__ for l in clone.layers] == ['Conv2D', 'Flatten', 'Dense']
    clone.set_weights(model.get_weights())
    x = np.random.rand(2, 6, 6, 1)
    np.testing.assert_allclose(model.predict(x), clone.predict(x), rtol=1e-5)


def test_save_refuses_missing_folder(tmp_path):
    with pytest.raises(ValueError) as e:
        small_model().save_weights(str(tmp_path / 'nope' / 'w.h5'))
    assert 'does not exist' in str(e.value)
