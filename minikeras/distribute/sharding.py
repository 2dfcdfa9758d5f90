"""Which samples (or batches) each worker trains on: every sample index exactly once per
epoch across the workers.

Arrays: the epoch's order of sample indices is the same on every worker (a permutation
drawn from ``seed + epoch``, the seed agreed by broadcast from the chief); each global
batch of ``batch_size`` indices is split in ``world_size`` contiguous parts, worker
``rank`` takes part ``rank``. Generators and ``Sequence``s are sharded by batch: global
step ``s`` is batches ``s * world_size .. s * world_size + world_size - 1``, worker
``rank`` takes the ``rank``-th (none when the epoch has fewer batches left).
"""
import numpy as np


def epoch_order(samples, batch_size, shuffle, seed, epoch):
    """Sample indices of one epoch, identical on every worker: in order, shuffled
    (``shuffle=True``) or shuffled by whole batches (``shuffle='batch'``)."""
    order = np.arange(samples)
    if not shuffle:
        return order
    rng = np.random.RandomState((int(seed) + int(epoch)) % (2 ** 32))
    if shuffle == 'batch':
        full = (samples // batch_size) * batch_size
        blocks = order[:full].reshape(-1, batch_size)
        rng.shuffle(blocks)
        return np.concatenate([blocks.ravel(), order[full:]])
    return rng.permutation(samples)


def local_part(indices, rank, world_size):
    """Worker ``rank``'s contiguous part of ``indices`` (parts differ by at most one)."""
    return np.array_split(np.asarray(indices), world_size)[rank]


def array_batches(order, batch_size, rank, world_size):
    """Worker ``rank``'s sample indices for each global batch of ``order``."""
    for start in range(0, len(order), batch_size):
        yield local_part(order[start:start + batch_size], rank, world_size)


def global_steps(batches, world_size):
    """Global steps needed for ``batches`` batches shared by ``world_size`` workers."""
    return (int(batches) + world_size - 1) // world_size


def batch_of_step(step, rank, world_size, batches):
    """Index of the batch worker ``rank`` trains on at global ``step`` (None: no batch
    left for it in this epoch)."""
    index = step * world_size + rank
    return index if index < batches else None
