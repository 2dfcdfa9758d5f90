"""Choosing the engine: environment variable, config file, errors, quiet import.

Each case runs a fresh Python process, since the engine is chosen once per process."""
import importlib.util
import json
import os
import subprocess
import sys

import pytest

import minikeras.backend as K

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENGINE_PACKAGES = {'tensorflow': 'tensorflow', 'cntk': 'cntk', 'mxnet': 'mxnet', 'jax': 'jax'}


def run(code, env_extra=None, home=None):
    env = dict(os.environ)
    env.pop('KERAS_BACKEND', None)
    env['PYTHONPATH'] = REPO + os.pathsep + env.get('PYTHONPATH', '')
    env['MINIKERAS_HOME'] = home or os.path.join(REPO, 'tests', 'no-such-home')
    env.update(env_extra or {})
    proc = subprocess.Popen([sys.executable, '-c', code], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, universal_newlines=True)
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out, err


def test_active_engine_is_the_requested_one():
    wanted = os.environ.get('KERAS_BACKEND')
    if wanted:
        assert K.backend() == wanted
        assert K.backend_source() == 'environment variable KERAS_BACKEND'
    elif K.backend_source() == 'default':
        assert K.backend() == 'tensorflow'
    else:   # no variable: the config file chose, and says the same engine
        source = K.backend_source()
        assert source.startswith('config file ')
        with open(source[len('config file '):]) as f:
            assert json.load(f)['backend'] == K.backend()


def test_unknown_engine_lists_valid_ones():
    code, out, err = run('import minikeras', {'KERAS_BACKEND': 'tensorfloww'})
    assert code != 0
    assert "unknown minikeras engine 'tensorfloww'" in err
    for name in ('tensorflow', 'theano', 'cntk', 'mxnet', 'jax', 'numpy'):
        assert name in err.splitlines()[-1]


def test_engine_not_installed_names_install_command(tmp_path):
    # A package named like the engine that fails to import stands for a missing engine,
    # whatever this environment has installed.
    (tmp_path / 'mxnet').mkdir()
    (tmp_path / 'mxnet' / '__init__.py').write_text(
        'raise ImportError("No module named \'mxnet\' (stand-in)")\n')
    code, out, err = run('import minikeras', {
        'KERAS_BACKEND': 'mxnet',
        'PYTHONPATH': os.pathsep.join([str(tmp_path), REPO, os.environ.get('PYTHONPATH', '')])})
    assert code != 0
    last = err.strip().splitlines()[-1]
    assert "minikeras engine 'mxnet' cannot be loaded" in last
    assert 'pip install "minikeras[mxnet]"' in last


def test_config_file_chooses_engine_and_settings(tmp_path):
    (tmp_path / 'minikeras.json').write_text(json.dumps(
        {'backend': 'numpy', 'floatx': 'float64', 'epsilon': 1e-5,
         'image_data_format': 'channels_first'}))
    code, out, err = run('import minikeras.backend as K; print(K.backend(), K.floatx(), '
                         'K.epsilon(), K.image_data_format()); print(K.backend_source())',
                         home=str(tmp_path))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == 'numpy float64 1e-05 channels_first'
    assert lines[1] == 'config file %s' % (tmp_path / 'minikeras.json')


def test_environment_overrides_config_file(tmp_path):
    (tmp_path / 'minikeras.json').write_text(json.dumps({'backend': 'cntk'}))
    code, out, err = run('import minikeras.backend as K; print(K.backend_source())',
                         {'KERAS_BACKEND': 'numpy'}, home=str(tmp_path))
    assert code == 0, err
    assert out.strip() == 'environment variable KERAS_BACKEND'


def test_default_engine_is_tensorflow():
    code, out, err = run('import minikeras.backend as K; print(K.backend(), K.backend_source())')
    if importlib.util.find_spec('tensorflow') is not None:
        assert code == 0, err
        assert out.strip() == 'tensorflow default'
    else:   # this lane has no TensorFlow: the default is still tried, and named
        assert code != 0
        assert "minikeras engine 'tensorflow' cannot be loaded" in err


@pytest.mark.parametrize('content, fragments', [
    ('{"backend": "numpy",', ['not valid JSON']),
    ('[1, 2]', ['expected a JSON object']),
    ('{"floatx": "float8"}', ["key 'floatx'", 'float8', 'float32']),
    ('{"image_data_format": "nhwc"}', ["key 'image_data_format'", 'nhwc', 'channels_last']),
    ('{"epsilon": -1}', ["key 'epsilon'", '-1']),
    ('{"backed": "numpy"}', ["unknown key 'backed'", 'backend']),
])
def test_malformed_config_is_a_clear_error(tmp_path, content, fragments):
    path = tmp_path / 'minikeras.json'
    path.write_text(content)
    code, out, err = run('import minikeras', {'KERAS_BACKEND': 'numpy'}, home=str(tmp_path))
    assert code != 0
    last = err.strip().splitlines()[-1]
    assert 'ConfigError' in last and str(path) in last
    for fragment in fragments:
        assert fragment in last


def test_import_is_silent_writes_nothing_and_loads_only_the_chosen_engine(tmp_path):
    engine = K.backend()
    implementation = K.engine_info().get('implementation')
    others = [p for e, p in ENGINE_PACKAGES.items() if e != engine] + \
        [p for p in ('theano', 'pytensor') if p != implementation]
    code, out, err = run(
        'import sys, minikeras; import minikeras.layers, minikeras.models; '
        'print(sorted(m for m in %r if m in sys.modules))' % (others,),
        {'KERAS_BACKEND': engine}, home=str(tmp_path / 'home'))
    assert code == 0, err
    assert out.strip() == '[]'
    assert err == ''
    assert not (tmp_path / 'home').exists()


def test_custom_engine_by_module_path(tmp_path):
    pkg = tmp_path / 'mypkg'
    pkg.mkdir()
    (pkg / '__init__.py').write_text('')
    (pkg / 'engine.py').write_text('from minikeras.backend.numpy import *\n'
                                   'from minikeras.backend.numpy import engine_info\n'
                                   'def dot(x, y, extra=None):\n    return x\n'
                                   'del relu\n')
    (pkg / 'good.py').write_text('from minikeras.backend.numpy import *\n'
                                 'from minikeras.backend.numpy import engine_info\n')
    env = {'PYTHONPATH': str(tmp_path) + os.pathsep + REPO}
    env['KERAS_BACKEND'] = 'mypkg.engine'
    code, out, err = run('import minikeras', env)
    assert code != 0
    last = err.strip().splitlines()[-1]
    assert 'breaks the backend contract' in last
    assert 'missing ops: relu' in last
    assert 'dot: expected (x, y), found (x, y, extra=None)' in last
    env['KERAS_BACKEND'] = 'mypkg.good'
    code, out, err = run('import minikeras.backend as K; print(K.backend())', env)
    assert code == 0, err
    assert out.strip() == 'mypkg.good'
