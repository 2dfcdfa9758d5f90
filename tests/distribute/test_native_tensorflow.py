"""TensorFlow's own runtime (tf.distribute MultiWorkerMirroredStrategy): 2 worker
processes on localhost, each with its TF_CONFIG."""
import os
import sys

import pytest

import minikeras.backend as K

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import native_runner  # noqa: E402

pytestmark = pytest.mark.skipif(K.backend() != 'tensorflow',
                                reason='tf.distribute runs only on the TensorFlow engine')


def test_runtime_is_tf_distribute():
    plan = native_runner.sample_plan('tf.distribute')
    assert [ranks for _, _, ranks in plan] == [[0], [1], [2]]
    import json
    configs = [json.loads(env['TF_CONFIG']) for _, env, _ in plan]
    assert [c['task']['index'] for c in configs] == [0, 1, 2]
    assert len(set(configs[0]['cluster']['worker'])) == 3
    assert all(env['A'] == '1' and env['MINIKERAS_DIST_WORLD_SIZE'] == '3' for _, env, _ in plan)


def test_two_workers_equal_one_process(tmp_path):
    native_runner.check_equal_to_single_process(tmp_path)


def test_killed_worker_is_named(tmp_path):
    native_runner.check_lost_rank_named(tmp_path, bound_s=60)


def test_multi_device_model_equals_one_device():
    """multi_gpu_model's engine part on 2 logical CPU devices (a GPU run: the same
    worker with 'gpu')."""
    import subprocess
    worker = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'multi_device_worker.py')
    out = subprocess.run([sys.executable, worker, 'cpu'], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, timeout=120).stdout.decode()
    line = [ln for ln in out.splitlines() if ln.startswith('MAXDIFF')]
    assert line, out
    assert max(float(v) for v in line[0].split()[1:]) < 1e-10, out
    assert '_on_2_devices' in out, out


def test_device_replicas_needs_the_gpus():
    if K.device_replicas.engine_impl.__module__.endswith('generic'):
        pytest.fail('the TensorFlow adapter must define device_replicas')
    import tensorflow as tf
    if len(tf.config.list_logical_devices('GPU')) >= 8:
        pytest.skip('this machine has 8 GPUs: the missing-device error cannot be provoked')
    with pytest.raises(ValueError, match='gpus=8'):
        K.device_replicas(8, True, False)
