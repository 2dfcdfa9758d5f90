"""What the engines' own distributed runtimes share (engine-free helpers).

``minikeras/backend/<engine>/distribute.py`` starts its workers without mpiexec
(TensorFlow: one process per worker with ``TF_CONFIG``; MXNet: a scheduler, servers and
workers with ``DMLC_*``): these helpers pick the worker addresses, write each
process's environment and name a lost rank from a runtime's error message.
"""
import json
import os
import re
import socket
import sys
import threading
import time

import numpy as np

from minikeras.backend.parallel.communicator import Communicator, DistributedError

DEFAULT_PORT = 29500


def local_names():
    """Names under which this machine may appear in ``--hosts``."""
    names = set(['localhost', '127.0.0.1', '::1', ''])
    for get in (socket.gethostname, socket.getfqdn):
        try:
            names.add(get())
        except OSError:
            pass
    return names


def is_local(host):
    return host in local_names()


def free_ports(count):
    """``count`` distinct TCP ports free on this machine now (bound once, then released;
    the runtime binds them again a moment later)."""
    sockets, ports = [], []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(('127.0.0.1', 0))
            sockets.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in sockets:
            s.close()
    return ports


def worker_hosts(num_workers, hosts):
    """The host of each rank: ranks spread round-robin over ``hosts`` (this machine when
    ``hosts`` is empty)."""
    hosts = list(hosts or []) or ['localhost']
    return [hosts[i % len(hosts)] for i in range(num_workers)]


def ports_for(count, hosts, base_env):
    """``count`` ports: free ones of this machine when every host is this one (so that
    jobs on one machine never collide), else ``MINIKERAS_DIST_PORT`` (default 29500)
    + 0, 1, ... so that the launchers of every host agree."""
    if all(is_local(h) for h in hosts):
        return free_ports(count)
    base = base_env.get('MINIKERAS_DIST_PORT')
    try:
        base = int(base or DEFAULT_PORT)
    except ValueError:
        raise ValueError('MINIKERAS_DIST_PORT must be an integer port, received %r' % (base,))
    return [base + i for i in range(count)]


def worker_env(base_env, rank, num_workers, extra):
    """The environment of worker ``rank``: ``base_env``, the ``MINIKERAS_DIST_*``
    rank/size, and the runtime's own variables ``extra``."""
    env = dict(base_env)
    env['MINIKERAS_DIST_RANK'] = str(rank)
    env['MINIKERAS_DIST_WORLD_SIZE'] = str(num_workers)
    env.update(extra)
    return env


def lost_rank(message, own_rank=None, pattern=r'task:(\d+)'):
    """The rank a runtime's error ``message`` names as lost (the first match of
    ``pattern`` that is not ``own_rank``), or None."""
    for match in re.finditer(pattern, str(message)):
        rank = int(match.group(1))
        if rank != own_rank:
            return rank
    return None


def lost_message(runtime, own_rank, rank, detail):
    """The ``DistributedError`` text for a peer lost during a collective."""
    who = 'rank %d' % rank if rank is not None else 'a peer (rank unknown)'
    return ('rank %d: the %s runtime lost %s (%s). The job cannot go on: restart it '
            '(resume from the chief\'s last checkpoint with initial_epoch).'
            % (own_rank, runtime, who, ' '.join(str(detail).split())[:300]))


class SumCommunicator(Communicator):
    """A communicator whose runtime offers only a sum over workers (``allreduce_sum``):
    broadcast, allgather and barrier are built on it."""

    def broadcast(self, arrays, root=0):
        if not 0 <= root < self.world_size:
            raise ValueError('broadcast: root must be a rank in [0, %d), received %r'
                             % (self.world_size, root))
        arrays = [np.asarray(a) for a in arrays]
        mine = arrays if self.rank == root else [np.zeros_like(a) for a in arrays]
        return self.allreduce_sum(mine)     # root's values plus zeros from the others

    def allgather_object(self, obj):
        data = np.frombuffer(json.dumps(obj).encode('utf-8'), dtype=np.uint8)
        sizes = np.zeros(self.world_size)
        sizes[self.rank] = data.size
        sizes = np.rint(self.allreduce_sum([sizes])[0]).astype(int)
        table = np.zeros((self.world_size, int(sizes.max())))
        table[self.rank, :data.size] = data
        table = np.rint(self.allreduce_sum([table])[0])
        return [json.loads(bytes(bytearray(table[r, :sizes[r]].astype(np.uint8)))
                           .decode('utf-8')) for r in range(self.world_size)]

    def barrier(self):
        self.allreduce_sum([np.zeros(1)])

    def abort(self, reason):
        """Print why, then end this process at once: the runtime shows the others a
        lost peer (TensorFlow's heartbeats, mpiexec, the MXNet peers' watch)."""
        sys.stderr.write('minikeras.distribute: rank %d aborts the job: %s\n'
                         % (self.rank, reason))
        sys.stderr.flush()
        os._exit(1)

    # --- peers of this host, for naming a lost one --------------------------------
    def share_peers(self):
        """Learn every rank's host and process id (call once, when all are alive)."""
        self._peers = self.allgather_object([socket.gethostname(), os.getpid()])

    def gone_peers(self):
        """(rank, pid, state) of the peers of this host that exited or are stopped."""
        from minikeras.backend.parallel.mpi import _process_state
        here, out = socket.gethostname(), []
        for r, (host, pid) in enumerate(getattr(self, '_peers', [])):
            if r != self.rank and host == here:
                state = _process_state(pid)
                if state != 'running':
                    out.append((r, pid, state))
        return out

    def lost_error(self, what, gone):
        """The ``DistributedError`` for ``what`` not completing, naming ``gone`` peers
        (or the peers on other hosts, which this host cannot watch)."""
        here = socket.gethostname()
        lost = gone[0][0] if gone else None
        detail = ', '.join('rank %d (pid %d, %s)' % g for g in gone) or \
            'no peer of this host exited; ranks on other hosts: %s' % (', '.join(
                str(r) for r, (h, _) in enumerate(getattr(self, '_peers', []))
                if h != here) or 'none')
        return DistributedError(lost_message(
            self.runtime, self.rank, lost, '%s did not complete%s; lost peer: %s'
            % (what, '' if gone else ' within %g s' % self.timeout_s, detail)),
            lost_rank=lost)

    def wait_or_fail(self, done, what, on_lost):
        """Poll until the event ``done`` is set; when a peer of this host is gone or the
        job's timeout passes first, call ``on_lost(DistributedError)``."""
        deadline = time.time() + self.timeout_s
        while not done.wait(0.2):
            gone = self.gone_peers()
            if gone or time.time() > deadline:
                on_lost(self.lost_error(what, gone))
                return


def fatal(error):
    """End this process for ``error`` found on a watchdog thread while the main thread
    is blocked inside the runtime: report it as an uncaught error (the launcher's
    status file then names the lost rank), then exit without the runtime's cleanup."""
    sys.excepthook(type(error), error, None)
    from minikeras.backend.parallel import status
    status._exit()
    sys.stderr.flush()
    os._exit(1)


def watchdog(comm, what):
    """A started watchdog thread for one blocking call of ``comm``'s runtime; set the
    returned event when the call returns."""
    done = threading.Event()
    thread = threading.Thread(target=comm.wait_or_fail, args=(done, what, fatal))
    thread.daemon = True
    thread.start()
    return done
