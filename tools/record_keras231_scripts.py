"""Record what real Keras 2.3.1 prints for the scripts in tests/keras231_scripts/ (their
``R <name> <json>`` lines) into tests/keras231_scripts/expected/<script>.json, which
tests/test_keras231_scripts.py compares minikeras with on every engine.

Run with a Keras 2.3.1 environment (NOT minikeras), e.g. the one of
tools/make_keras231_fixtures.py:

    python3.6 -m venv /tmp/keras231 && /tmp/keras231/bin/pip install 'pip<22'
    /tmp/keras231/bin/pip install tensorflow-cpu==2.2.3 keras==2.3.1 'numpy<1.19' \\
        'h5py<3' scipy pyyaml
    /tmp/keras231/bin/python tools/record_keras231_scripts.py [script.py ...]

Keras 2.3.1 calls ``tf.config.experimental_list_devices``, which TensorFlow 2.2 no
longer has; this tool gives it back (CPU only) in the scripts' processes.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(HERE, '..', 'tests', 'keras231_scripts')
sys.path.insert(0, SCRIPTS)
from k2report import parse_report  # noqa: E402

SHIM = ("import tensorflow as tf; tf.config.experimental_list_devices = lambda: "
        "['/job:localhost/replica:0/task:0/device:CPU:0']; import runpy, sys; "
        "sys.argv = sys.argv[1:]; sys.path.insert(0, '.'); "
        "runpy.run_path(sys.argv[0], run_name='__main__')")


def record(script):
    env = dict(os.environ, KERAS_BACKEND='tensorflow', PYTHONHASHSEED='0')
    proc = subprocess.run([sys.executable, '-c', SHIM, script], cwd=SCRIPTS, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    if proc.returncode != 0:
        raise SystemExit('%s failed under Keras 2.3.1:\n%s' % (script, proc.stderr[-3000:]))
    import keras
    out = {'keras': keras.__version__, 'backend': 'tensorflow', 'values': parse_report(proc.stdout)}
    path = os.path.join(SCRIPTS, 'expected', script[:-3] + '.json')
    with open(path, 'w') as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write('\n')
    print('%s: %d values' % (path, len(out['values'])))


def main(argv):
    scripts = argv or sorted(n for n in os.listdir(SCRIPTS)
                             if n.endswith('.py') and n != 'k2report.py')
    for script in scripts:
        record(os.path.basename(script))


if __name__ == '__main__':
    main(sys.argv[1:])
