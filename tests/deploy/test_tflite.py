"""TFLite in LiteRT (ai-edge-litert) on this CPU and on an emulated arm64 CPU (qemu-user,
Debian arm64 root: the Raspberry Pi / Android stand-in), and post-training quantization."""
import os

import numpy as np
import pytest

from minikeras import export
from minikeras.deploy import arm64, checks


@pytest.fixture(scope='module')
def flatbuffer(trained, tmp_path_factory):
    return export.export_model(trained, str(tmp_path_factory.mktemp('tflite') / 'm.tflite'),
                               'tflite')


def test_litert_here_equals_predict(flatbuffer, trained, digits):
    x = digits[2][:100]
    got, where, note = checks.tflite_here(flatbuffer, {'conv_input': x})
    assert where.startswith('ai_edge_litert 2.3.0') and note == ''
    assert np.abs(got['digit'] - trained.predict(x)).max() <= 1e-5


def test_arm64_under_qemu_equals_x86(flatbuffer, trained, digits, arm64_root):
    x = digits[2][:100]
    here, _, _ = checks.tflite_here(flatbuffer, {'conv_input': x})
    got, where, _ = arm64.run_tflite(flatbuffer, {'conv_input': x})
    assert 'aarch64' in where and 'cortex-a72' in where
    assert np.abs(got['digit'] - here['digit']).max() <= 1e-5
    assert np.abs(got['digit'] - trained.predict(x)).max() <= 1e-5
    assert (got['digit'].argmax(1) == here['digit'].argmax(1)).all()


def test_missing_arm64_root_is_not_run_with_the_setup_command(flatbuffer, monkeypatch,
                                                              tmp_path):
    monkeypatch.setenv('MINIKERAS_ARM64_ROOT', str(tmp_path / 'none'))
    with pytest.raises(checks.NotRun) as e:
        arm64.run_tflite(flatbuffer, {'conv_input': np.zeros((1, 28, 28, 1), 'float32')})
    assert 'scripts/arm64-root.sh' in str(e.value)


def test_quantized_models_are_smaller_and_nearly_as_accurate(trained, digits, tmp_path):
    _, _, x, y = digits
    x, y = x[:500], y[:500]
    float_acc = (trained.predict(x).argmax(1) == y).mean()
    sizes = {None: os.path.getsize(export.export_model(trained, str(tmp_path / 'f.tflite'),
                                                       'tflite'))}
    for mode in ('float16', 'int8'):
        options = {'representative_data': digits[0][:200]} if mode == 'int8' else {}
        path = export.export_model(trained, str(tmp_path / (mode + '.tflite')), 'tflite',
                                   quantize=mode, **options)
        sizes[mode] = os.path.getsize(path)
        got, _, _ = checks.tflite_here(path, {'conv_input': x})
        acc = (got['digit'].argmax(1) == y).mean()
        print('%s: %d bytes (float32 %d), accuracy %.3f (float32 %.3f)'
              % (mode, sizes[mode], sizes[None], acc, float_acc))
        assert acc >= float_acc - 0.02
    assert sizes['int8'] < sizes['float16'] < sizes[None]


def test_quantize_arguments_are_checked(trained, tmp_path):
    with pytest.raises(export.ExportError) as e:
        export.export_model(trained, str(tmp_path / 'm.tflite'), 'tflite', quantize='int4')
    assert "'float16', 'int8'" in str(e.value) and "'int4'" in str(e.value)
    with pytest.raises(export.ExportError) as e:
        export.export_model(trained, str(tmp_path / 'm.tflite'), 'tflite', quantize='int8')
    assert 'representative_data' in str(e.value)
    with pytest.raises(TypeError) as e:
        export.export_model(trained, str(tmp_path / 'm.onnx'), 'onnx', quantize='int8')
    assert 'quantize' in str(e.value)
    assert os.listdir(str(tmp_path)) == []
