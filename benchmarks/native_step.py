"""Per-step time of data-parallel training: the engine's own runtime against the generic
MPI path (docs/DISTRIBUTED.md). The MNIST MLP 784-512-512-10 (float32, 669,706
weights), global batch 128, plain SGD, timed over --steps steps after 3 warm-up steps:

    minikeras-launch -n 2 python benchmarks/native_step.py            # native runtime
    mpiexec -n 2 python benchmarks/native_step.py --generic           # mpi4py all-reduce
    python benchmarks/native_step.py --single                         # one process

(``--generic`` needs mpi4py; ``mpiexec`` as root needs --allow-run-as-root.) Never run by
the tests."""
import argparse
import sys
import time

import numpy as np

import minikeras.backend as K

SIZES = (784, 512, 512, 10)


def model():
    rng = np.random.RandomState(0)
    params = []
    for n_in, n_out in zip(SIZES[:-1], SIZES[1:]):
        params += [K.variable(rng.randn(n_in, n_out) * np.sqrt(1. / n_in)),
                   K.variable(np.zeros(n_out))]

    def grad_step(x, y):
        h = x
        for i in range(0, len(params), 2):
            h = K.bias_add(K.dot(h, params[i]), params[i + 1])
            h = K.relu(h) if i + 2 < len(params) else K.softmax(h)
        loss = K.mean(K.categorical_crossentropy(y, h))
        return [loss], K.gradients(loss, params), []

    def apply_step(*grads):
        return [(p, p - 0.01 * g) for p, g in zip(params, grads)]
    return grad_step, apply_step


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument('--steps', type=int, default=30)
    p.add_argument('--batch', type=int, default=128)
    mode = p.add_mutually_exclusive_group()
    mode.add_argument('--generic', action='store_true')
    mode.add_argument('--single', action='store_true')
    args = p.parse_args(argv)
    specs = [((None, SIZES[0]), K.floatx()), ((None, SIZES[-1]), K.floatx())]
    if args.single:
        comm, runtime = None, 'one process'
    elif args.generic:
        from minikeras.backend.parallel.mpi import MPICommunicator
        from minikeras.backend import distribute_generic
        comm, runtime = MPICommunicator(timeout_s=120.), 'generic mpi4py'
        build = distribute_generic.data_parallel_step
    else:
        from minikeras import distribute
        distribute.init()
        comm = distribute.communicator()
        runtime, build = comm.runtime, K.data_parallel_step
    grad_step, apply_step = model()
    if comm is None:
        def fn(x, y):
            outputs, grads, _ = grad_step(x, y)
            return outputs, apply_step(*grads)
        step = K.compiled_function(fn, specs, name='mlp_step')
        rank, world = 0, 1
    else:
        step = build(grad_step, apply_step, specs, comm, name='mlp_step')
        rank, world = comm.rank, comm.world_size
    rng = np.random.RandomState(1)
    x = rng.rand(args.batch, SIZES[0]).astype(K.floatx())
    y = np.eye(SIZES[-1], dtype=K.floatx())[rng.randint(0, SIZES[-1], args.batch)]
    rows = np.array_split(np.arange(args.batch), world)[rank]
    times = []
    for i in range(args.steps + 3):
        start = time.perf_counter()
        step(x[rows], y[rows])
        if i >= 3:
            times.append(time.perf_counter() - start)
    if rank == 0:
        print('%s %s: %d worker(s), global batch %d: median step %.1f ms (mean %.1f ms, '
              '%d steps)' % (K.backend(), runtime, world, args.batch,
                             1e3 * np.median(times), 1e3 * np.mean(times), args.steps))
    if comm is not None:
        comm.barrier()


if __name__ == '__main__':
    main(sys.argv[1:])
