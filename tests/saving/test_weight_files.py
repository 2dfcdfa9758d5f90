"""Weights are checked from HDF5 metadata before any is read or assigned; every damaged
file is a ModelFileError naming the file and the part; round trips users do."""
import json
import os
import stat

import h5py
import numpy as np
import pytest

import minikeras.backend as K
from minikeras.models import load_model
from minikeras.saving import ModelFileError
from tests.saving.fixtures import same_weights, small_model, x_data
from tests.saving.mutations import replace_dataset


def saved(tmp_path, kind='weights', **kwargs):
    model = small_model(**kwargs)
    path = str(tmp_path / ('%s.h5' % kind))
    if kind == 'weights':
        model.save_weights(path)
    else:
        model.save(path)
    return model, path


def replace(path, name, make):
    with h5py.File(path, 'r+') as f:
        replace_dataset(f, name, make)


def refused(target, path, *words):
    """``target.load_weights(path)`` raises ModelFileError naming the file and ``words``,
    and changes no weight."""
    before = target.get_weights()
    with pytest.raises(ModelFileError) as e:
        target.load_weights(path)
    message = str(e.value)
    assert path in message, message
    for word in words:
        assert word in message, (word, message)
    assert all(np.array_equal(a, b) for a, b in zip(before, target.get_weights()))
    return message


GAMMA = 'bn/bn/gamma:0'


@pytest.mark.parametrize('dtype', ['S8', 'compound', 'vlen', 'int32', 'complex64', 'bool'])
def test_wrong_dtype_in_the_second_layer_changes_no_weight(tmp_path, dtype):
    _, path = saved(tmp_path)

    def make(g, n, old):
        if dtype == 'compound':
            g.create_dataset(n, shape=old.shape, dtype=np.dtype([('a', 'f4'), ('b', 'i4')]))
        elif dtype == 'vlen':
            g.create_dataset(n, shape=old.shape, dtype=h5py.string_dtype())
        else:
            g.create_dataset(n, data=np.ones(old.shape).astype(dtype))
    replace(path, GAMMA, make)
    target = small_model(seed=5, compiled=False)
    refused(target, path, 'bn', 'dtype')
    assert isinstance(ModelFileError('x'), ValueError) and isinstance(ModelFileError('x'), OSError)


def test_huge_declared_shape_is_refused_before_reading(tmp_path):
    _, path = saved(tmp_path)
    replace(path, GAMMA, lambda g, n, old: g.create_dataset(n, shape=(1 << 40,), dtype='f4'))
    assert os.path.getsize(path) < 100000       # a small file declaring 4 TiB
    refused(small_model(seed=5, compiled=False), path, 'shape', str(1 << 40))


def test_data_outside_the_file_is_refused(tmp_path):
    outside = str(tmp_path / 'outside.bin')
    with open(outside, 'wb') as f:
        f.write(np.ones(5, 'f4').tobytes())
    other = str(tmp_path / 'other.h5')
    with h5py.File(other, 'w') as f:
        f.create_dataset('data', data=np.ones(5, 'f4'))
    cases = {
        'external': lambda g, n, old: g.create_dataset(
            n, shape=(5,), dtype='f4', external=[(outside, 0, 20)]),
        'virtual': lambda g, n, old: g.create_virtual_dataset(n, _layout(other)),
        'ExternalLink': lambda g, n, old: g.__setitem__(n, h5py.ExternalLink(other, '/data')),
        'SoftLink': lambda g, n, old: g.__setitem__(n, h5py.SoftLink('/bn/bn/beta:0')),
    }
    for word, make in sorted(cases.items()):
        (tmp_path / word).mkdir()
        _, path = saved(tmp_path / word)
        replace(path, GAMMA, make)
        refused(small_model(seed=5, compiled=False), path, word)
        with pytest.raises(ModelFileError):
            load_model(path)


def _layout(source):
    layout = h5py.VirtualLayout(shape=(5,), dtype='f4')
    layout[...] = h5py.VirtualSource(source, 'data', shape=(5,))
    return layout


def test_weights_are_matched_by_their_recorded_names(tmp_path):
    original, path = saved(tmp_path)
    with h5py.File(path, 'r+') as f:
        names = list(f['bn'].attrs['weight_names'])
        f['bn'].attrs['weight_names'] = names[::-1]      # beta listed where gamma was
    target = small_model(seed=5, compiled=False)
    target.load_weights(path)
    assert same_weights(target, original)
    gamma = K.get_value(original.get_layer('bn').gamma)
    np.testing.assert_array_equal(K.get_value(target.get_layer('bn').gamma), gamma)


def _damage(kind):
    def drop_attr(obj, name):
        del obj.attrs[name]

    def drop(obj, name):
        del obj[name]

    def set_attr(obj, name, value):
        obj.attrs[name] = np.bytes_(value)
    return {
        'no layer_names': (lambda f: drop_attr(f['model_weights'] if kind == 'model' else f,
                                               'layer_names'), 'layer_names'),
        'no layer group': (lambda f: drop(f['model_weights'] if kind == 'model' else f, 'd2'),
                           "'d2'"),
        'no dataset': (lambda f: drop(f['model_weights/bn/bn' if kind == 'model' else 'bn/bn'],
                                      'gamma:0'), 'gamma:0'),
        'layout version': (lambda f: set_attr(f['model_weights'] if kind == 'model' else f,
                                              'minikeras_layout', json.dumps({'version': 9})),
                           'version 9'),
        'layout not JSON': (lambda f: set_attr(f['model_weights'] if kind == 'model' else f,
                                               'minikeras_layout', b'{oops'), 'JSON'),
    }


