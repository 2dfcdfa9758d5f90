"""One worker of the engine-native data-parallel tests (run by test_native_<engine>.py).

``python native_worker.py OUT.json`` trains a small float64 MLP with hand-written
momentum SGD for a few steps through the active engine's ``data_parallel_step`` (the
communicator made from the launcher's environment) and writes, on rank 0, the final
weights, the losses and the mean step time to OUT.json. ``train(None)`` is the same
training in one process with ``compiled_function`` (the reference). Environment:
NATIVE_TEST_DIE_AT=k makes rank 1 exit before step k (fault test); a worker that
catches ``DistributedError`` prints ``LOST <rank>: <message>`` and exits with 5.
"""
import importlib
import json
import os
import sys
import time

import numpy as np

STEPS, BATCH, FEATURES, HIDDEN, LR, MOMENTUM = 6, 12, 5, 7, 0.1, 0.9


def distribute_ops(K):
    """The engine's distribute ops: ``K``'s once the contract has them, else the
    adapter's own ``distribute`` module."""
    if hasattr(K, 'data_parallel_step'):
        return K
    return importlib.import_module('minikeras.backend.%s.distribute' % K.backend())


def env_config():
    return {'rank': int(os.environ.get('MINIKERAS_DIST_RANK', 0)),
            'world_size': int(os.environ.get('MINIKERAS_DIST_WORLD_SIZE', 1)),
            'hosts': [], 'port': None,
            'timeout_s': float(os.environ.get('MINIKERAS_DIST_TIMEOUT', 30))}


def data():
    rng = np.random.RandomState(1)
    x = rng.randn(STEPS * BATCH, FEATURES)
    y = np.sin(x.sum(axis=1, keepdims=True))
    return x, y


def initial_weights(seed):
    rng = np.random.RandomState(seed)
    return [rng.randn(FEATURES, HIDDEN) * 0.5, rng.randn(HIDDEN) * 0.1,
            rng.randn(HIDDEN, 1) * 0.5, rng.randn(1) * 0.1]


def build(K):
    params = [K.variable(w, dtype='float64') for w in initial_weights(0)]
    velocities = [K.variable(np.zeros(K.int_shape(p)), dtype='float64') for p in params]

    def grad_step(x, y):
        h = K.tanh(K.bias_add(K.dot(x, params[0]), params[1]))
        out = K.bias_add(K.dot(h, params[2]), params[3])
        loss = K.mean(K.square(out - y))
        return [loss], K.gradients(loss, params), []

    def apply_step(*grads):
        updates = []
        for p, v, g in zip(params, velocities, grads):
            new_v = MOMENTUM * v - LR * g
            updates += [(v, new_v), (p, p + new_v)]
        return updates
    return params, grad_step, apply_step


def train(comm):
    import minikeras.backend as K
    params, grad_step, apply_step = build(K)
    specs = [((None, FEATURES), 'float64'), ((None, 1), 'float64')]
    rank, world = (comm.rank, comm.world_size) if comm is not None else (0, 1)
    if comm is None:
        def fn(x, y):
            outputs, grads, updates = grad_step(x, y)
            return outputs, list(updates) + list(apply_step(*grads))
        step = K.compiled_function(fn, specs, name='reference')
    else:
        # each worker starts from other values: the chief's must win
        for p, w in zip(params, initial_weights(rank)):
            K.set_value(p, w)
        for p, w in zip(params, comm.broadcast([K.get_value(p) for p in params], root=0)):
            K.set_value(p, w)
        step = distribute_ops(K).data_parallel_step(grad_step, apply_step, specs, comm,
                                                    name='native_test')
    x, y = data()
    die_at = int(os.environ.get('NATIVE_TEST_DIE_AT', -1))
    losses, times = [], []
    for s in range(STEPS):
        if rank == 1 and s == die_at:
            os._exit(3)
        rows = np.array_split(np.arange(s * BATCH, (s + 1) * BATCH), world)[rank]
        start = time.time()
        losses.append(float(step(x[rows], y[rows])[0]))
        times.append(time.time() - start)
    return {'weights': [K.get_value(p).tolist() for p in params], 'losses': losses,
            'step_s': float(np.mean(times[1:])),
            'runtime': comm.runtime if comm is not None else 'local'}


def main(out_path):
    import minikeras.backend as K
    from minikeras.backend.parallel.communicator import DistributedError
    comm = distribute_ops(K).make_communicator(env_config())   # before any variable
    try:
        result = train(comm)
        comm.barrier()
    except DistributedError as e:
        print('LOST %s: %s' % (e.lost_rank, e))
        sys.stdout.flush()
        os._exit(5)
    if comm.rank == 0:
        with open(out_path, 'w') as f:
            json.dump(result, f)
    comm.close()


if __name__ == '__main__':
    main(sys.argv[1])
