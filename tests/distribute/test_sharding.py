"""Every sample (or batch) index is trained on exactly once per epoch across workers."""
import numpy as np
import pytest

from minikeras.distribute import sharding
from minikeras.models.distributed import ShardedArrays, ShardedGenerator
from minikeras.utils import Sequence


@pytest.mark.parametrize('samples,batch,workers', [(70, 16, 2), (70, 16, 3), (64, 8, 4),
                                                   (5, 4, 3), (33, 33, 2)])
@pytest.mark.parametrize('shuffle', [False, True, 'batch'])
def test_arrays_each_sample_once_per_epoch(samples, batch, workers, shuffle):
    ids = np.arange(samples)
    for epoch in range(2):
        seen, steps = [], None
        for rank in range(workers):
            data = ShardedArrays([ids], batch, shuffle, 123, rank, workers)
            batches = [b[0] for b in data.epoch(epoch)]
            steps = len(batches) if steps is None else steps
            assert len(batches) == steps       # every worker takes part in every step
            seen.extend(np.concatenate(batches).tolist())
        assert sorted(seen) == list(range(samples))
        assert steps == (samples + batch - 1) // batch


def test_the_global_batch_is_the_single_process_batch():
    order = sharding.epoch_order(20, 8, True, 5, 0)
    parts = [list(sharding.array_batches(order, 8, r, 2)) for r in range(2)]
    for step in range(3):
        together = np.concatenate([parts[0][step], parts[1][step]])
        np.testing.assert_array_equal(together, order[step * 8:(step + 1) * 8])


def test_shuffle_differs_by_epoch_and_agrees_by_seed():
    a, b = sharding.epoch_order(50, 10, True, 9, 0), sharding.epoch_order(50, 10, True, 9, 1)
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(a, sharding.epoch_order(50, 10, True, 9, 0))


class Numbered(Sequence):
    def __init__(self, batches):
        self.batches, self.epochs = batches, 0

    def __len__(self):
        return self.batches

    def __getitem__(self, i):
        return np.array([i]), np.array([i])

    def on_epoch_end(self):
        self.epochs += 1


def numbered_generator():
    i = 0
    while True:
        yield np.array([i % 7]), np.array([i % 7])
        i += 1


def prepare(x, y, sample_weight):
    return [x, y]


@pytest.mark.parametrize('workers', [2, 3])
@pytest.mark.parametrize('kind', ['sequence', 'generator'])
def test_batches_each_once_per_epoch(workers, kind):
    for rank_lists in [[]]:
        for rank in range(workers):
            source = Numbered(7) if kind == 'sequence' else numbered_generator()
            data = ShardedGenerator(source, 7 if kind == 'generator' else None, prepare,
                                    rank, workers)
            data.first()
            for epoch in range(2):
                got = [b[0].tolist() for b in data.epoch(epoch)]
                assert len(got) == data.steps == (7 + workers - 1) // workers
                rank_lists.append((epoch, rank, sum(got, [])))
        for epoch in range(2):
            seen = sum([ids for e, _, ids in rank_lists if e == epoch], [])
            assert sorted(seen) == list(range(7))


def test_too_few_batches_for_the_workers_is_an_error():
    with pytest.raises(ValueError, match='without data'):
        ShardedGenerator(Numbered(1), None, prepare, 0, 2)
