"""Engine names and config files that cannot be used are clear minikeras errors (checked
in-process: the functions the import-time choice goes through)."""
import pytest

from minikeras.backend import config, loader
from minikeras.backend.errors import ConfigError, EngineError


@pytest.mark.parametrize('name', ['.numpy', '..numpy', 'numpy.', './my_backend.py',
                                  '/abs/path/engine.py', 'pkg/engine', 'C:\\engines\\x',
                                  'my pkg.engine'])
def test_relative_names_and_paths_are_engine_errors(name):
    with pytest.raises(EngineError) as e:
        loader.resolve_module(name)
    assert repr(name) in str(e.value) and 'my_pkg.my_backend' in str(e.value)


def test_dotted_module_paths_are_still_accepted():
    assert loader.resolve_module('my_pkg.my_backend') == 'my_pkg.my_backend'
    assert loader.resolve_module('numpy') == loader.resolve_module('numpy')


def test_non_utf8_config_file_is_a_config_error(tmp_path, monkeypatch):
    path = tmp_path / 'minikeras.json'
    path.write_bytes(b'{"backend": "numpy", "floatx": "float32\xff"}')
    monkeypatch.setenv('MINIKERAS_HOME', str(tmp_path))
    with pytest.raises(ConfigError) as e:
        config.load()
    assert str(path) in str(e.value) and 'UTF-8' in str(e.value)


def test_utf8_config_file_with_bom_is_read(tmp_path, monkeypatch):
    (tmp_path / 'minikeras.json').write_bytes(b'\xef\xbb\xbf{"floatx": "float64"}')
    monkeypatch.setenv('MINIKERAS_HOME', str(tmp_path))
    assert config.load()['floatx'] == 'float64'
