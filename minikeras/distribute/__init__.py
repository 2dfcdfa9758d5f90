"""Data-parallel training across processes and machines, one API for every engine.

    import minikeras.distribute as dist
    dist.init()                 # from minikeras-launch's environment (or mpiexec's)
    model.fit(x, y, batch_size=64)   # 64 = the global batch, split over the workers

``init()`` reads the rank and world size the launcher set (``MINIKERAS_DIST_*``, or
``OMPI_COMM_WORLD_*`` under mpiexec), or takes them explicitly, and makes the engine's
communicator (``K.make_communicator``: MPI by default, the engine's own runtime where
it has one). ``fit`` calls ``init()`` itself when the launcher started the process.
With one worker nothing changes: ``fit`` is plain ``fit``. See docs/DISTRIBUTED.md.
"""
import os

from minikeras.backend.parallel.communicator import (  # noqa: F401
    Communicator, DistributedError, LocalCommunicator)
from minikeras.backend.parallel import status as _status

__all__ = ['init', 'is_initialized', 'launched', 'communicator', 'rank', 'world_size',
           'is_chief', 'shutdown', 'Communicator', 'LocalCommunicator', 'DistributedError']

DEFAULT_TIMEOUT = 60.

_STATE = {'config': None, 'communicator': None}


def _env_int(names, default):
    for name in names:
        value = os.environ.get(name)
        if value not in (None, ''):
            try:
                return int(value)
            except ValueError:
                raise DistributedError('environment variable %s must be an integer, '
                                       'received %r' % (name, value))
    return default


def launched():
    """True when this process was started as one worker of several (by minikeras-launch
    or mpiexec)."""
    return _env_int(['MINIKERAS_DIST_WORLD_SIZE', 'OMPI_COMM_WORLD_SIZE', 'PMI_SIZE'], 1) > 1


def init(rank=None, world_size=None, hosts=None, port=None, timeout_s=None):
    """Join the distributed job (once per process; later calls return the same config).

    Arguments default to the launcher's environment: ``MINIKERAS_DIST_RANK`` /
    ``_WORLD_SIZE`` / ``_HOSTS`` / ``_PORT`` / ``_TIMEOUT`` (or ``OMPI_COMM_WORLD_RANK``
    / ``_SIZE``). ``timeout_s`` bounds every collective: a peer silent for longer is
    reported lost (``DistributedError`` naming its rank). Returns the config dict."""
    if _STATE['config'] is not None:
        return dict(_STATE['config'])
    if rank is None:
        rank = _env_int(['MINIKERAS_DIST_RANK', 'OMPI_COMM_WORLD_RANK', 'PMI_RANK'], 0)
    if world_size is None:
        world_size = _env_int(['MINIKERAS_DIST_WORLD_SIZE', 'OMPI_COMM_WORLD_SIZE',
                               'PMI_SIZE'], 1)
    if timeout_s is None:
        timeout_s = float(os.environ.get('MINIKERAS_DIST_TIMEOUT') or DEFAULT_TIMEOUT)
    if hosts is None:
        hosts = [h for h in os.environ.get('MINIKERAS_DIST_HOSTS', '').split(',') if h]
    if port is None:
        port = _env_int(['MINIKERAS_DIST_PORT'], None)
    if not isinstance(world_size, int) or world_size < 1:
        raise ValueError('world_size must be a positive integer, received %r' % (world_size,))
    if not isinstance(rank, int) or not 0 <= rank < world_size:
        raise ValueError('rank must be an integer in [0, %d), received %r' % (world_size, rank))
    if not timeout_s > 0:
        raise ValueError('timeout_s must be positive, received %r' % (timeout_s,))
    config = {'rank': rank, 'world_size': world_size, 'hosts': list(hosts or []),
              'port': port, 'timeout_s': float(timeout_s)}
    if world_size == 1:
        comm = LocalCommunicator()
    else:
        import minikeras.backend as K
        comm = K.make_communicator(dict(config))
        if comm.world_size != world_size or comm.rank != rank:
            raise DistributedError(
                'the %s runtime sees rank %d of %d workers, but the launcher set rank %d of '
                '%d: start the job with minikeras-launch (or mpiexec) and the same -n'
                % (comm.runtime, comm.rank, comm.world_size, rank, world_size))
    config['runtime'] = comm.runtime
    _STATE['config'], _STATE['communicator'] = config, comm
    _status.started(rank)
    return dict(config)


def is_initialized():
    return _STATE['config'] is not None


def communicator():
    """This process's communicator (``init()`` first when the launcher started it; a
    ``LocalCommunicator`` for a single process)."""
    if _STATE['communicator'] is None:
        init()
    return _STATE['communicator']


def rank():
    """This worker's rank, 0 .. world_size() - 1 (0 for a single process)."""
    return communicator().rank


def world_size():
    """How many workers train together (1 for a single process)."""
    return communicator().world_size


def is_chief():
    """True on rank 0, the worker that writes checkpoints, logs and the progress bar."""
    return rank() == 0


def shutdown():
    """Leave the job: a final barrier, then release the communicator."""
    comm = _STATE['communicator']
    if comm is None:
        return
    if comm.world_size > 1:
        comm.barrier()
    comm.close()
    _STATE['config'], _STATE['communicator'] = None, None
