"""The generic communicator: mpi4py over an MPI library (OpenMPI), with a timeout.

Every collective is non-blocking (``Iallreduce``, ``Ibcast``, ...) and waited on with a
deadline, so a worker whose peer died or hangs raises ``DistributedError`` naming the
lost rank instead of waiting forever. The lost rank is found on a second, duplicated
communicator: on timeout the survivors tell each other they are alive; whoever stays
silent is named (with its process state when it ran on this host).
"""
import atexit
import json
import os
import socket
import time

import numpy as np

from minikeras.backend.parallel.communicator import (Communicator, DistributedError, buffer_dtype,
                                               pack, unpack)

INSTALL_HINT = ('install an MPI library and mpi4py: `apt-get install openmpi-bin '
                'libopenmpi-dev && pip install mpi4py` (conda: `conda install -c conda-forge '
                'mpi4py openmpi`)')

_STATE = {'faulted': False, 'finalize': False}


def import_mpi():
    """mpi4py's ``MPI`` module, initialised without its automatic finalize (a worker
    that lost a peer must be able to exit without blocking in MPI_Finalize)."""
    try:
        import mpi4py
    except ImportError as e:
        raise DistributedError('the generic distributed runtime needs mpi4py, which cannot '
                               'be imported (%s): %s' % (e, INSTALL_HINT))
    try:
        mpi4py.rc.finalize = False
        from mpi4py import MPI
    except (ImportError, RuntimeError) as e:
        raise DistributedError('mpi4py is installed but cannot load an MPI library (%s): %s'
                               % (e, INSTALL_HINT))
    if not _STATE['finalize']:
        _STATE['finalize'] = True
        atexit.register(_finalize, MPI)
    return MPI


def _finalize(MPI):
    if not _STATE['faulted'] and MPI.Is_initialized() and not MPI.Is_finalized():
        MPI.Finalize()


def _process_state(pid):
    """'gone', 'stopped', 'zombie' or 'running' for a process of this host."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            state = f.read().rsplit(')', 1)[1].split()[0]
    except (IOError, OSError, IndexError):
        return 'gone'
    return {'Z': 'zombie (exited)', 'X': 'gone', 'T': 'stopped', 't': 'stopped'}.get(
        state, 'running')


class MPICommunicator(Communicator):
    """Collectives on ``MPI.COMM_WORLD`` with a ``timeout_s`` deadline each."""

    runtime = 'mpi'

    def __init__(self, timeout_s=60.):
        MPI = import_mpi()
        self._MPI = MPI
        self._comm = MPI.COMM_WORLD.Dup()
        self._control = MPI.COMM_WORLD.Dup()
        self.rank = self._comm.Get_rank()
        self.world_size = self._comm.Get_size()
        self.timeout_s = float(timeout_s)
        self._count = 0
        self.peers = self.allgather_object([socket.gethostname(), os.getpid()])

    # --- waiting with a deadline -----------------------------------------------------
    def _wait(self, request, what):
        self._count += 1
        deadline = time.time() + self.timeout_s
        patient = time.time() + 0.5
        # each Test() also moves the transfer on (MPI progresses non-blocking collectives
        # when polled): poll without pause (as blocking MPI calls do) for half a second,
        # then with short pauses while a slow peer catches up
        while not request.Test():
            now = time.time()
            if now > deadline:
                self._lost(what)
            time.sleep(0 if now < patient else 0.0002)

    def _lost(self, what):
        """Raise ``DistributedError`` naming the ranks that stayed silent."""
        _STATE['faulted'] = True
        MPI, others = self._MPI, [r for r in range(self.world_size) if r != self.rank]
        token = np.array([self._count], dtype=np.int64)
        sends = [self._control.Isend(token, dest=r, tag=77) for r in others]
        got = dict((r, np.zeros(1, dtype=np.int64)) for r in others)
        recvs = dict((r, self._control.Irecv(got[r], source=r, tag=77)) for r in others)
        deadline = time.time() + min(5., max(1., self.timeout_s / 2.))
        while time.time() < deadline and not all(q.Test() for q in recvs.values()):
            time.sleep(0.01)
        silent = [r for r in others if not recvs[r].Test()]
        del sends, MPI
        details = []
        here = socket.gethostname()
        for r in silent:
            host, pid = self.peers[r]
            state = _process_state(pid) if host == here else 'on host %s' % host
            details.append('rank %d (pid %d, %s)' % (r, pid, state))
        lost = silent[0] if silent else None
        who = ', '.join(details) if details else 'no rank identified (every peer answered)'
        raise DistributedError(
            'rank %d: %s did not complete within %g s; lost peer: %s. The job cannot go '
            'on: restart it (resume from the chief\'s last checkpoint with initial_epoch).'
            % (self.rank, what, self.timeout_s, who), lost_rank=lost)

    # --- collectives ---------------------------------------------------------------
    def allreduce_sum(self, arrays):
        arrays = [np.asarray(a) for a in arrays]
        send = pack(arrays, buffer_dtype(arrays))
        recv = np.empty_like(send)
        self._wait(self._comm.Iallreduce(send, recv, op=self._MPI.SUM),
                   'allreduce of %d values' % send.size)
        return unpack(recv, arrays)

    def broadcast(self, arrays, root=0):
        arrays = [np.asarray(a) for a in arrays]
        buf = pack(arrays, np.float64)
        self._wait(self._comm.Ibcast(buf, root=root), 'broadcast from rank %d' % root)
        return unpack(buf, arrays)

    def allgather_object(self, obj):
        data = np.frombuffer(json.dumps(obj).encode('utf-8'), dtype=np.uint8)
        sizes = np.zeros(self.world_size, dtype=np.int64)
        self._wait(self._comm.Iallgather(np.array([data.size], dtype=np.int64), sizes),
                   'allgather')
        out = np.zeros(int(sizes.sum()), dtype=np.uint8)
        self._wait(self._comm.Iallgatherv(data, [out, sizes.tolist()]), 'allgather')
        values, i = [], 0
        for n in sizes:
            values.append(json.loads(out[i:i + n].tobytes().decode('utf-8')))
            i += int(n)
        return values

    def barrier(self):
        self._wait(self._comm.Ibarrier(), 'barrier')

    def abort(self, reason):
        import sys
        _STATE['faulted'] = True
        sys.stderr.write('minikeras.distribute: rank %d aborts the job: %s\n'
                         % (self.rank, reason))
        sys.stderr.flush()
        self._MPI.COMM_WORLD.Abort(1)

    def close(self):
        if not _STATE['faulted']:
            self._comm.Free()
            self._control.Free()
