"""The per-engine test matrix: one nox session per engine lane.

Each lane is one virtual environment (its own Python, one engine, KERAS_BACKEND set)
that runs the one pytest suite in ``tests/``. Use the wrappers:

    scripts/test-matrix.sh [lane ...]      build the lanes, run the suite, print the summary
    scripts/test-matrix.sh --build-only    only build (or reuse) every lane's environment

or nox directly (``nox -s tensorflow -- -k dense``; ``nox -l`` lists the lanes).

Environments live outside the clone, in ``$MINIKERAS_CACHE/envs/<lane>-<key>``
(``MINIKERAS_CACHE`` defaults to ``~/.cache/minikeras``); ``<key>`` hashes the lane's
pinned requirements, Python version, apt packages and ``RECIPE_VERSION``, so an
environment is reused while they match and rebuilt when one changes. Theano's and
PyTensor's C compile caches live under the same folder, so warm runs skip C compiles.

Per-lane results go to ``$MINIKERAS_RESULTS/<lane>/`` (default ``build/test-matrix``):
``junit.xml`` and ``status.json``, read by ``tools/matrix_summary.py``.

Session arguments after ``--`` go to pytest, except ``--build-only`` (build the
environment and check the engine imports, run no tests). A path among them replaces the
lane's default test paths.
"""
import glob
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import time

import nox

REPO = os.path.dirname(os.path.abspath(__file__))
CACHE = os.environ.get('MINIKERAS_CACHE') or os.path.join(
    os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache'),
    'minikeras')
ENVS = os.path.join(CACHE, 'envs')
RESULTS = os.environ.get('MINIKERAS_RESULTS') or os.path.join(REPO, 'build', 'test-matrix')

# Bump when a build step below changes in a way the requirements files do not show:
# every lane's environment is then rebuilt once.
RECIPE_VERSION = '1'

# The lanes. ``python``: the X.Y found through pyenv (``$(pyenv root)/versions/X.Y*``)
# or ``pythonX.Y`` on PATH. ``env`` values may use {cache}. ``check``: code run once after
# a build; its last printed line is the engine version shown in the summary.
_MPI_APT = ['graphviz', 'openmpi-bin', 'libopenmpi-dev']


def _lane(name, python, backend, check, engine=None, tests=('tests',), **extra):
    """A LANES entry: requirements/<name>.txt, the suite's ``tests`` paths, the rest as
    given (``apt``, ``env``, ``timeout``, ``pre_pip``, ``export_via``, ...)."""
    spec = {'python': python, 'backend': backend, 'engine': engine or name,
            'requirements': 'requirements/%s.txt' % name, 'tests': list(tests),
            'check': check}
    spec.update((key, list(value) if isinstance(value, list) else value)
                for key, value in extra.items())
    return spec


