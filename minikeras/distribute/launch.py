"""``minikeras-launch``: start N workers of a training script with the active engine's
runtime, and supervise them.

    minikeras-launch -n 4 [--hosts h1,h2] [--timeout S] [--iface eth0] python train.py ...

The command is the same for every engine: the launcher asks the engine for its plan
(``K.launch_plan``: ``mpiexec`` for the generic MPI runtime, one process per worker for
runtimes that need one) and starts it with the ``MINIKERAS_DIST_*`` variables set. When
a worker dies, the launcher stops the others (within ``--grace`` seconds) and exits
with status 1, naming the lost rank.
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

from minikeras.backend.parallel import status

SETTLE_S = 2.     # how long a peer a survivor found lost gets to show how it ended
USAGE = 'minikeras-launch -n N [--hosts h1,h2] [--timeout S] python train.py [args ...]'


def parse(argv):
    p = argparse.ArgumentParser(prog='minikeras-launch', usage=USAGE, description=(
        'Run a minikeras training script on N data-parallel workers with the active '
        'engine\'s distributed runtime (KERAS_BACKEND picks the engine).'))
    p.add_argument('-n', '--num-workers', type=int, required=True, dest='n',
                   help='number of worker processes in all')
    p.add_argument('--hosts', default=None,
                   help='comma-separated host names (default: this host only)')
    p.add_argument('--timeout', type=float, default=60.,
                   help='seconds a collective may wait for a peer before the job fails '
                        '(default 60)')
    p.add_argument('--port', type=int, default=29500,
                   help='base port for runtimes that listen on one (default 29500)')
    p.add_argument('--iface', default=None,
                   help='network interface the workers talk over (e.g. eth0)')
    p.add_argument('--grace', type=float, default=10.,
                   help='seconds the other workers get to stop after one died (default 10)')
    p.add_argument('command', nargs=argparse.REMAINDER, help='the worker command')
    args = p.parse_args(argv)
    if args.n < 1:
        p.error('-n must be at least 1, received %d' % args.n)
    if not args.command:
        p.error('give the worker command, e.g. python train.py')
    if args.timeout <= 0:
        p.error('--timeout must be positive, received %g' % args.timeout)
    return args


def worker_env(args, status_dir):
    env = dict(os.environ)
    hosts = args.hosts.split(',') if args.hosts else []
    env.update({'MINIKERAS_DIST_WORLD_SIZE': str(args.n),
                'MINIKERAS_DIST_HOSTS': ','.join(hosts),
                'MINIKERAS_DIST_PORT': str(args.port),
                'MINIKERAS_DIST_TIMEOUT': repr(float(args.timeout)),
                'MINIKERAS_DIST_STATUS_DIR': status_dir})
    if args.iface:
        env['MINIKERAS_DIST_IFACE'] = args.iface
    return env


def _spec(spec, n):
    """(argv, env, ranks) of a plan entry; an (argv, env) pair runs the rank its env
    names (``MINIKERAS_DIST_RANK``), or every rank (an MPI launcher)."""
    if len(spec) == 3:
        return list(spec[0]), spec[1], list(spec[2])
    argv, env = spec
    rank = env.get('MINIKERAS_DIST_RANK')
    return list(argv), env, [int(rank)] if rank not in (None, '') else list(range(n))


def _kind(ended):
    return ended.split(' ', 1)[0].rstrip(':')


def _alive(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0] not in ('Z', 'X')
    except (IOError, OSError, IndexError):
        try:
            os.kill(pid, 0)
            return True
        except OSError:
            return False


class Supervisor(object):
    """The started processes, the workers' status files, and who died first."""

    def __init__(self, plan, status_dir, n):
        self.status_dir, self.n = status_dir, n
        self.procs, self._lost_seen = [], None
        for spec in plan:
            argv, env, ranks = _spec(spec, n)
            proc = subprocess.Popen(argv, env=env, start_new_session=True)
            self.procs.append((proc, ranks))

    def pids(self):
        out = {}
        for r in range(self.n):
            text = status.read(self.status_dir, r, 'pid')
            if text and text.isdigit():
                out[r] = int(text)
        return out

    def lost(self):
        """(rank, why) of the worker whose loss ended the job, or None while all run.
        The cause wins over its consequences: a worker that failed by itself, then one
        that vanished (killed, crashed), then the peer a worker found lost, then one
        stopped from outside, then a launched process that failed."""
        found = {}
        for r, pid in sorted(self.pids().items()):
            ended = status.read(self.status_dir, r, 'exit')
            if not ended and not _alive(pid):
                time.sleep(0.2)           # its exit file may be being written
                ended = status.read(self.status_dir, r, 'exit') or 'vanished'
            if ended and ended != 'ok':
                found.setdefault(_kind(ended), (r, ended))
        for kind in ('error', 'vanished', 'lost', 'terminated'):
            if kind in found:
                r, ended = found[kind]
                if kind == 'lost':
                    peer = int(ended.split(':', 1)[0].split()[1])
                    if self._peer_may_still_end(peer):
                        return None
                    return peer, 'rank %d found it lost (%s)' % (r, ended.split(': ', 1)[1])
                return r, {'error': 'failed: %s' % ended[len('error: '):],
                           'vanished': 'died (pid %d: killed or crashed)' % self.pids()[r],
                           'terminated': 'was terminated from outside'}[kind]
        for proc, ranks in self.procs:
            code = proc.poll()
            if code not in (None, 0):
                rank = ranks[0] if len(ranks) == 1 else None
                return rank, 'its process exited with status %d' % code
        return None

    def _peer_may_still_end(self, peer):
        """Whether to wait before naming ``peer`` lost on a survivor's word: a killed
        process closes its sockets before the kernel has finished ending it, so the
        survivor's report can come first. Waiting up to ``SETTLE_S`` lets the launcher
        name the cause (the peer died) rather than its consequence; a peer that is
        still there after that (stopped, hanging) is named as the survivor found it."""
        pid = self.pids().get(peer)
        if pid is None or status.read(self.status_dir, peer, 'exit') or not _alive(pid):
            return False
        if self._lost_seen is None:
            self._lost_seen = time.time()
        return time.time() - self._lost_seen < SETTLE_S

    def running(self):
        return any(proc.poll() is None for proc, _ in self.procs)

    def _wait(self, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline and (self.running() or any(
                _alive(p) for p in self.pids().values())):
            time.sleep(0.1)

    def stop(self, grace):
        """Give the runtime a moment to end the job itself (mpiexec does), then SIGTERM
        every process group and live worker, and SIGKILL what is left after ``grace``
        seconds."""
        self._wait(min(3., grace))
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.)):
            for proc, _ in self.procs:
                if proc.poll() is None:
                    try:
                        os.killpg(proc.pid, sig)
                    except OSError:
                        pass
            for pid in self.pids().values():
                if _alive(pid):
                    try:
                        os.kill(pid, sig)
                        os.kill(pid, signal.SIGCONT)    # a stopped process too
                    except OSError:
                        pass
            self._wait(wait)


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    status_dir = tempfile.mkdtemp(prefix='minikeras-launch-')
    env = worker_env(args, status_dir)
    import minikeras.backend as K
    from minikeras.backend.parallel.communicator import DistributedError
    hosts = args.hosts.split(',') if args.hosts else None
    try:
        plan = K.launch_plan(args.n, hosts, list(args.command), env)
    except DistributedError as e:
        sys.stderr.write('minikeras-launch: %s\n' % e)
        return 2
    if not plan:        # an engine that starts only this host's ranks found none here
        from minikeras.backend.distribute_native import local_names
        sys.stderr.write('minikeras-launch: no worker of the %d runs on this machine: --hosts '
                         '%s does not name it (it answers to %s; name every machine as '
                         '`hostname` prints it there), or -n leaves it none\n' % (
                             args.n, args.hosts, ', '.join(sorted(n for n in local_names()
                                                                  if n))))
        return 2
    sup = Supervisor(plan, status_dir, args.n)
    try:
        while sup.running():
            lost = sup.lost()
            if lost is not None:
                break
            time.sleep(0.1)
        else:
            lost = sup.lost()
    except KeyboardInterrupt:
        sup.stop(args.grace)
        sys.stderr.write('minikeras-launch: interrupted; stopped all workers\n')
        return 130
    if lost is None:
        return 0
    rank, why = lost
    sup.stop(args.grace)
    sys.stderr.write('minikeras-launch: lost worker %s: %s; stopped the other workers of the '
                     '%d (engine %s, runtime %s)\n'
                     % ('rank %d' % rank if rank is not None else '(rank unknown)', why,
                        args.n, K.backend(), K.distributed_runtime()))
    return 1


if __name__ == '__main__':
    sys.exit(main())
