"""Start the engine-native test job (``native_worker.py``) the way ``minikeras-launch``
does: the processes of ``launch_plan``, supervised with a deadline."""
import json
import os
import subprocess
import sys
import time

import native_worker

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def sample_plan(runtime, num_workers=3):
    """Check the engine's ``distributed_runtime()`` is ``runtime``; returns its launch plan
    for ``num_workers`` workers of ``python train.py`` with the environment {'A': '1'}."""
    import minikeras.backend as K
    ops = native_worker.distribute_ops(K)
    assert ops.distributed_runtime() == runtime
    return ops.launch_plan(num_workers, None, ['python', 'train.py'], {'A': '1'})


def run_job(num_workers, tmp_dir, deadline_s=120, extra_env=None):
    """Run the job; returns (result dict of rank 0 or None, {rank: (returncode, output)},
    seconds until the last process ended)."""
    import minikeras.backend as K
    ops = native_worker.distribute_ops(K)
    out = os.path.join(str(tmp_dir), 'result.json')
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join([ROOT, HERE] + [p for p in env.get(
        'PYTHONPATH', '').split(os.pathsep) if p])
    env['MINIKERAS_DIST_TIMEOUT'] = '30'
    env.update(extra_env or {})
    argv = [sys.executable, os.path.join(HERE, 'native_worker.py'), out]
    procs = []
    for i, (cmd, penv, ranks) in enumerate(ops.launch_plan(num_workers, None, argv, env)):
        log = open(os.path.join(str(tmp_dir), 'proc%d.log' % i), 'w+')
        procs.append((ranks, log, subprocess.Popen(cmd, env=penv, stdout=log,
                                                   stderr=subprocess.STDOUT)))
    start = time.time()
    # workers first; then the runtime's helper processes (MXNet's scheduler and
    # servers) get a moment to leave before they are stopped
    failed = False
    for ranks, _, p in sorted(procs, key=lambda spec: not spec[0]):
        try:
            p.wait(timeout=max(1, deadline_s - (time.time() - start)) if ranks else
                   (1 if failed else 10))
        except subprocess.TimeoutExpired:
            pass
        if ranks:
            elapsed = time.time() - start
            failed = failed or p.returncode != 0
    report = {}
    for ranks, log, p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
        log.seek(0)
        text = log.read()
        log.close()
        for r in ranks or ['aux%d' % p.pid]:
            report[r] = (p.returncode, text)
    result = None
    if os.path.exists(out):
        with open(out) as f:
            result = json.load(f)
    return result, report, elapsed


def check_equal_to_single_process(tmp_dir, num_workers=2):
    reference = native_worker.train(None)
    result, report, _ = run_job(num_workers, tmp_dir)
    assert result is not None, 'the job wrote no result: %r' % (report,)
    import minikeras.backend as K
    assert result['runtime'] == native_worker.distribute_ops(K).distributed_runtime()
    for got, want in zip(result['weights'], reference['weights']):
        assert abs(json_array(got) - json_array(want)).max() < 1e-5
    assert abs(json_array(result['losses']) - json_array(reference['losses'])).max() < 1e-5
    return result, reference


def check_lost_rank_named(tmp_dir, bound_s, num_workers=2):
    result, report, elapsed = run_job(num_workers, tmp_dir, deadline_s=bound_s + 30,
                                      extra_env={'NATIVE_TEST_DIE_AT': '3'})
    assert result is None
    code, text = report[0]
    assert code is not None and code != 0, text
    assert 'LOST 1' in text and 'rank 1' in text, text
    assert elapsed < bound_s, 'the survivors took %.0f s to stop' % elapsed
    return text, elapsed


def json_array(x):
    import numpy as np
    return np.asarray(x, dtype=np.float64)