LANES = {
    'tensorflow': _lane(
        'tensorflow', '3.11', 'tensorflow', apt=_MPI_APT, timeout=1800,
        check='import tensorflow as tf; float(tf.reduce_sum(tf.ones((2, 2)))); '
              'print(tf.__version__)'),
    'pytensor': _lane(
        'pytensor', '3.11', 'theano',
        # exports (tests/test_export.py) go through the tensorflow lane's interpreter,
        # which runs before this lane in the same queue: the non-TF export path is tested
        export_via='tensorflow',
        apt=['libopenblas-dev', 'g++'] + _MPI_APT,
        # The suite runs with the Python linker (no C compiles: a cold lane stays short);
        # tests/backend/test_theano_specific.py checks the C linker trains the same.
        env={'PYTENSOR_FLAGS': 'base_compiledir={cache}/pytensor,mode=FAST_COMPILE,'
                               'blas__ldflags=-lopenblas'},
        timeout=3300,
        check='import pytensor, pytensor.tensor as pt; x = pt.dmatrix(); '
              'f = pytensor.function([x], pt.dot(x, x).sum()); '
              'assert f([[1., 2.], [3., 4.]]) == 54.0; print(pytensor.__version__)'),
    'mxnet': _lane(
        'mxnet', '3.11', 'mxnet', apt=_MPI_APT,
        check='import mxnet as mx; assert mx.nd.ones((2, 2)).sum().asscalar() == 4; '
              'print(mx.__version__)'),
    'theano36': _lane(
        'theano36', '3.6', 'theano', engine='theano', pre_pip=['pip<22'],
        apt=['libopenblas-dev', 'g++'] + _MPI_APT,
        # As for pytensor: the Python linker; Theano's CorrMM convolution is C-only, so
        # the suite keeps the abstract convolution op, which has a Python implementation.
        env={'THEANO_FLAGS': 'base_compiledir={cache}/theano,mode=FAST_COMPILE,'
                             'optimizer_excluding=conv_gemm:AbstractConvCheck,'
                             'blas.ldflags=-lopenblas'},
        timeout=2400,
        check='import theano, theano.tensor as T; x = T.dmatrix(); '
              'f = theano.function([x], T.dot(x, x).sum()); '
              'assert f([[1., 2.], [3., 4.]]) == 54.0; print(theano.__version__)'),
    'cntk36': _lane(
        'cntk36', '3.6', 'cntk', engine='cntk', pre_pip=['pip<22'],
        apt=['libopenmpi3', 'openmpi-bin', 'graphviz'], post_install='link_cntk_mpi',
        timeout=1500,
        check='import cntk as C, numpy as np; '
              'r = C.times(np.array([[1., 2.]], "f"), np.array([[3.], [4.]], "f")).eval(); '
              'assert float(r.ravel()[0]) == 11.0; print(C.__version__)'),
    # JAX 0.11+ needs Python >= 3.12; exports go through the tensorflow lane (3.11)
    'jax': _lane(
        'jax', '3.12', 'jax', export_via='tensorflow', apt=_MPI_APT, timeout=1800,
        check='import jax, jax.numpy as jnp; assert float(jnp.ones((2, 2)).sum()) == 4; '
              'print(jax.__version__)'),
    # tests/saving: engine-free loading checks and the loader fuzz test (issue 11)
    # tests/distribute: the engine-free parts of data-parallel training (issue 16)
    'numpy': _lane(
        'numpy', '3.11', 'numpy', tests=['tests/backend', 'tests/saving', 'tests/distribute'],
        apt=['openmpi-bin', 'libopenmpi-dev'], check='import numpy; print(numpy.__version__)'),
    # Deployment targets run for real (docs/DEPLOY.md): TF Serving's REST API, Chromium +
    # Node.js (npm ci), LiteRT on x86 and on arm64 under qemu, Core ML spec checks.
    # tests/deploy is collected only here (tests/conftest.py); `setup` runs every time
    # (it skips what is done: apt packages, deploy/web/node_modules, the arm64 root).
    'deploy': _lane(
        'deploy', '3.11', 'tensorflow', engine='tensorflow', tests=['tests/deploy'],
        setup='scripts/deploy-setup.sh',
        check='import tensorflow as tf, ai_edge_litert, coremltools; print(tf.__version__)'),
}

# What the NOT RUN message suggests installing when a lane's Python is missing.
SUGGESTED_PYTHON = {'3.6': '3.6.15', '3.11': '3.11.7', '3.12': '3.12.1'}

# Minutes each lane takes (build + tests) with cold caches on a busy 2-core machine, as
# estimated before the cold run of 56bbd85 (2026-12-03 evening), which measured pytensor
# 29, theano36 20, tensorflow 16, jax 13, cntk36 12, mxnet 9, deploy 3, numpy 2 with the
# queues these make (50 and 54 minutes); scripts/test-matrix.sh splits the lanes into two
# queues of similar total that run side by side.
LANE_WEIGHT = {'theano36': 14, 'pytensor': 28, 'tensorflow': 15, 'mxnet': 8, 'cntk36': 13,
               'jax': 13, 'numpy': 1, 'deploy': 6}


def export_targets(lanes):
    """The lanes whose interpreter other selected lanes export through (``export_via``):
    scripts/test-matrix.sh builds them before the queues start."""
    return sorted(set(LANES[l].get('export_via') for l in lanes) & set(lanes))


