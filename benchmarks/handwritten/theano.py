"""The MNIST MLP step written directly in Theano 1.0 or PyTensor (its maintained fork): one
``function`` with shared variables for weights and RMSprop accumulators, the forward pass,
Keras 2 categorical cross-entropy (normalise, clip, -sum y log p), ``grad`` and the
RMSprop updates (Keras 2 math) as ``updates=``. Dropout masks come from the engine's
random streams (Theano: MRG_RandomStreams, as Keras 2 used; PyTensor: a shared
generator from ``pytensor.tensor.random.shared_rng``).

Which implementation: the one minikeras loaded if it is already imported, else
``MINIKERAS_THEANO_IMPL``, else PyTensor when installed, else Theano. Flags are whatever
the process has (the benchmark imports minikeras first, which sets ``floatX=float32`` and,
for PyTensor, ``linker=cvm``): both steps compile under the same configuration.
"""
import importlib
import os
import sys

import numpy as np


class _PyTensorStream(object):
    """PyTensor's current random API (``shared_rng`` + ``rng.uniform``), shaped like
    Theano's streams: the generator state advances on every call of the function."""

    def __init__(self, seed):
        import pytensor.tensor.random as ptr
        self.rng = ptr.shared_rng(np.random.default_rng(seed))
        self.current = self.rng

    def uniform(self, size):
        # chain the draws (each from the previous draw's generator) and store the last
        self.current, value = self.current.uniform(0., 1., size=size)
        self.rng.default_update = self.current
        return value


def _engine():
    if 'pytensor' in sys.modules:
        name = 'pytensor'
    elif 'theano' in sys.modules and hasattr(sys.modules['theano'], 'function'):
        name = 'theano'
    else:
        name = os.environ.get('MINIKERAS_THEANO_IMPL', '').strip()
        if not name:
            try:
                importlib.import_module('pytensor')
                name = 'pytensor'
            except ImportError:
                name = 'theano'
    th = importlib.import_module(name)
    T = importlib.import_module(name + '.tensor')
    if name == 'theano':
        from theano.sandbox.rng_mrg import MRG_RandomStreams as Streams
        softmax = T.nnet.softmax
    else:
        Streams = _PyTensorStream
        from pytensor.tensor.special import softmax as _softmax

        def softmax(z):
            return _softmax(z, axis=-1)
    return name, th, T, Streams, softmax


IMPL, th, T, _Streams, _softmax = _engine()
VERSION = th.__version__


def build(weights, lr=0.001, rho=0.9, eps=1e-7, dropout=0.2, seed=1234):
    """The compiled step (not yet called): ``f(x, y) -> loss``, plus its shared variables."""
    floatx = 'float32'
    params = [th.shared(np.asarray(w, dtype=floatx), name='w%d' % i)
              for i, w in enumerate(weights)]
    accums = [th.shared(np.zeros(np.shape(w), dtype=floatx), name='a%d' % i)
              for i, w in enumerate(weights)]
    srng = _Streams(seed)
    x = T.matrix('x', dtype=floatx)
    y = T.matrix('y', dtype=floatx)
    w1, b1, w2, b2, w3, b3 = params

    def drop(h):
        if not dropout:
            return h
        keep = T.cast(srng.uniform(size=h.shape) >= dropout, floatx)
        return h * keep * np.float32(1. / (1. - dropout))

    h = drop(T.maximum(T.dot(x, w1) + b1, 0.))
    h = drop(T.maximum(T.dot(h, w2) + b2, 0.))
    p = _softmax(T.dot(h, w3) + b3)
    p = T.clip(p / p.sum(axis=-1, keepdims=True), eps, 1. - eps)
    loss = T.mean(-T.sum(y * T.log(p), axis=-1))
    grads = th.grad(loss, params)
    updates = []
    for v, a, g in zip(params, accums, grads):
        new_a = rho * a + (1. - rho) * T.sqr(g)
        updates.append((a, T.cast(new_a, floatx)))
        updates.append((v, T.cast(v - lr * g / (T.sqrt(new_a) + eps), floatx)))
    f = th.function([x, y], loss, updates=updates, name='handwritten_mlp_step')
    return f, params, accums


def make_step(weights, lr=0.001, rho=0.9, eps=1e-7, dropout=0.2):
    f, params, _ = build(weights, lr, rho, eps, dropout)

    def run(xb, yb):
        return f(xb, yb)
    run.parameters = params
    return run


def configure_threads(n):
    pass    # Theano/PyTensor's GEMM threads come from OMP_NUM_THREADS, set before import
