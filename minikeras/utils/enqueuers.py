"""Keras 2.3.1's enqueuers: batches of a ``Sequence`` or a generator prepared ahead by
worker threads or processes, handed out in order.

``OrderedEnqueuer(sequence, use_multiprocessing=False, shuffle=False)``:
``start(workers, max_queue_size)``, then ``get()`` yields batches forever, epoch after
epoch (``on_epoch_end`` between them), in index order (shuffled per epoch if asked);
``stop()``. ``GeneratorEnqueuer`` does the same for a (thread-safe) generator.
"""
import collections
import itertools
import multiprocessing
import queue
import random
import threading
from multiprocessing.pool import ThreadPool

_PROCESS_SEQUENCE = [None]   # the Sequence as seen by a worker process (set by fork)


def _process_get(index):
    return _PROCESS_SEQUENCE[0][index]


def _set_process_sequence(sequence):
    _PROCESS_SEQUENCE[0] = sequence


class SequenceEnqueuer(object):
    """Base class: ``start``, ``get``, ``stop``, ``is_running``."""

    def __init__(self, sequence, use_multiprocessing=False):
        self.sequence = sequence
        self.use_multiprocessing = use_multiprocessing
        self.workers = 0
        self.queue = None
        self.stop_signal = None
        self.run_thread = None

    def is_running(self):
        return self.stop_signal is not None and not self.stop_signal.is_set()

    def start(self, workers=1, max_queue_size=10):
        if workers < 1:
            raise ValueError('enqueuer needs workers >= 1, received %r' % (workers,))
        self.workers = workers
        self.queue = queue.Queue(max_queue_size)
        self.stop_signal = threading.Event()
        self.run_thread = threading.Thread(target=self._run)
        self.run_thread.daemon = True
        self.run_thread.start()

    def stop(self, timeout=None):
        if self.stop_signal is None:
            return
        self.stop_signal.set()
        while True:   # unblock a producer waiting on a full queue
            try:
                self.queue.get_nowait()
            except queue.Empty:
                break
        self.run_thread.join(timeout)
        self.run_thread = None
        self.queue = None

    def _put(self, item):
        while not self.stop_signal.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def get(self):
        """Yield ``(inputs, targets[, sample_weights])`` batches while running; an
        exception raised by the data source is raised here."""
        while self.is_running() or (self.queue is not None and not self.queue.empty()):
            try:
                ok, value = self.queue.get(timeout=0.1)
            except queue.Empty:
                continue
            if not ok:
                self.stop()
                raise value
            yield value

    def _pool(self):
        if self.use_multiprocessing:
            return multiprocessing.get_context('fork').Pool(
                self.workers, initializer=_set_process_sequence,
                initargs=(self.sequence,))
        return ThreadPool(self.workers)


class OrderedEnqueuer(SequenceEnqueuer):
    def __init__(self, sequence, use_multiprocessing=False, shuffle=False):
        super(OrderedEnqueuer, self).__init__(sequence, use_multiprocessing)
        self.shuffle = shuffle

    def _run(self):
        while not self.stop_signal.is_set():
            order = list(range(len(self.sequence)))
            if self.shuffle:
                random.shuffle(order)
            pool = self._pool()
            fetch = _process_get if self.use_multiprocessing else self.sequence.__getitem__
            indices = iter(order)
            # at most this many reads in flight: stopping waits for them, never kills them
            pending = collections.deque(pool.apply_async(fetch, (i,))
                                        for i in itertools.islice(indices, 2 * self.workers))
            try:
                while pending:
                    try:
                        item = (True, pending.popleft().get())
                    except Exception as e:  # handed to the consumer, raised there
                        item = (False, e)
                    if not self._put(item) or not item[0]:
                        return
                    for i in itertools.islice(indices, 1):
                        pending.append(pool.apply_async(fetch, (i,)))
            finally:
                # close and join, not terminate: a worker process killed while it sends a
                # result holds the pool's result-queue lock for ever, and terminate then
                # waits on that lock (Pool._terminate_pool: its task handler's put)
                pool.close()
                pool.join()
            self.sequence.on_epoch_end()


class GeneratorEnqueuer(SequenceEnqueuer):
    """Several threads draw from one generator (it must be thread-safe when
    ``workers > 1``); ``use_multiprocessing`` is refused since a generator cannot be
    shared between processes."""

    def __init__(self, generator, use_multiprocessing=False, wait_time=None,
                 random_seed=None):
        if use_multiprocessing:
            raise ValueError('GeneratorEnqueuer: use_multiprocessing=True is not supported '
                             'for generators (they cannot be shared between processes); '
                             'use a keras.utils.Sequence')
        super(GeneratorEnqueuer, self).__init__(generator, False)
        self._lock = threading.Lock()

    def _next(self):
        with self._lock:
            return next(self.sequence)

    def _run(self):
        def work():
            while not self.stop_signal.is_set():
                try:
                    item = (True, self._next())
                except StopIteration:
                    self.stop_signal.set()
                    return
                except Exception as e:
                    item = (False, e)
                if not self._put(item) or not item[0]:
                    return
        threads = [threading.Thread(target=work) for _ in range(self.workers)]
        for t in threads:
            t.daemon = True
            t.start()
        for t in threads:
            t.join()


def iter_sequence_infinite(seq):
    """Iterate over a Sequence forever, epoch after epoch."""
    while True:
        for item in seq:
            yield item