def lane_queues(lanes, n=2):
    """Split ``lanes`` into ``n`` queues of similar total weight (heaviest first, each to
    the lightest queue); each queue keeps the order of ``lanes``."""
    queues = [[] for _ in range(n)]
    totals = [0] * n
    for lane in sorted(lanes, key=lambda l: -LANE_WEIGHT.get(l, 5)):
        i = totals.index(min(totals))
        queues[i].append(lane)
        totals[i] += LANE_WEIGHT.get(lane, 5)
    rank = dict((l, k) for k, l in enumerate(lanes))
    return [sorted(q, key=rank.get) for q in queues if q]


# What `scripts/test-matrix.sh` (and plain `nox`) runs. Edit this line as adapters land.
DEFAULT_LANES = ['tensorflow', 'pytensor', 'theano36', 'mxnet', 'cntk36', 'jax', 'numpy',
                 'deploy']

# The engine lanes whose Python the R lane (scripts/r-lane.sh, r/) runs on after them.
R_LANES = ['tensorflow', 'cntk36']

# Which lane `scripts/run-example.sh` uses for each KERAS_BACKEND value.
EXAMPLE_LANE = {'tensorflow': 'tensorflow', 'theano': 'pytensor', 'cntk': 'cntk36',
                'mxnet': 'mxnet', 'jax': 'jax', 'numpy': 'numpy'}

nox.options.sessions = list(DEFAULT_LANES)
nox.options.envdir = ENVS
nox.options.reuse_venv = 'yes'
if hasattr(nox.options, 'download_python'):
    nox.options.download_python = 'never'

# A lane's pytest run is stopped after this many seconds (so one hung lane cannot eat
# the CI's time): the lane's own 'timeout', else 1200. MINIKERAS_LANE_TIMEOUT overrides
# every lane's, 0 turns the limit off.
LANE_TIMEOUT_OVERRIDE = os.environ.get('MINIKERAS_LANE_TIMEOUT')


def lane_timeout(lane):
    if LANE_TIMEOUT_OVERRIDE:
        return int(LANE_TIMEOUT_OVERRIDE)
    return int(LANES[lane].get('timeout', 1200))

# Runs pytest and records its exit status (nox does not hand the status back).
_PYTEST = ('import sys, pytest\n'
           'rc = int(pytest.main(sys.argv[2:]))\n'
           'open(sys.argv[1], "w").write(str(rc))\n'
           'sys.exit(rc)\n')


# ---------------------------------------------------------------------------- helpers
def _pyenv_root():
    root = os.environ.get('PYENV_ROOT')
    if not root and shutil.which('pyenv'):
        try:
            root = subprocess.check_output(['pyenv', 'root'], universal_newlines=True,
                                           stderr=subprocess.DEVNULL).strip()
        except (OSError, subprocess.CalledProcessError):
            root = None
    return root or os.path.join(os.path.expanduser('~'), '.pyenv')


def _version_tuple(text):
    return tuple(int(p) for p in re.findall(r'\d+', text))


def find_python(xy):
    """Return (interpreter path, full version) for Python ``xy`` ('3.6'), or (None, None)."""
    root = _pyenv_root()
    candidates = [p for p in glob.glob(os.path.join(root, 'versions', xy + '*', 'bin', 'python'))
                  if re.match(re.escape(xy) + r'(\.\d+)?$',
                              os.path.basename(os.path.dirname(os.path.dirname(p))))]
    candidates.sort(key=lambda p: _version_tuple(os.path.basename(
        os.path.dirname(os.path.dirname(p)))), reverse=True)
    on_path = shutil.which('python' + xy)
    if on_path:
        candidates.append(on_path)
    for path in candidates:
        # Ask the interpreter itself: a pyenv shim answers with the real executable.
        try:
            out = subprocess.check_output(
                [path, '-c', 'import os, platform, sys; '
                 'print(platform.python_version()); print(os.path.realpath(sys.executable))'],
                universal_newlines=True, stderr=subprocess.DEVNULL).split()
        except (OSError, subprocess.CalledProcessError):
            continue
        if len(out) == 2 and (out[0] == xy or out[0].startswith(xy + '.')):
            return out[1], out[0]
    return None, None


