"""The generic runtime: the launcher names a lost worker in bounded time, a worker that
loses a peer raises an error naming it, and a missing runtime says how to install it."""
import shutil
import subprocess
import sys

import numpy as np
import pytest

import minikeras.backend as K
from minikeras import distribute
from minikeras.backend import distribute_generic
from minikeras.distribute import DistributedError, LocalCommunicator, launch as launcher
from minikeras.backend.parallel import mpi
from tests.distribute.launching import launch, require_mpi, worker


def test_a_killed_worker_stops_the_job_naming_its_rank():
    require_mpi()
    code, err, seconds = launch(3, [worker('collective_worker.py'), '2', 'SIGKILL'],
                                timeout_s=10)
    assert code == 1, err
    assert 'lost worker rank 2' in err and 'died' in err, err
    # bounded by the launcher, not by the 120 s guard (generous: process start-up
    # on a busy 2-core machine alone took 20-30 s)
    assert seconds < 100, seconds


def _supervise_a_survivor_report(tmp_path):
    """A supervisor of three ranks where rank 0 ended saying it lost rank 2, and rank 2
    is a live process with no exit file yet."""
    sup = launcher.Supervisor([], str(tmp_path), 3)
    peer = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])
    (tmp_path / 'rank-0.pid').write_text(u'%d' % peer.pid)   # any pid: its exit file counts
    (tmp_path / 'rank-0.exit').write_text(u'lost 2: DistributedError: connection reset')
    (tmp_path / 'rank-2.pid').write_text(u'%d' % peer.pid)
    return sup, peer


def test_a_peer_killed_as_the_survivor_reports_it_is_named_as_died(tmp_path):
    # a killed worker's sockets close before the kernel has ended it: the survivor's
    # report can come first, and the launcher waits for the cause rather than name it
    sup, peer = _supervise_a_survivor_report(tmp_path)
    try:
        assert sup.lost() is None
    finally:
        peer.kill()
        peer.wait()
    assert sup.lost() == (2, 'died (pid %d: killed or crashed)' % peer.pid)


def test_a_peer_still_there_after_the_settle_time_is_named_as_the_survivor_found_it(
        tmp_path, monkeypatch):
    sup, peer = _supervise_a_survivor_report(tmp_path)
    monkeypatch.setattr(launcher, 'SETTLE_S', 0.)
    try:
        assert sup.lost() == (2, 'rank 0 found it lost (DistributedError: connection reset)')
    finally:
        peer.kill()
        peer.wait()


def test_a_hanging_peer_is_named_by_the_survivor_within_the_timeout():
    require_mpi()
    code, err, seconds = launch(2, [worker('collective_worker.py'), '1', 'SIGSTOP'],
                                timeout_s=3)
    assert code == 1, err
    assert 'lost worker rank 1' in err, err
    assert 'DistributedError: rank 0' in err and 'rank 1 (pid' in err and 'stopped' in err
    # bounded by the launcher, not by the 120 s guard (generous: process start-up
    # on a busy 2-core machine alone took 20-30 s)
    assert seconds < 100, seconds


def test_a_clean_job_exits_zero():
    require_mpi()
    code, err, _ = launch(2, [worker('collective_worker.py'), '-1', 'SIGKILL'])
    assert code == 0, err


def test_no_mpi4py_is_a_clear_error_with_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, 'mpi4py', None)
    with pytest.raises(DistributedError, match='pip install mpi4py'):
        mpi.import_mpi()


def test_no_mpiexec_is_a_clear_error_with_the_install_command(monkeypatch):
    monkeypatch.setattr(shutil, 'which', lambda name: None)
    with pytest.raises(DistributedError, match='apt-get install openmpi-bin'):
        distribute_generic.launch_plan(2, None, ['python', 'train.py'], {})


def test_generic_plan_forwards_hosts_and_the_interface(monkeypatch):
    monkeypatch.setattr(shutil, 'which', lambda name: '/usr/bin/' + name)
    monkeypatch.setattr(distribute_generic, '_is_openmpi', lambda path: True)
    [(argv, env, ranks)] = distribute_generic.launch_plan(
        3, ['a', 'b'], ['python', 't.py'], {'MINIKERAS_DIST_IFACE': 'eth1'})
    assert argv[:3] == ['/usr/bin/mpiexec', '-n', '3'] and argv[-2:] == ['python', 't.py']
    assert argv[argv.index('--host') + 1] == 'a:2,b:1'
    assert 'eth1' in argv and ranks == [0, 1, 2]


