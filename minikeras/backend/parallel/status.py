"""Files by which workers tell ``minikeras-launch`` (same host) they started and how
they ended, so that the launcher can name a worker that died.

The launcher sets ``MINIKERAS_DIST_STATUS_DIR``; a worker writes ``rank-<r>.pid`` when
it joins and ``rank-<r>.exit`` when Python exits: ``ok``, ``error: <first line>``,
``lost <rank>: <first line>`` (it found that peer lost) or ``terminated`` (SIGTERM). A
rank whose process is gone without an ``.exit`` file was killed or crashed.
"""
import atexit
import os
import signal
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
        lost = getattr(value, 'lost_rank', None)
        first = str(value).splitlines()[0] if str(value) else ''
        _STATE['error'] = ('lost %d: ' % lost if lost is not None else 'error: ') + \
            '%s: %s' % (kind.__name__, first)
        previous(kind, value, tb)
    sys.excepthook = hook
    atexit.register(_exit)
    try:
        signal.signal(signal.SIGTERM, _terminated)
    except ValueError:        # not the main thread: the launcher still sees the pid go
        pass


def _terminated(signum, frame):
    """Stopped from outside (the launcher, or mpiexec after another worker failed)."""
    _write(_STATE['rank'], 'exit', 'terminated')
    os._exit(128 + signum)


def _exit():
    _write(_STATE['rank'], 'exit', _STATE['error'] or 'ok')


def read(directory, rank, kind):
    """The text of a rank's status file, or None."""
    try:
        with open(os.path.join(directory, 'rank-%d.%s' % (rank, kind))) as f:
            return f.read().strip()
    except (IOError, OSError):
        return None
