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
