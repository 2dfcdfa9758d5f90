"""Crafted model files: in safe mode (the default) no module/name trick runs code -- not
while loading, not at predict -- and the marker file the named code would write never
appears. Users' own functions load through custom_objects, custom_object_scope or
register_keras_serializable; safe_mode=False runs what the file names (and the marker
appears, which shows these tests have teeth)."""
import json
import os

import h5py
import numpy as np
import pytest

from minikeras import layers
from minikeras.layers import Dense, Input, Lambda, TimeDistributed
from minikeras.models import Model, Sequential, load_model, model_from_json, model_from_yaml
from minikeras.saving import (SafeModeError, custom_object_scope,
                              register_keras_serializable)
from minikeras.utils.generic_utils import func_dump

EVIL = {'module': 'tests.saving.evil_module', 'name': 'touch'}


@register_keras_serializable(package='safe_mode_test')
def doubled(x):
    return x * 2.


def identity_shape(input_shape):
    return input_shape


@pytest.fixture
def marker(tmp_path, monkeypatch):
    path = str(tmp_path / 'MARKER')
    monkeypatch.setenv('MINIKERAS_TEST_MARKER', path)
    return path


def lambda_model():
    inp = Input((3,), name='x')
    out = Lambda(doubled, name='lam')(Dense(2, name='dense')(inp))
    return Model(inp, out)


def crafted_config(edit):
    """The JSON config of ``lambda_model`` with its Lambda layer's config edited."""
    config = json.loads(lambda_model().to_json())
    for entry in config['config']['layers']:
        if entry['class_name'] == 'Lambda':
            edit(entry)
    return config


def _set(**items):
    def edit(entry):
        entry['config'].update(items)
    return edit


def keras2_bytecode(entry):
    def evil(x):
        import os as o
        o.system('touch ' + o.environ.get('MINIKERAS_TEST_MARKER', '/dev/null'))
        return x
    entry['config'].update(function=func_dump(evil), function_type='lambda')


def keras2_bare_name(entry):
    entry['config'].update(function='touch', function_type='function',
                           module='tests.saving.evil_module')


CRAFTED = {
    'function by module/name': _set(function=EVIL),
    'attribute walk': _set(function={'module': 'minikeras.backend',
                                     'name': 'importlib.import_module'}),
    'registered name pointing elsewhere': _set(function=dict(EVIL, registered_name='x>touch')),
    'mask function': _set(mask=EVIL, mask_type='function'),
    'output_shape function': _set(output_shape=EVIL, output_shape_type='function'),
    'Keras 2 bytecode': keras2_bytecode,
    'Keras 2 bare name and module': keras2_bare_name,
}


def _save_with_config(path, config):
    lambda_model().save(path)
    with h5py.File(path, 'r+') as f:
        f.attrs['model_config'] = np.bytes_(json.dumps(config).encode('utf8'))


@pytest.mark.parametrize('case', sorted(CRAFTED))
def test_crafted_function_references_are_refused(case, marker, tmp_path):
    config = crafted_config(CRAFTED[case])
    path = str(tmp_path / 'crafted.h5')
    _save_with_config(path, config)
    with pytest.raises(SafeModeError) as e:
        load_model(path)
    assert "'lam' (Lambda)" in str(e.value) and 'safe_mode=False' in str(e.value)
    with pytest.raises(SafeModeError):
        model_from_json(json.dumps(config))
    with pytest.raises(SafeModeError):
        layers.deserialize([l for l in config['config']['layers']
                            if l['class_name'] == 'Lambda'][0])
    assert not os.path.exists(marker), open(marker).read()


def test_error_names_layer_and_reference(marker):
    with pytest.raises(SafeModeError) as e:
        model_from_json(json.dumps(crafted_config(_set(function=EVIL))))
    assert "layer 'lam' (Lambda)" in str(e.value)
    assert 'tests.saving.evil_module.touch' in str(e.value)
    assert not os.path.exists(marker)


def test_nested_layer_configs_are_checked_too(marker):
    inp = Input((4, 3))
    out = TimeDistributed(Lambda(doubled, output_shape=(3,), name='lam'), name='td')(inp)
    config = json.loads(Model(inp, out).to_json())
    td = [l for l in config['config']['layers'] if l['class_name'] == 'TimeDistributed'][0]
    td['config']['layer']['config']['function'] = EVIL
    with pytest.raises(SafeModeError):
        model_from_json(json.dumps(config))
    assert not os.path.exists(marker)


def test_unknown_class_names_are_not_imported(marker):
    config = crafted_config(lambda e: e.update(class_name='tests.saving.evil_module.touch'))
    with pytest.raises(ValueError) as e:
        model_from_json(json.dumps(config))
    assert 'Unknown layer' in str(e.value)
    config = crafted_config(lambda e: None)
    config['class_name'] = 'tests.saving.evil_module.touch'
    with pytest.raises(ValueError):
        model_from_json(json.dumps(config))
    assert not os.path.exists(marker)


