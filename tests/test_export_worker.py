"""The export subprocess kept running between jobs (minikeras/export/_pool.py): one worker
per interpreter serves job after job, a crashed worker is reported with its exit code and
stderr and replaced, and closing stops it. Engine-free: a stand-in worker script speaks
the same protocol; the real worker's own check is the unloadable engine."""
import json
import os
import sys
import textwrap

import pytest

from minikeras.export import _pool

FAKE_WORKER = textwrap.dedent('''
    import json, os, sys
    for line in sys.stdin:
        with open(json.loads(line)) as f:
            job = json.load(f)
        if job['action'] == 'crash':
            sys.stderr.write('simulated crash in the worker\\n')
            sys.exit(7)
        with open(job['result'], 'w') as f:
            json.dump({'status': 'ok', 'pid': os.getpid()}, f)
        sys.stdout.write('done\\n')
        sys.stdout.flush()
''')


@pytest.fixture
def fake_worker(tmp_path, monkeypatch):
    script = tmp_path / 'fake_worker.py'
    script.write_text(FAKE_WORKER)
    monkeypatch.setattr(_pool, 'WORKER', str(script))
    yield
    _pool.close_all()


def job(tmp_path, name, action='export'):
    path = tmp_path / ('%s.json' % name)
    result = tmp_path / ('%s-result.json' % name)
    path.write_text(json.dumps({'action': action, 'result': str(result)}))
    return str(path), str(result)


def pid_of(result):
    with open(result) as f:
        return json.load(f)['pid']


def test_one_worker_serves_job_after_job_and_closing_stops_it(fake_worker, tmp_path):
    env = dict(os.environ)
    first, r1 = job(tmp_path, 'a')
    second, r2 = job(tmp_path, 'b')
    assert _pool.run(sys.executable, env, first) == (True, None, '')
    assert _pool.run(sys.executable, env, second) == (True, None, '')
    assert pid_of(r1) == pid_of(r2)
    workers = list(_pool._workers.values())
    assert len(workers) == 1 and workers[0].proc.pid == pid_of(r1)
    _pool.close_all()
    assert workers[0].proc.poll() == 0 and _pool._workers == {}


def test_a_crashed_worker_reports_its_exit_code_and_stderr_and_is_replaced(fake_worker,
                                                                            tmp_path):
    env = dict(os.environ)
    first, r1 = job(tmp_path, 'a')
    _pool.run(sys.executable, env, first)
    crash, _ = job(tmp_path, 'crash', action='crash')
    answered, code, tail = _pool.run(sys.executable, env, crash)
    assert (answered, code) == (False, 7)
    assert 'simulated crash in the worker' in tail
    assert _pool._workers == {}
    again, r3 = job(tmp_path, 'c')
    assert _pool.run(sys.executable, env, again)[0] is True
    assert pid_of(r3) != pid_of(r1)


def test_a_different_pythonpath_gets_its_own_worker(fake_worker, tmp_path):
    a, ra = job(tmp_path, 'a')
    b, rb = job(tmp_path, 'b')
    _pool.run(sys.executable, dict(os.environ, PYTHONPATH=str(tmp_path)), a)
    _pool.run(sys.executable, dict(os.environ, PYTHONPATH=''), b)
    assert pid_of(ra) != pid_of(rb) and len(_pool._workers) == 2


def test_a_python_that_cannot_start_raises_oserror(tmp_path):
    a, _ = job(tmp_path, 'a')
    with pytest.raises(OSError):
        _pool.run(str(tmp_path / 'no-python'), dict(os.environ), a)
    assert _pool._workers == {}


def test_the_real_worker_reports_an_engine_it_cannot_load_and_exits(tmp_path):
    """No answer, exit code 3, and a 'no-engine' result naming the error: the caller
    then tries the next interpreter."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, KERAS_BACKEND='no_such_engine',
               PYTHONPATH=root + os.pathsep + os.environ.get('PYTHONPATH', ''))
    a, result = job(tmp_path, 'a')
    try:
        answered, code, _ = _pool.run(sys.executable, env, a)
    finally:
        _pool.close_all()
    assert (answered, code) == (False, 3)
    with open(result) as f:
        report = json.load(f)
    assert report['status'] == 'no-engine' and 'no_such_engine' in report['message']