def test_world_size_one_is_local_and_fit_is_plain_fit(monkeypatch):
    from minikeras.models.distributed import session_for
    for name in ('MINIKERAS_DIST_WORLD_SIZE', 'OMPI_COMM_WORLD_SIZE', 'PMI_SIZE'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(distribute, '_STATE', {'config': None, 'communicator': None})
    config = distribute.init()
    assert (config['rank'], config['world_size']) == (0, 1)
    assert distribute.is_chief() and distribute.world_size() == 1
    assert isinstance(distribute.communicator(), LocalCommunicator)
    assert session_for(object()) is None
    arrays = [np.arange(3.)]
    np.testing.assert_array_equal(distribute.communicator().allreduce_mean(arrays)[0],
                                  arrays[0])
    distribute.shutdown()


def test_bad_explicit_init_is_refused(monkeypatch):
    monkeypatch.setattr(distribute, '_STATE', {'config': None, 'communicator': None})
    with pytest.raises(ValueError, match='rank must be an integer in \\[0, 2\\)'):
        distribute.init(rank=2, world_size=2)


def test_the_launcher_needs_a_command():
    from minikeras.distribute import launch as launcher
    with pytest.raises(SystemExit):
        launcher.parse(['-n', '2'])
    assert K.distributed_runtime()


class _Rank1(LocalCommunicator):
    rank, world_size = 1, 2


def test_only_the_chief_writes_files_and_shows_progress():
    from minikeras import callbacks
    from minikeras.callbacks_tensorboard import TensorBoard
    from minikeras.models.distributed import DistributedFit

    class Model(object):
        name, stateful = 'm', False

    class Mine(callbacks.Callback):
        chief_only = True
    keep = [callbacks.EarlyStopping(), callbacks.History()]
    given = keep + [callbacks.ModelCheckpoint('w.h5'), callbacks.CSVLogger('log.csv'),
                    # the real class; its constructor needs tensorboardX, which not
                    # every lane installs
                    TensorBoard.__new__(TensorBoard), Mine()]
    verbose, kept = DistributedFit(Model(), _Rank1()).begin(1, given)
    assert verbose == 0 and kept == keep
    chief = DistributedFit(Model(), LocalCommunicator())
    assert chief.begin(1, given) == (1, given)


def test_the_launcher_reads_plan_entries_with_or_without_their_ranks():
    from minikeras.distribute.launch import _spec
    assert _spec((['a'], {}, [0, 1]), 2) == (['a'], {}, [0, 1])
    assert _spec((['a'], {'MINIKERAS_DIST_RANK': '1'}), 2)[2] == [1]
    assert _spec((['mpiexec'], {}), 3)[2] == [0, 1, 2]


def test_a_host_list_without_this_machine_is_an_error(monkeypatch, capsys):
    # an engine that starts only this host's ranks (TensorFlow, MXNet) gets an empty plan
    from minikeras.distribute import launch as launcher
    monkeypatch.setattr(K, 'launch_plan', lambda n, hosts, argv, env: [])
    assert launcher.main(['-n', '2', '--hosts', '10.9.9.1,10.9.9.2', 'python', 't.py']) == 2
    assert '--hosts 10.9.9.1,10.9.9.2 does not name it' in capsys.readouterr().err


class _Float32Sums(LocalCommunicator):
    """One worker whose runtime sums in float32, as MXNet's KVStore did at times."""

    def broadcast(self, arrays, root=0):
        return [np.asarray(a).astype(np.float32).astype(np.asarray(a).dtype) for a in arrays]


def test_the_shuffle_seed_survives_a_float32_runtime():
    from minikeras.models.distributed import DistributedFit

    class Model(object):
        name, stateful = 'm', False
    x = np.arange(40.).reshape(20, 2)
    orders = []
    for comm in (LocalCommunicator(), _Float32Sums()):
        np.random.seed(11)
        sharded = DistributedFit(Model(), comm).arrays([x], 4, True)
        orders.append([list(b[0][:, 0]) for b in sharded.epoch(1)])
    assert orders[0] == orders[1] and sorted(sum(orders[0], [])) == list(x[:, 0])
