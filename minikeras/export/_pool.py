"""The export subprocesses, kept running between jobs.

Loading the export engine costs seconds, and a model on another engine is exported and then
verified by two jobs. So each interpreter that runs jobs is started once per process and
given one job after another: it reads job-file paths on its stdin, one JSON string per line,
and answers ``done`` on its stdout once the job's result file is written (anything the
export itself prints goes to the worker's stderr, kept in a temporary file for error
messages). A worker exits when its stdin closes: when this process closes it at exit, or
when this process dies. ``close_all()`` stops them earlier.
"""
import atexit
import json
import os
import subprocess
import tempfile
import threading

WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), '_worker.py')

_lock = threading.RLock()
_workers = {}      # (python, PYTHONPATH) -> _Worker


class _Worker(object):
    def __init__(self, python, env):
        self.log = tempfile.TemporaryFile()
        self.owner = os.getpid()
        try:
            self.proc = subprocess.Popen([python, WORKER, '--serve'], env=env,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self.log)
        except OSError:
            self.log.close()
            raise

    def usable(self):
        return self.owner == os.getpid() and self.proc.poll() is None

    def submit(self, job_file):
        """Send one job and wait for it. True when the worker answered; False when it
        exited first (it could not load the engine, or it crashed)."""
        try:
            self.proc.stdin.write((json.dumps(job_file) + '\n').encode('utf8'))
            self.proc.stdin.flush()
            answer = self.proc.stdout.readline()
        except (OSError, ValueError):
            answer = b''
        return answer.strip() == b'done'

    def exit_code(self):
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            return None

    def stderr_tail(self, limit=2000):
        try:
            self.log.seek(0)
            return self.log.read().decode('utf8', 'replace').strip()[-limit:]
        except (OSError, ValueError):
            return ''

    def close(self):
        if self.owner != os.getpid():
            return          # a forked child does not own its parent's workers
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdout, self.log):
            try:
                stream.close()
            except OSError:
                pass


def run(python, env, job_file):
    """Run the job in ``job_file`` on a worker of ``python``. Returns (answered, worker
    exit code, worker stderr tail); exit code and tail are None and '' while the worker
    lives on. A worker that did not answer is closed and forgotten."""
    key = (python, env.get('PYTHONPATH', ''))
    with _lock:
        worker = _workers.get(key)
        if worker is None or not worker.usable():
            if worker is not None:
                worker.close()
            worker = _workers[key] = _Worker(python, env)
        if worker.submit(job_file):
            return True, None, ''
        del _workers[key]
        code, tail = worker.exit_code(), worker.stderr_tail()
        worker.close()
        return False, code, tail


def close_all():
    """Stop every export worker this process started."""
    with _lock:
        workers = list(_workers.values())
        _workers.clear()
    for worker in workers:
        worker.close()


atexit.register(close_all)
