"""All-reduce time per MB between workers of minikeras.distribute, and the step time
it projects for N workers (docs/DISTRIBUTED.md). Run it on 2 workers:

    minikeras-launch -n 2 python benchmarks/allreduce.py [--repeats 20] [--max-mb 64]

It times ``communicator().allreduce_sum`` (the one collective of a data-parallel step)
for float32 buffers of 4 KB .. max-mb MB, fits ``t = latency + bytes / bandwidth``, and
prints the ring all-reduce projection for the MNIST MLP and a ResNet50-sized model on
10 and 100 Gb/s networks. Never run by the tests."""
import argparse
import sys
import time

import numpy as np

from minikeras import distribute

MODELS = (('MNIST MLP 784-512-512-10', 669706, 0.007),     # params, compute s/step
          ('ResNet50-sized', 25600000, 0.30))
NETWORKS = (('10 Gb/s', 10e9 / 8, 50e-6), ('100 Gb/s', 100e9 / 8, 10e-6))
WORKERS = (2, 8, 64)


def measure(comm, sizes_mb, repeats):
    rows = []
    for mb in sizes_mb:
        buf = np.ones(int(mb * 2 ** 20 / 4), dtype=np.float32)
        comm.allreduce_sum([buf])                    # warm up
        times = []
        for _ in range(repeats):
            comm.barrier()
            start = time.perf_counter()
            comm.allreduce_sum([buf])
            times.append(time.perf_counter() - start)
        rows.append((mb, float(np.median(times))))
    return rows


def fit_line(rows):
    """(latency s, bandwidth bytes/s) of the least-squares line through the rows."""
    x = np.array([mb * 2 ** 20 for mb, _ in rows])
    y = np.array([t for _, t in rows])
    slope, intercept = np.polyfit(x, y, 1)
    return max(float(intercept), 0.), 1. / float(slope)


def ring_allreduce(n, nbytes, bandwidth, latency):
    """Ring all-reduce: 2 (n - 1) / n of the bytes cross each link, in 2 (n - 1) steps."""
    if n == 1:
        return 0.
    return 2. * (n - 1) / n * nbytes / bandwidth + 2. * (n - 1) * latency


def projection_table():
    lines = ['| model (float32 grads) | network | N | all-reduce | step (compute + all-reduce) '
             '| speed-up vs 1 worker |', '|---|---|---|---|---|---|']
    for name, params, compute in MODELS:
        nbytes = 4. * params
        for net, bandwidth, latency in NETWORKS:
            for n in WORKERS:
                comm = ring_allreduce(n, nbytes, bandwidth, latency)
                step = compute + comm
                lines.append('| %s (%.1f MB) | %s | %d | %.1f ms | %.1f ms | %.1fx |'
                             % (name, nbytes / 1e6, net, n, comm * 1e3, step * 1e3,
                                n * compute / step))
    return '\n'.join(lines)


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument('--repeats', type=int, default=20)
    p.add_argument('--max-mb', type=float, default=64.)
    args = p.parse_args(argv)
    distribute.init()
    comm = distribute.communicator()
    sizes = [s for s in (0.004, 0.0625, 0.25, 1., 4., 16., 64., 256.) if s <= args.max_mb]
    rows = measure(comm, sizes, args.repeats)
    if distribute.is_chief():
        print('all-reduce (sum) of float32 buffers, %d workers, runtime %s, median of %d'
              % (comm.world_size, comm.runtime, args.repeats))
        print('| MB | ms | ms per MB |\n|---|---|---|')
        for mb, t in rows:
            print('| %g | %.3f | %.3f |' % (mb, t * 1e3, t * 1e3 / mb))
        latency, bandwidth = fit_line([r for r in rows if r[0] >= 0.25])
        print('fit: latency %.3f ms, effective bandwidth %.2f GB/s (%.1f ms per MB)'
              % (latency * 1e3, bandwidth / 1e9, 2 ** 20 / bandwidth * 1e3))
        print()
        print(projection_table())
    distribute.shutdown()


if __name__ == '__main__':
    main(sys.argv[1:])