@pytest.mark.parametrize('kind', ['weights', 'model'])
def test_damaged_parts_are_model_file_errors_naming_the_part(tmp_path, kind):
    for case, (damage, word) in sorted(_damage(kind).items()):
        folder = tmp_path / case.replace(' ', '_')
        folder.mkdir()
        _, path = saved(folder, kind)
        with h5py.File(path, 'r+') as f:
            damage(f)
        refused(small_model(seed=5, compiled=False), path, word)
        if kind == 'model':
            with pytest.raises(ModelFileError) as e:
                load_model(path)
            assert path in str(e.value) and word in str(e.value), (case, str(e.value))


@pytest.mark.parametrize('attr,value,word', [
    ('model_config', b'{"class_name": ', 'JSON'),
    ('model_config', b'\xff\xfe', 'UTF-8'),
    ('model_config', b'{"class_name": "Sequential", "config": {"layers": 7}}', 'model_config'),
    ('training_config', b'not json', 'JSON'),
    ('training_config', b'[1, 2]', 'training_config'),
    ('training_config', b'{"optimizer_config": {"class_name": "Nope", "config": {}}, '
                        b'"loss": "mse"}', 'training_config'),
])
def test_bad_configs_are_model_file_errors(tmp_path, attr, value, word):
    _, path = saved(tmp_path, 'model')
    with h5py.File(path, 'r+') as f:
        f.attrs[attr] = np.bytes_(value)
    with pytest.raises(ModelFileError) as e:
        load_model(path)
    assert path in str(e.value) and word in str(e.value), str(e.value)


def test_not_hdf5_missing_and_truncated_files(tmp_path):
    text = tmp_path / 'text.h5'
    text.write_text(u'hello')
    for path in (str(text), str(tmp_path / 'missing.h5')):
        with pytest.raises(ModelFileError) as e:
            load_model(path)
        assert path in str(e.value)
    _, path = saved(tmp_path, 'model')
    data = open(path, 'rb').read()
    for cut in (10, len(data) // 2, len(data) - 100):
        with open(path, 'wb') as f:
            f.write(data[:cut])
        with pytest.raises(ModelFileError):
            load_model(path)


def test_compiled_never_fitted_model_round_trip(tmp_path):
    model = small_model(with_slots=False)        # compiled, optimizer never stepped
    path = str(tmp_path / 'm.h5')
    model.save(path)
    loaded = load_model(path)
    assert type(loaded.optimizer) is type(model.optimizer)
    assert loaded.metrics_names == model.metrics_names
    assert same_weights(loaded, model)
    np.testing.assert_array_equal(loaded.predict(x_data()), model.predict(x_data()))
    if 'gradients' in K.unsupported_ops():
        return      # training after loading is shown on the engines that train
    y = np.eye(3)[np.arange(6) % 3]
    model.train_on_batch(x_data(), y)
    loaded.train_on_batch(x_data(), y)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_saved_model_predicts_identically_after_loading(tmp_path):
    model, path = saved(tmp_path, 'model')
    loaded = load_model(path)
    assert same_weights(loaded, model)
    np.testing.assert_array_equal(loaded.predict(x_data(9)), model.predict(x_data(9)))


def test_killed_save_leaves_no_stray_temp_file(tmp_path):
    path = str(tmp_path / 'w.h5')
    with open(str(tmp_path / '.w.h5.tmp'), 'wb') as f:     # what a killed save leaves
        f.write(b'half a file')
    small_model().save_weights(path)
    small_model().save(path)
    assert sorted(os.listdir(str(tmp_path))) == ['w.h5']


def test_saved_file_has_normal_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        path = str(tmp_path / 'm.h5')
        small_model().save(path)
        mode = stat.S_IMODE(os.stat(path).st_mode)
    finally:
        os.umask(old)
    assert mode == 0o644, oct(mode)


def test_keras2_int64_step_counter_loads_but_int_weights_do_not(tmp_path):
    _, path = saved(tmp_path, 'model')
    replace(path, 'optimizer_weights/param_0',
            lambda g, n, old: g.create_dataset(n, data=np.int64(7)))   # as Keras 2 writes
    loaded = load_model(path)
    assert float(K.get_value(loaded.optimizer.iterations)) == 7.
    replace(path, 'optimizer_weights/param_1',
            lambda g, n, old: g.create_dataset(n, data=old.astype('int64')))
    with pytest.raises(ModelFileError) as e:
        load_model(path)
    assert 'param_1' in str(e.value) and 'int64' in str(e.value)


def test_config_asking_for_more_weights_than_the_file_holds_is_refused_unallocated(tmp_path):
    _, path = saved(tmp_path, 'model')
    with h5py.File(path, 'r') as f:
        config = json.loads(f.attrs['model_config'])
    config['config']['layers'][0]['config']['units'] = 10 ** 9    # 4e9 kernel values
    with h5py.File(path, 'r+') as f:
        f.attrs['model_config'] = np.bytes_(json.dumps(config).encode('utf8'))
    with pytest.raises(ModelFileError) as e:
        load_model(path)
    assert 'd1' in str(e.value) and 'more than' in str(e.value), str(e.value)


def test_deeply_nested_json_is_a_model_file_error(tmp_path):
    _, path = saved(tmp_path, 'model')
    with h5py.File(path, 'r+') as f:
        f.attrs['model_config'] = np.bytes_(b'[' * 100000 + b']' * 100000)
    with pytest.raises(ModelFileError):
        load_model(path)
