"""fit / evaluate / predict honour workers, use_multiprocessing and max_queue_size for a
Sequence (Keras 2.3.1): batches are read by worker threads or processes, in order."""
import threading

import numpy as np
import pytest

import minikeras.backend as K

from minikeras.layers import Dense
from minikeras.models import Sequential
from minikeras.utils import Sequence


class Numbered(Sequence):
    """Batch i holds the rows 4i..4i+3; records the threads that read it."""

    def __init__(self):
        self.x = np.arange(48, dtype='float32').reshape(16, 3) / 48.
        self.y = self.x.sum(axis=1, keepdims=True)
        self.threads = set()
        self.calls = 0
        self.epochs_ended = 0

    def __len__(self):
        return 4

    def __getitem__(self, i):
        self.threads.add(threading.current_thread().name)
        self.calls += 1
        return self.x[4 * i:4 * i + 4], self.y[4 * i:4 * i + 4]

    def on_epoch_end(self):
        self.epochs_ended += 1


def model():
    m = Sequential([Dense(1, input_shape=(3,), kernel_initializer='ones')])
    m.compile('sgd', 'mse')
    return m


def test_sequence_read_by_worker_threads_in_order():
    seq, m = Numbered(), model()
    want = m.predict(seq.x)
    got = m.predict(seq, workers=3, max_queue_size=2)
    np.testing.assert_allclose(got, want, rtol=1e-6)
    assert seq.threads and threading.current_thread().name not in seq.threads
    seq.threads.clear()
    loss = m.evaluate(seq, workers=0)  # workers=0: the main thread, as in Keras
    assert seq.threads == {threading.current_thread().name}
    np.testing.assert_allclose(loss, m.evaluate(seq.x, seq.y, verbose=0), rtol=1e-5)
    history = m.fit(seq, epochs=2, workers=2, verbose=0)
    assert len(history.history['loss']) == 2 and seq.epochs_ended >= 1


@pytest.mark.skipif(K.backend() == 'jax', reason='JAX runs threads of its own: os.fork() in a '
                    'JAX process may deadlock (JAX warns so), whatever minikeras does')
def test_sequence_read_by_worker_processes():
    seq, m = Numbered(), model()
    want = m.predict(seq.x)
    got = m.predict(seq, workers=2, use_multiprocessing=True)
    np.testing.assert_allclose(got, want, rtol=1e-6)
    assert seq.calls == 0  # every batch was read in a worker process


def test_compile_target_tensors():
    from minikeras.layers import Input
    from minikeras.models import Model
    x = np.random.RandomState(0).uniform(-1, 1, (8, 3)).astype('float32')
    y = x.sum(axis=1, keepdims=True)
    m = Sequential([Dense(1, input_shape=(3,), kernel_initializer='zeros')])
    m.compile('sgd', 'mse', target_tensors=[K.variable(y)])
    reference = Sequential([Dense(1, input_shape=(3,), kernel_initializer='zeros')])
    reference.compile('sgd', 'mse')
    np.testing.assert_allclose(m.evaluate(x, verbose=0), reference.evaluate(x, y, verbose=0),
                               rtol=1e-6)
    m.fit(x, batch_size=4, epochs=2, verbose=0, shuffle=False)
    reference.fit(x, y, batch_size=4, epochs=2, verbose=0, shuffle=False)
    np.testing.assert_allclose(m.get_weights()[0], reference.get_weights()[0], rtol=1e-5)
    m.train_on_batch(x, None)
    a = Input((3,), name='a')
    two = Model(a, [Dense(1, name='p')(a), Dense(1, name='q')(a)])
    two.compile('sgd', 'mse', target_tensors={'p': K.placeholder((None, 1))})
    two.fit(x, [y, y], verbose=0)  # a placeholder target is fed from y
    with pytest.raises(ValueError, match='Unknown entry in `target_tensors` dictionary'):
        two.compile('sgd', 'mse', target_tensors={'r': K.variable(y)})
        two.fit(x, verbose=0)
    two.compile('sgd', 'mse', target_tensors=[K.variable(y), None])
    with pytest.raises(ValueError, match=r"no target data given for output\(s\) \['q'\]"):
        two.fit(x, verbose=0)
    with pytest.raises(TypeError, match='target_tensors entries must be tensors'):
        m.compile('sgd', 'mse', target_tensors=['y'])
