"""Keras 2.3.1 scripts run unchanged under ``minikeras-run`` on this lane's engine and
print what real Keras 2.3.1 printed (tests/keras231_scripts/expected/, recorded on its
TensorFlow backend by tools/record_keras231_scripts.py): values to float32 training
precision, names, shapes, configs, and which exceptions are raised."""
import json
import math
import os
import subprocess
import sys

import pytest

import minikeras.backend as K

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'keras231_scripts')
sys.path.insert(0, HERE)
from k2report import parse_report  # noqa: E402

SCRIPTS = sorted(n[:-5] for n in os.listdir(os.path.join(HERE, 'expected')))
RTOL = 2e-3   # a few float32 training steps; values are printed rounded to 1e-4


# All scripts run in one process (the engine is imported once), each as its own
# ``__main__`` after ``K.clear_session()`` (fresh layer names, as a new process has).
RUNNER = """
import io, runpy, sys, traceback, contextlib
from minikeras import install_keras_alias
install_keras_alias()
import keras.backend as K
sys.path.insert(0, '.')
for name in sys.argv[1:]:
    K.clear_session()
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(name + '.py', run_name='__main__')
        status = 'ok'
    except BaseException:
        status = traceback.format_exc()[-3000:]
    sys.stdout.write(json.dumps({'script': name, 'stdout': out.getvalue(),
                                 'status': status}) + chr(10))
""".replace('import io,', 'import io, json,')


@pytest.fixture(scope='module')
def results():
    """{script: (status, values)} of one run of every script on this engine."""
    env = dict(os.environ, KERAS_BACKEND=K.backend(), PYTHONHASHSEED='0')
    root = os.path.dirname(os.path.dirname(HERE))
    env['PYTHONPATH'] = os.pathsep.join([root] + [p for p in [env.get('PYTHONPATH')] if p])
    proc = subprocess.run([sys.executable, '-c', RUNNER] + SCRIPTS, cwd=HERE, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-4000:]
    out = {}
    for line in proc.stdout.splitlines():
        if line.startswith('{'):
            entry = json.loads(line)
            out[entry['script']] = (entry['status'], parse_report(entry['stdout']))
    return out


def same(expected, got):
    if isinstance(expected, dict) and set(expected) == {'raised'}:
        # the exception is (at least) every built-in kind Keras's was
        return isinstance(got, dict) and set(expected['raised']) <= set(got.get('raised', []))
    if isinstance(expected, bool) or isinstance(got, bool):
        return expected == got
    if isinstance(expected, (int, float)) and isinstance(got, (int, float)):
        if isinstance(expected, float) and math.isnan(expected):
            return isinstance(got, float) and math.isnan(got)
        return abs(expected - got) <= RTOL * max(1., abs(expected), abs(got))
    if isinstance(expected, list) and isinstance(got, list):
        return len(expected) == len(got) and all(same(a, b) for a, b in zip(expected, got))
    if isinstance(expected, dict) and isinstance(got, dict):
        return sorted(expected) == sorted(got) and all(same(expected[k], got[k])
                                                       for k in expected)
    return expected == got


@pytest.mark.parametrize('name', SCRIPTS)
def test_keras231_script_runs_unchanged_with_keras_results(name, results):
    with open(os.path.join(HERE, 'expected', name + '.json')) as f:
        expected = json.load(f)['values']
    status, got = results[name]
    assert status == 'ok', status
    wrong = ['%s: Keras 2.3.1 %s, minikeras %s' % (key, json.dumps(value)[:400],
                                                   json.dumps(got.get(key, 'nothing'))[:400])
             for key, value in sorted(expected.items())
             if not same(value, got.get(key, ['missing']))]
    assert not wrong, '\n'.join(wrong)
