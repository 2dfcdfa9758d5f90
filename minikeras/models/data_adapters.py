"""Where fit / evaluate / predict get their batches (Keras 3's data adapters, reduced).

One adapter per kind of data, one interface for the single epoch loop of ``Model``:

- ``epoch()`` yields the batches of one epoch, each the flat list of numpy arrays the
  model's compiled function takes (inputs, then targets and sample weights);
- ``first()`` is a batch to build and compile with before the loop starts;
- ``in_memory`` is True when the whole data is known (arrays): ``samples`` is then its
  length and progress is counted in samples, otherwise in ``steps``;
- ``callback_params()`` are the counting arguments of ``configure_callbacks``.

``ArrayAdapter`` slices arrays already checked by the model. ``GeneratorAdapter`` pulls
batches from a Python generator or a ``Sequence`` and turns each into arrays with the
``prepare(x, y, sample_weight)`` function the model gives it.
"""
import inspect
import weakref

import numpy as np

from minikeras.utils.data_utils import Sequence


def is_generator_like(x):
    """True for the data the *_generator methods take: a ``Sequence``, a generator or any
    other iterator (but not arrays, lists, tuples or dicts)."""
    return isinstance(x, Sequence) or inspect.isgenerator(x) or \
        (hasattr(x, '__next__') and not isinstance(x, (np.ndarray, list, tuple, dict)))


def batch_slices(n, batch_size):
    return [(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]


def _batch_shuffle(n, batch_size):
    """shuffle='batch': whole batches change places, samples stay together."""
    order = np.arange(n)
    full = (n // batch_size) * batch_size
    blocks = order[:full].reshape(-1, batch_size)
    np.random.shuffle(blocks)
    return np.concatenate([blocks.ravel(), order[full:]])


class ArrayAdapter(object):
    """Batches of the equal-length arrays ``ins``; ``shuffle``: False, True (a new order
    of samples each epoch) or 'batch' (a new order of whole batches)."""

    in_memory = True

    def __init__(self, ins, batch_size, shuffle=False):
        self.ins = list(ins)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.samples = len(self.ins[0])

    def first(self):
        return self.ins

    def callback_params(self):
        return {'steps': None, 'samples': self.samples, 'batch_size': self.batch_size}

    def epoch(self):
        slices = batch_slices(self.samples, self.batch_size)
        if not self.shuffle:
            for start, end in slices:
                yield [a[start:end] for a in self.ins]
            return
        order = np.random.permutation(self.samples)
        if self.shuffle == 'batch':
            order = _batch_shuffle(self.samples, self.batch_size)
        for start, end in slices:
            ids = order[start:end]
            yield [a[ids] for a in self.ins]


def _endless(generator):
    """An endless iterator over the generator's batches (a Sequence is cycled, with
    ``on_epoch_end`` after each pass)."""
    if isinstance(generator, Sequence):
        def cycle():
            while True:
                for i in range(len(generator)):
                    yield generator[i]
                generator.on_epoch_end()
        return cycle()
    return generator


def _split(batch, mode):
    """(x, y, sample_weight) of a generator's batch; ``mode`` is 'fit', 'evaluate' or
    'predict' (which also takes a bare x)."""
    if not isinstance(batch, tuple) or len(batch) not in (2, 3):
        if mode == 'predict' and not isinstance(batch, tuple):
            return batch, None, None
        if mode == 'predict' and isinstance(batch, tuple) and len(batch) in (1, 2, 3):
            return batch[0], None, None
        raise ValueError('a generator for %s must yield (x, y) or (x, y, sample_weight) '
                         'tuples; received %s' % (mode, type(batch).__name__))
    return batch[0], batch[1], (batch[2] if len(batch) == 3 else None)


class GeneratorAdapter(object):
    """``steps`` batches per epoch from a generator or ``Sequence`` (``steps`` may be
    None for a Sequence: its length). Successive epochs continue the same iterator.
    A Sequence with ``workers`` > 0 is read ahead by an ``OrderedEnqueuer`` (threads, or
    processes with ``use_multiprocessing``; batches stay in order, ``shuffle`` shuffles
    their order each epoch), stopped when the adapter is dropped."""

    in_memory = False
    samples = None
    # Keras 2.3.1's evaluate_generator (also fit's validation on a generator or Sequence)
    # reports the loss of the last batch, not the mean over batches; metrics run over all.
    reports_last_batch_loss = True

    def __init__(self, generator, steps, mode, prepare, workers=0, use_multiprocessing=False,
                 max_queue_size=10, shuffle=False):
        if steps is not None:
            self.steps = int(steps)
        elif isinstance(generator, Sequence):
            self.steps = len(generator)
        else:
            raise ValueError('%s_generator: steps must be given when the data is a Python '
                             'generator' % mode)
        if isinstance(generator, Sequence) and workers > 0:
            from minikeras.utils.enqueuers import OrderedEnqueuer
            enqueuer = OrderedEnqueuer(generator, use_multiprocessing, shuffle=shuffle)
            enqueuer.start(workers=int(workers), max_queue_size=int(max_queue_size))
            weakref.finalize(self, enqueuer.stop)
            self._batches = enqueuer.get()
        else:
            self._batches = _endless(generator)
        self._mode = mode
        self._prepare = prepare
        self._pending = []

    def _next(self):
        return self._prepare(*_split(next(self._batches), self._mode))

    def first(self):
        if not self._pending:
            self._pending.append(self._next())
        return self._pending[0]

    def callback_params(self):
        return {'steps': self.steps, 'samples': None, 'batch_size': None,
                'count_mode': 'steps'}

    def epoch(self):
        for _ in range(self.steps):
            yield self._pending.pop() if self._pending else self._next()


class Validation(object):
    """fit's validation data: ``adapter()`` makes a fresh adapter for each validation run
    (a Sequence starts again at its first batch); ``ins`` are the arrays when the data is
    in memory (compiled before training starts), else None."""

    def __init__(self, make_adapter, ins=None):
        self.adapter = make_adapter
        self.ins = ins
