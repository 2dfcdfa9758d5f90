"""Core ML (iOS/macOS) through coremltools: what Linux can check. Prediction needs macOS."""
import pytest

from minikeras import export
from minikeras.deploy import checks


@pytest.fixture(scope='module')
def package(trained, tmp_path_factory):
    return export.export_model(trained, str(tmp_path_factory.mktemp('coreml') /
                                            'm.mlpackage'), 'coreml')


def test_spec_names_shapes_and_ops(package, trained):
    summary = checks.coreml_summary(package)
    assert summary['coremltools'] == '9.0' and summary['type'] == 'mlProgram'
    assert summary['inputs'] == [{'name': 'conv_input', 'type': 'multiArrayType',
                                  'shape': [None, 28, 28, 1], 'dtype': 'FLOAT32'}]
    assert [o['name'] for o in summary['outputs']] == ['digit']
    assert {'conv', 'max_pool', 'relu', 'softmax'} <= set(summary['ops'])
    _, where, note = checks.coreml_check(package, trained)
    assert 'Linux' in where and 'needs macOS' in note


def test_running_it_here_says_macos(package, trained, digits):
    with pytest.raises(NotImplementedError) as e:
        export.verify(trained, package, 'coreml', digits[2][:2])
    assert 'macOS' in str(e.value) and 'coreml_summary' in str(e.value)


def test_two_outputs_keep_their_names(tmp_path):
    """coremltools names outputs Identity, Identity_1, ... in the order of the sorted output
    names; each is renamed to the model's name: 'alpha' must be the softmax output."""
    import coremltools as ct
    from minikeras.layers import Dense, Input
    from minikeras.models import Model
    x = Input(shape=(4,), name='features')
    model = Model(x, [Dense(3, name='zeta')(x), Dense(2, activation='softmax', name='alpha')(x)])
    path = export.export_model(model, str(tmp_path / 'two.mlpackage'), 'coreml')
    spec = ct.utils.load_spec(path)
    block = list(spec.mlProgram.functions['main'].block_specializations.values())[0]
    producers = dict((o.name, op.type) for op in block.operations for o in op.outputs)
    assert sorted(o.name for o in spec.description.output) == ['alpha', 'zeta']
    assert producers['alpha'] == 'softmax' and producers['zeta'] != 'softmax'
