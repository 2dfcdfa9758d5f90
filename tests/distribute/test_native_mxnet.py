"""MXNet's own runtime (KVStore dist_sync): a scheduler, a server and 2 worker
processes on localhost, started with their DMLC_* roles."""
import os
import sys

import pytest

import minikeras.backend as K

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import native_runner  # noqa: E402

pytestmark = pytest.mark.skipif(K.backend() != 'mxnet',
                                reason='the MXNet KVStore runs only on the MXNet engine')


def test_runtime_is_kvstore():
    plan = native_runner.sample_plan('mxnet.kvstore')
    roles = [env['DMLC_ROLE'] for _, env, _ in plan]
    assert roles == ['scheduler', 'server', 'worker', 'worker', 'worker']
    assert [ranks for _, _, ranks in plan] == [[], [], [0], [1], [2]]
    assert len(set(env['DMLC_PS_ROOT_PORT'] for _, env, _ in plan)) == 1
    assert all(env['DMLC_NUM_WORKER'] == '3' and env['A'] == '1' for _, env, _ in plan)
    ops = native_runner.native_worker.distribute_ops(K)
    plan = ops.launch_plan(2, None, ['python'], {'MINIKERAS_DIST_IFACE': 'eth0'})
    assert all(env['DMLC_INTERFACE'] == 'eth0' for _, env, _ in plan)


def test_multi_host_plan_agrees_on_the_scheduler():
    # one launcher per machine: every one must point at the same scheduler address
    import socket
    ops = native_runner.native_worker.distribute_ops(K)
    here, env = socket.gethostname(), {'MINIKERAS_DIST_PORT': '29600'}
    root = ops.launch_plan(2, [here, 'elsewhere'], ['python'], env)
    other = ops.launch_plan(2, ['elsewhere', here], ['python'], env)
    assert [e['DMLC_ROLE'] for _, e, _ in root] == ['scheduler', 'server', 'worker']
    assert [e['DMLC_ROLE'] for _, e, _ in other] == ['server', 'worker']
    assert set((e['DMLC_PS_ROOT_URI'], e['DMLC_PS_ROOT_PORT']) for _, e, _ in root) == \
        set([(here, '29600')])
    assert set((e['DMLC_PS_ROOT_URI'], e['DMLC_PS_ROOT_PORT']) for _, e, _ in other) == \
        set([('elsewhere', '29600')])
    assert root[0][1]['DMLC_USE_KUBERNETES'] == '1'    # the scheduler listens on 0.0.0.0


def test_two_workers_equal_one_process(tmp_path):
    native_runner.check_equal_to_single_process(tmp_path)


def test_killed_worker_is_named(tmp_path):
    native_runner.check_lost_rank_named(tmp_path, bound_s=60)
