"""Run worker scripts of these tests alone or under minikeras-launch."""
import os
import shutil
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def require_mpi():
    """Skip (saying why) where the engine uses the generic runtime and it is not
    installed; the CI lanes install it (openmpi-bin, libopenmpi-dev, mpi4py)."""
    import minikeras.backend as K
    if K.distributed_runtime() != 'mpi':
        return          # the engine's own runtime: its launch_plan says what it needs
    if shutil.which('mpiexec') is None:
        pytest.skip('mpiexec not installed: apt-get install openmpi-bin libopenmpi-dev')
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        pytest.skip('mpi4py not installed: pip install mpi4py')


def env():
    e = dict(os.environ)
    e['PYTHONPATH'] = os.pathsep.join([ROOT] + [p for p in sys.path if p])
    for name in list(e):
        if name.startswith(('MINIKERAS_DIST_', 'OMPI_COMM_WORLD')):
            del e[name]
    return e


def run(args, timeout=120):
    """(returncode, stderr text, seconds) of ``python args...``."""
    start = time.time()
    proc = subprocess.run([sys.executable] + list(args), env=env(), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout, cwd=ROOT)
    return (proc.returncode, proc.stderr.decode('utf-8', 'replace') +
            proc.stdout.decode('utf-8', 'replace'), time.time() - start)


def launch(n, args, timeout_s=20, timeout=120):
    """Run ``python args...`` on ``n`` workers with minikeras-launch."""
    return run(['-m', 'minikeras.distribute.launch', '-n', str(n), '--timeout',
                str(timeout_s), '--grace', '5', sys.executable] + list(args), timeout)


def worker(name):
    return os.path.join(HERE, name)