def lane_key(lane, python_path, python_version):
    spec = LANES[lane]
    try:
        with open(os.path.join(REPO, spec['requirements']), 'rb') as f:
            requirements = f.read().decode('utf-8')
    except OSError:
        requirements = None   # _build reports it
    blob = json.dumps({'recipe': RECIPE_VERSION, 'lane': lane, 'python': python_version,
                       'python_path': python_path, 'requirements': requirements,
                       'apt': spec.get('apt', []), 'pre_pip': spec.get('pre_pip', []),
                       'post_install': spec.get('post_install'), 'check': spec['check']},
                      sort_keys=True)
    return hashlib.sha256(blob.encode('utf-8')).hexdigest()[:12]


def lane_env(lane):
    """Environment variables a lane's commands run with (besides KERAS_BACKEND)."""
    env = {}
    for name, value in LANES[lane].get('env', {}).items():
        value = value.format(cache=CACHE)
        user = os.environ.get(name)
        # The user's own flags come last, so they win (Theano and PyTensor read the last).
        env[name] = value + ',' + user if user else value
    return env


def _read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def _write_json(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(data, f, indent=2, sort_keys=True)
    os.replace(tmp, path)


def _last_line(text):
    lines = [line.strip() for line in (text or '').splitlines() if line.strip()]
    return lines[-1] if lines else ''


def link_cntk_mpi(session):
    """CNTK 2.7 links OpenMPI 1.10 sonames; point them at Debian's OpenMPI (BACKENDS.md)."""
    site = _last_line(session.run('python', '-c',
                                  'import sysconfig; print(sysconfig.get_paths()["purelib"])',
                                  silent=True))
    libs = os.path.join(site, 'cntk', 'libs')
    for soname, target_name in (('libmpi.so.12', 'libmpi.so.40'),
                                ('libmpi_cxx.so.1', 'libmpi_cxx.so.40')):
        targets = sorted(glob.glob('/usr/lib/*/' + target_name)
                         + glob.glob('/usr/lib/' + target_name))
        if not targets:
            session.error('CNTK needs %s from Debian\'s libopenmpi3, and it is not installed'
                          % target_name)
        link = os.path.join(libs, soname)
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(targets[0], link)
        session.log('linked %s -> %s' % (link, targets[0]))


# ---------------------------------------------------------------------------- the lanes
def _build(session, lane, key, python_version, status):
    """Make the lane's environment ready; return (engine version, built now?)."""
    spec = LANES[lane]
    venv = session.virtualenv.location
    stamp_path = os.path.join(venv, '.minikeras-stamp.json')
    stamp = _read_json(stamp_path)
    if spec.get('apt'):
        status['step'] = 'apt-get install ' + ' '.join(spec['apt'])
        session.run('bash', os.path.join(REPO, 'scripts', 'apt-install.sh'), *spec['apt'],
                    external=True)
    built = False
    if stamp.get('key') != key:
        built = True
        if not os.path.isfile(os.path.join(REPO, spec['requirements'])):
            session.error('%s is missing (make it with scripts/lock-requirements.sh %s)'
                          % (spec['requirements'], lane))
        session.log('building the %s environment in %s' % (lane, venv))
        status['step'] = 'pip install -r ' + spec['requirements']
        if spec.get('pre_pip'):
            session.install('-U', *spec['pre_pip'])
        session.install('-r', os.path.join(REPO, spec['requirements']))
        if spec.get('post_install'):
            status['step'] = spec['post_install']
            globals()[spec['post_install']](session)
        status['step'] = 'the %s import check' % spec['engine']
        version = _last_line(session.run('python', '-c', spec['check'], silent=True))
        _write_json(stamp_path, {'key': key, 'lane': lane, 'python': python_version,
                                 'engine_version': version, 'built_at': time.time()})
        # Environments of this lane with other keys are stale now.
        for old in glob.glob(os.path.join(ENVS, lane + '-*')):
            if (re.match(re.escape(lane) + r'-[0-9a-f]{12}$', os.path.basename(old))
                    and os.path.abspath(old) != os.path.abspath(venv)):
                session.log('removing stale environment %s' % old)
                shutil.rmtree(old, ignore_errors=True)
        stamp = _read_json(stamp_path)
    else:
        session.log('reusing the %s environment %s (key %s)' % (lane, venv, key))
    if spec.get('setup'):
        status['step'] = spec['setup']
        session.run('bash', os.path.join(REPO, spec['setup']), external=True)
    status['step'] = 'pip install -e . (minikeras itself)'
    # minikeras itself, editable, from this clone (re-pointed when the clone moved).
    origin = _last_line(session.run(
        'python', '-c', 'import sys, importlib.util as u; '
        'sys.path[:] = [p for p in sys.path if p != ""]; '
        's = u.find_spec("minikeras"); print(s.origin if s else "")', silent=True))
    if os.path.dirname(os.path.dirname(origin or '/')) != REPO:
        session.run('python', '-m', 'pip', 'install', '-q', '--no-deps',
                    '--no-build-isolation', '-e', REPO, silent=True)
    # A pointer for scripts/run-example.sh: the interpreter and the lane's variables.
    lines = ['MINIKERAS_LANE_PYTHON=%s' % shlex.quote(os.path.join(session.bin, 'python'))]
    lines += ['export %s=%s' % (k, shlex.quote(v)) for k, v in sorted(lane_env(lane).items())]
    with open(os.path.join(ENVS, lane + '.sh'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return stamp.get('engine_version', '?'), built


def _run_lane(session, lane, key, python_path, python_version):
    spec = LANES[lane]
    args = list(session.posargs)
    build_only = '--build-only' in args
    args = [a for a in args if a != '--build-only']
    out = os.path.join(RESULTS, lane)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    status_path = os.path.join(out, 'status.json')
    status = {'lane': lane, 'python': python_version, 'python_path': python_path,
              'backend': spec['backend'], 'engine': spec['engine'], 'key': key,
              'env': session.virtualenv.location, 'state': 'building'}
    _write_json(status_path, status)
    session.env.update(lane_env(lane))
    session.env['MINIKERAS_HOME'] = os.path.join(out, 'home')   # no user config file
    start = time.time()
    try:
        version, built = _build(session, lane, key, python_version, status)
    except BaseException as e:  # nox reports failures by exceptions; record, re-raise
        status.update(state='build_failed', build_seconds=round(time.time() - start, 1),
                      reason='environment build failed at %s: %s'
                      % (status.get('step', 'start'), str(e) or type(e).__name__))
        _write_json(status_path, status)
        raise
    status.pop('step', None)
    status.update(state='built', engine_version=version, built_now=built,
                  build_seconds=round(time.time() - start, 1))
    _write_json(status_path, status)
    session.log('%s: %s %s on Python %s, environment %s in %.1f s' % (
        lane, spec['engine'], version, python_version, 'built' if built else 'reused',
        status['build_seconds']))
    if build_only:
        return

    session.env['KERAS_BACKEND'] = spec['backend']
    via = spec.get('export_via')
    if via and 'MINIKERAS_EXPORT_PYTHON' not in os.environ:
        via_path, via_version = find_python(LANES[via]['python'])
        if via_path:
            python = os.path.join(ENVS, '%s-%s' % (via, lane_key(via, via_path, via_version)),
                                  'bin', 'python')
            if os.path.exists(python):
                session.env['MINIKERAS_EXPORT_PYTHON'] = python
    session.env['MINIKERAS_LANE'] = lane      # names this lane's files in the portability folder
    paths = [a for a in args if not a.startswith('-') and os.path.exists(a.split('::')[0])]
    tests = [] if paths else list(spec['tests'])
    junit = os.path.join(out, 'junit.xml')
    rc_file = os.path.join(out, 'pytest_rc')
    start = time.time()
    failure = None
    guard = []
    limit = lane_timeout(lane)
    if limit > 0 and shutil.which('timeout'):
        guard = ['timeout', '--kill-after=30', str(limit)]
    try:
        session.run(*guard, 'python', '-c', _PYTEST, rc_file, '-p', 'no:cacheprovider', '-rfE',
                    '--junitxml', junit, '-o', 'junit_family=xunit2', *(tests + args),
                    external=True)
    except BaseException as e:
        failure = e
    rc = None
    if os.path.exists(rc_file):
        with open(rc_file) as f:
            rc = int(f.read().strip() or -1)
    status.update(state='tested', pytest_rc=rc, test_seconds=round(time.time() - start, 1),
                  junit=junit if os.path.exists(junit) else None)
    status['time_limit'] = limit
    if rc is None and guard and time.time() - start >= limit:
        status.update(state='crashed', reason='pytest stopped after the lane time limit of '
                      '%d s (MINIKERAS_LANE_TIMEOUT)' % limit)
    elif rc is None:
        status.update(state='crashed',
                      reason='pytest ended without an exit status (crash or kill): %s' % failure)
    elif rc == 5:
        status['reason'] = 'pytest collected no tests (exit 5)'
    elif rc not in (0, 1):
        status['reason'] = 'pytest exit status %d' % rc
    _write_json(status_path, status)
    if rc != 0:
        session.error(status.get('reason') or 'tests failed (pytest exit status %s)' % rc)


def _not_run(session, lane, reason):
    spec = LANES[lane]
    out = os.path.join(RESULTS, lane)
    shutil.rmtree(out, ignore_errors=True)
    _write_json(os.path.join(out, 'status.json'), {
        'lane': lane, 'python': spec['python'], 'backend': spec['backend'],
        'engine': spec['engine'], 'state': 'not_run', 'reason': reason})
    session.skip(reason)


def _register(lane):
    spec = LANES[lane]
    doc = 'Lane %s: Python %s, KERAS_BACKEND=%s, %s; runs %s.' % (
        lane, spec['python'], spec['backend'], spec['requirements'], ' '.join(spec['tests']))
    python_path, python_version = find_python(spec['python'])
    if python_path is None:
        reason = ('Python %s not found (looked in %s/versions/%s* and for python%s on PATH); '
                  'install it with `pyenv install %s` (any %s.x works)'
                  % (spec['python'], _pyenv_root(), spec['python'], spec['python'],
                     SUGGESTED_PYTHON.get(spec['python'], spec['python']), spec['python']))

        def missing(session):
            _not_run(session, lane, reason)
        missing.__doc__ = doc + ' NOT RUNNABLE HERE: ' + reason
        nox.session(name=lane, python=False, venv_backend='none')(missing)
        return
    key = lane_key(lane, python_path, python_version)

    def run(session, key):
        _run_lane(session, lane, key, python_path, python_version)
    run.__doc__ = doc
    nox.session(name=lane, python=python_path, venv_backend='venv')(
        nox.parametrize('key', [key], ids=[key])(run))


for _lane in LANES:
    _register(_lane)


# The R lane: the minikerasr R package (r/) through reticulate on the Python of the
# engine lanes named after `--` (default tensorflow cntk36), which must be built first
# (run it after them: `nox -s tensorflow cntk36 r`); results in $MINIKERAS_RESULTS/r-<lane>/
# for tools/matrix_summary.py (rows r-tensorflow, r-cntk36). Not in DEFAULT_LANES: it
# needs Debian's R packages (scripts/apt-install.sh installs them).
@nox.session(name='r', python=False, venv_backend='none')
def r_lane(session):
    """R lane: minikerasr's testthat tests and r/examples/mnist_mlp.R, on the lanes' Pythons."""
    session.env['MINIKERAS_RESULTS'] = RESULTS
    session.run('bash', os.path.join(REPO, 'scripts', 'r-lane.sh'), '--no-build',
                *session.posargs, external=True)
