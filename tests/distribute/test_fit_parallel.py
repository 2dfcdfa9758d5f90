"""fit on several workers of the generic runtime (MPI) equals fit in one process with
the same global batch; a killed worker's job resumes from the chief's checkpoint."""
import os

import numpy as np
import pytest

import minikeras.backend as K
from tests.distribute.launching import launch, require_mpi, run, worker

WORKER = worker('mlp_worker.py')


@pytest.fixture(autouse=True, scope='module')
def engine_that_trains():
    if 'gradients' in K.unsupported_ops():
        pytest.skip('the %s engine has no gradients, so it cannot train (fit); its '
                    'runtime is tested by test_runtime.py' % K.backend())
    require_mpi()


def weights(path):
    with np.load(path) as f:
        return [f['arr_%d' % i] for i in range(len(f.files) - 1)], f['loss']


def assert_same(a, b, tol=1e-5):
    (wa, la), (wb, lb) = weights(a), weights(b)
    assert len(wa) == len(wb)
    for x, y in zip(wa, wb):
        np.testing.assert_allclose(x, y, rtol=tol, atol=tol)
    np.testing.assert_allclose(la, lb, rtol=tol, atol=tol)   # History: global averages


@pytest.fixture(scope='module')
def one_process(tmp_path_factory):
    """Plain fit in one process, global batch 16 (the reference of the runs below)."""
    path = str(tmp_path_factory.mktemp('one') / 'one.npz')
    code, err, _ = run([WORKER, path, '--batch', '16'])
    assert code == 0, err
    return path


def test_three_workers_equal_one_process_with_the_global_batch(one_process, tmp_path):
    one, three = one_process, str(tmp_path / 'three.npz')
    code, err, _ = launch(3, [WORKER, three, '--batch', '16'])
    assert code == 0, err
    assert_same(one, three)


def test_a_sequence_is_sharded_by_batch(one_process, tmp_path):
    one, two = one_process, str(tmp_path / 'two.npz')
    code, err, _ = launch(2, [WORKER, two, '--sequence', '8'])   # 2 x 8 = one batch of 16
    assert code == 0, err
    assert_same(one, two)


def test_a_killed_worker_stops_the_job_and_the_chief_checkpoint_resumes_it(tmp_path):
    whole, resumed = str(tmp_path / 'whole.npz'), str(tmp_path / 'resumed.npz')
    ckpt_a, ckpt_b = str(tmp_path / 'a'), str(tmp_path / 'b')
    os.mkdir(ckpt_a)
    os.mkdir(ckpt_b)
    common = ['--epochs', '3', '--batch', '16', '--shuffle']
    code, err, _ = launch(2, [WORKER, whole, '--checkpoint', ckpt_a] + common)
    assert code == 0, err
    # 70 samples / 16 = 5 steps an epoch: rank 1 dies at step 7, in the second epoch
    code, err, seconds = launch(2, [WORKER, str(tmp_path / 'never.npz'), '--checkpoint',
                                    ckpt_b, '--kill-rank', '1', '--kill-at', '7'] + common)
    assert code == 1 and 'lost worker rank 1' in err, err
    assert seconds < 60
    assert sorted(os.listdir(ckpt_b)) == ['w01.h5']      # written by the chief only
    code, err, _ = launch(2, [WORKER, resumed, '--resume', os.path.join(ckpt_b, 'w01.h5'),
                              '--initial-epoch', '1'] + common)
    assert code == 0, err
    (wa, la), (wb, lb) = weights(whole), weights(resumed)
    for x, y in zip(wa, wb):
        np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(la[1:], lb, rtol=1e-5, atol=1e-5)
