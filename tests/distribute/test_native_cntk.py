"""CNTK's own runtime (MPI, data_parallel_distributed_learner): 2 worker processes on
localhost under mpiexec."""
import os
import re
import sys

import pytest

import minikeras.backend as K

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import native_runner  # noqa: E402

pytestmark = pytest.mark.skipif(K.backend() != 'cntk',
                                reason='CNTK\'s MPI learners run only on the CNTK engine')


def test_runtime_is_cntk_mpi():
    assert K.distributed_runtime() == 'cntk.mpi'
    (cmd, env, ranks), = K.launch_plan(2, None, ['python', 'train.py'], {'A': '1'})
    assert os.path.basename(cmd[0]) in ('mpiexec', 'mpirun') and ranks == [0, 1]
    assert cmd[-2:] == ['python', 'train.py'] and env['A'] == '1'


@pytest.mark.parametrize('workers', [2, 3])
def test_workers_equal_one_process(tmp_path, workers):
    native_runner.check_equal_to_single_process(tmp_path, workers)


def test_killed_worker_stops_the_job(tmp_path):
    # under mpiexec the dead rank ends the job: mpiexec stops rank 0 and names rank 1
    result, report, elapsed = native_runner.run_job(
        2, tmp_path, deadline_s=90, extra_env={'NATIVE_TEST_DIE_AT': '3'})
    code, text = report[0]
    assert result is None and code != 0, text
    assert re.search(r'Process name: \[\[\d+,\d+\],1\]', text), text
    assert elapsed < 60, 'the job took %.0f s to stop' % elapsed
