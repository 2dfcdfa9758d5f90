"""TFLite on an arm64 CPU, as a stand-in for a Raspberry Pi 4/5 or an Android phone:
LiteRT (the ``ai-edge-litert`` aarch64 wheel) inside an arm64 Debian 12 root, run by
``qemu-aarch64-static -cpu cortex-a72`` (user-mode emulation of a Raspberry Pi 4's
CPU: the arm64 Python and LiteRT binaries, XNNPACK kernels included, execute on an
emulated Cortex-A72; the root carries a Raspberry Pi 4's /proc/cpuinfo and CPU topology
for LiteRT's CPU detection).

The root is made by ``scripts/arm64-root.sh`` (mmdebstrap from Debian's mirror, the
wheels pinned in requirements/deploy-arm64.txt) under ``~/.cache/minikeras/arm64-root``
(``MINIKERAS_ARM64_ROOT`` overrides)."""
import json
import os
import shutil
import subprocess
import tempfile

import numpy as np

from minikeras.deploy.checks import CheckError, NotRun, tail

HERE = os.path.dirname(os.path.abspath(__file__))
SETUP = ('bash scripts/arm64-root.sh   (needs: apt-get install qemu-user-static '
         'mmdebstrap; builds the arm64 Debian root once, about 20 s)')
PYTHON = '/usr/bin/python3.11'
CPU = 'cortex-a72'    # a Raspberry Pi 4's cores
SITE = '/opt/litert'


def root():
    cache = os.environ.get('MINIKERAS_CACHE') or os.path.join(
        os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache'),
        'minikeras')
    return os.environ.get('MINIKERAS_ARM64_ROOT') or os.path.join(cache, 'arm64-root')


def qemu():
    return shutil.which('qemu-aarch64-static') or shutil.which('qemu-aarch64')


def ready():
    """None when the root and qemu are there, else what is missing."""
    base = root()
    if qemu() is None:
        return 'qemu-aarch64-static is not installed'
    if not os.path.exists(base + PYTHON):
        return 'no arm64 Debian root at %s' % base
    if not os.path.isdir(os.path.join(base + SITE, 'ai_edge_litert')):
        return 'LiteRT is not installed in the arm64 root %s' % base
    return None


def run_tflite(path, feeds, timeout=900):
    """Run the TFLite file on ``feeds`` under qemu-aarch64 in the arm64 root; returns
    (outputs, where, note)."""
    missing = ready()
    if missing:
        raise NotRun('%s: %s' % (missing, SETUP))
    base = root()
    scratch = tempfile.mkdtemp(prefix='run-', dir=os.path.join(base, 'tmp'))
    guest = '/tmp/' + os.path.basename(scratch)
    try:
        shutil.copy(path, os.path.join(scratch, 'model.tflite'))
        shutil.copy(os.path.join(HERE, '_tflite_run.py'), scratch)
        np.savez(os.path.join(scratch, 'inputs.npz'), **feeds)
        # qemu -L maps a guest path into the root only when it exists there
        open(os.path.join(scratch, 'outputs.npz'), 'wb').close()
        env = {'PATH': '/usr/bin:/bin', 'LANG': 'C.UTF-8', 'PYTHONPATH': SITE,
               'PYTHONDONTWRITEBYTECODE': '1'}
        log = os.path.join(scratch, 'log')
        cmd = [qemu(), '-cpu', CPU, '-L', base, base + PYTHON, '-s', guest + '/_tflite_run.py',
               guest + '/model.tflite', guest + '/inputs.npz', guest + '/outputs.npz']
        with open(log, 'wb') as err:
            proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=err,
                                  timeout=timeout)
        if proc.returncode != 0:
            raise CheckError('LiteRT under qemu-aarch64 failed (exit %d):\n%s'
                             % (proc.returncode, tail(log)))
        info = json.loads(proc.stdout.decode('utf8').strip().splitlines()[-1])
        if info['machine'] != 'aarch64':
            raise CheckError('the emulated Python reports machine %r, not aarch64'
                             % info['machine'])
        with np.load(os.path.join(scratch, 'outputs.npz'), allow_pickle=False) as f:
            got = dict((k, f[k]) for k in f.files)
        where = ('ai_edge_litert %s, %s (qemu-aarch64 -cpu %s, Debian 12 arm64 root, '
                 'Python %s)' % (info['litert'], info['machine'], CPU, info['python']))
        return got, where, ''
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