def test_node_call_arguments_are_whitelisted_data(marker):
    def with_kwargs(kwargs):
        config = crafted_config(lambda e: None)
        for entry in config['config']['layers']:
            if entry['name'] == 'lam':
                entry['inbound_nodes'][0][0][3] = kwargs
        return config
    with pytest.raises(ValueError) as e:
        model_from_json(json.dumps(with_kwargs({'function': EVIL})))
    assert "'function'" in str(e.value) and 'training' in str(e.value)
    from minikeras.models.model_config import model_from_config
    from tests.saving import evil_module
    with pytest.raises(ValueError) as e:
        model_from_config(with_kwargs({'training': evil_module.touch}))
    assert 'plain data' in str(e.value)
    model_from_json(json.dumps(with_kwargs({'training': False})))   # documented: accepted
    os.remove(marker)   # the test imported evil_module itself above


def test_user_functions_load_through_custom_objects_scope_or_registry(marker, tmp_path):
    model = lambda_model()
    x = np.arange(6, dtype='float32').reshape(2, 3)
    path = str(tmp_path / 'm.h5')
    model.save(path)
    # registered: loads in safe mode as is
    np.testing.assert_array_equal(load_model(path).predict(x), model.predict(x))
    # a plain function by name: custom_objects or a scope
    inp = Input((3,))
    plain = Model(inp, Lambda(identity_shape, output_shape=identity_shape)(inp))
    with pytest.raises(SafeModeError):
        model_from_json(plain.to_json())
    model_from_json(plain.to_json(), custom_objects={'identity_shape': identity_shape})
    with custom_object_scope({'identity_shape': identity_shape}):
        model_from_json(plain.to_json())
    # backend ops need nothing
    seq = Sequential([Lambda(__import__('minikeras.backend', fromlist=['K']).square,
                             input_shape=(3,))])
    np.testing.assert_allclose(model_from_json(seq.to_json()).predict(x), x ** 2)
    assert not os.path.exists(marker)


def test_safe_mode_false_runs_what_the_file_names(marker, tmp_path):
    """The teeth: the same crafted file with safe_mode=False does run the named code."""
    path = str(tmp_path / 'crafted.h5')
    _save_with_config(path, crafted_config(_set(function=EVIL)))
    model = load_model(path, safe_mode=False)
    model.predict(np.zeros((1, 3), 'float32'))
    assert os.path.exists(marker)


def test_safe_mode_of_the_outer_call_wins_in_nested_deserialization(marker):
    inp = Input((4, 3))
    out = TimeDistributed(Lambda(identity_shape, output_shape=(3,), name='lam'),
                          name='td')(inp)
    text = Model(inp, out).to_json()
    model_from_json(text, safe_mode=False)       # the nested deserialize inherits False
    with pytest.raises(SafeModeError):
        model_from_json(text)


def test_yaml_round_trip_and_safe_mode(marker):
    pytest.importorskip('yaml', reason='model_from_yaml needs PyYAML (pip install pyyaml)')
    model = lambda_model()
    clone = model_from_yaml(model.to_yaml())
    assert [type(l).__name__ for l in clone.layers] == ['InputLayer', 'Dense', 'Lambda']
    import yaml
    crafted = yaml.safe_dump(crafted_config(_set(function=EVIL)))
    with pytest.raises(SafeModeError):
        model_from_yaml(crafted)
    with pytest.raises(ValueError) as e:     # Python tags are not YAML data
        model_from_yaml("!!python/object/apply:os.system ['touch %s']" % marker)
    assert 'not valid YAML' in str(e.value)
    assert not os.path.exists(marker)


def test_yaml_missing_says_how_to_install(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, 'yaml', None)
    with pytest.raises(ImportError) as e:
        lambda_model().to_yaml()
    assert 'pip install pyyaml' in str(e.value)


@register_keras_serializable(package='safe_mode_test')
class Scale(layers.Layer):
    def __init__(self, factor=2., **kwargs):
        super(Scale, self).__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return inputs * self.factor

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super(Scale, self).get_config()
        config['factor'] = self.factor
        return config


def test_registered_layer_class_round_trips_in_safe_mode(tmp_path):
    model = Sequential([Dense(2, input_shape=(3,)), Scale(3., name='scale')])
    assert layers.serialize(model.layers[1])['class_name'] == 'safe_mode_test>Scale'
    path = str(tmp_path / 'm.h5')
    model.save(path)
    loaded = load_model(path)
    assert type(loaded.layers[1]) is Scale and loaded.layers[1].factor == 3.
    x = np.ones((2, 3), 'float32')
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    with pytest.raises(ValueError):
        register_keras_serializable(package='safe_mode_test')(type('Scale', (), {}))
