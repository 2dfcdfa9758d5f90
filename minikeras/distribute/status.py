"""Files by which workers tell ``minikeras-launch`` (same host) they started and how
they ended, so that the launcher can name a worker that died.

The launcher sets ``MINIKERAS_DIST_STATUS_DIR``; a worker writes ``rank-<r>.pid`` when
it joins and ``rank-<r>.exit`` (``ok`` or the error's first line) when Python exits
normally. A rank whose process is gone without an ``.exit`` file was killed.
"""
import atexit
import os
import sys

_STATE = {'rank': None, 'error': None}


def _path(rank, kind):
    return os.path.join(os.environ['MINIKERAS_DIST_STATUS_DIR'], 'rank-%d.%s' % (rank, kind))


def _write(rank, kind, text):
    try:
        with open(_path(rank, kind), 'w') as f:
            f.write(text)
    except (IOError, OSError):     # another host, or the launcher cleaned up: optional
        pass


def started(rank):
    if not os.environ.get('MINIKERAS_DIST_STATUS_DIR') or _STATE['rank'] is not None:
        return
    _STATE['rank'] = rank
    _write(rank, 'pid', str(os.getpid()))
    previous = sys.excepthook

    def hook(kind, value, tb):
        _STATE['error'] = '%s: %s' % (kind.__name__, str(value).splitlines()[0]
                                      if str(value) else '')
        previous(kind, value, tb)
    sys.excepthook = hook
    atexit.register(_exit)


def _exit():
    _write(_STATE['rank'], 'exit', _STATE['error'] or 'ok')


def read(directory, rank, kind):
    """The text of a rank's status file, or None."""
    try:
        with open(os.path.join(directory, 'rank-%d.%s' % (rank, kind))) as f:
            return f.read().strip()
    except (IOError, OSError):
        return None
