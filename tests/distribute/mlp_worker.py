"""A worker of the distributed tests: trains a small MLP and saves its weights.

    python mlp_worker.py OUT.npz [--epochs E] [--batch B] [--shuffle] [--initial-epoch I]
                         [--load W.npz] [--checkpoint DIR]

Run alone it is plain fit; under minikeras-launch it trains data-parallel."""
import argparse
import os
import signal
import sys

import numpy as np

import minikeras.backend as K
from minikeras import distribute
from minikeras.callbacks import Callback
from minikeras.layers import BatchNormalization, Dense
from minikeras.models import Sequential
from minikeras.optimizers import Adam
from minikeras.utils import Sequence


def data():
    rng = np.random.RandomState(7)
    x = rng.normal(size=(70, 6))
    y = (x[:, :1] * 0.5 - x[:, 1:2] + 0.1 * rng.normal(size=(70, 1)))
    return x.astype(K.floatx()), y.astype(K.floatx())


def build(batchnorm):
    np.random.seed(3)
    model = Sequential([Dense(8, activation='tanh', input_shape=(6,), name='d1')] +
                       ([BatchNormalization(name='bn')] if batchnorm else []) +
                       [Dense(1, name='d2')])
    model.compile(Adam(0.01, clipnorm=1.0), 'mse', metrics=['mae'])
    return model


class Batches(Sequence):
    def __init__(self, x, y, size):
        self.x, self.y, self.size = x, y, size

    def __len__(self):
        return (len(self.x) + self.size - 1) // self.size

    def __getitem__(self, i):
        return self.x[i * self.size:(i + 1) * self.size], self.y[i * self.size:(i + 1) * self.size]


class Killer(Callback):
    """Kill this worker (SIGKILL, as a crash or an out-of-memory kill would) at a step."""

    def __init__(self, at):
        super(Killer, self).__init__()
        self.at, self.seen = at, 0

    def on_batch_end(self, batch, logs=None):
        self.seen += 1
        if self.seen == self.at:
            os.kill(os.getpid(), signal.SIGKILL)


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument('out')
    p.add_argument('--epochs', type=int, default=2)
    p.add_argument('--batch', type=int, default=16)
    p.add_argument('--shuffle', action='store_true')
    p.add_argument('--batchnorm', action='store_true')
    p.add_argument('--initial-epoch', type=int, default=0)
    p.add_argument('--load', default=None)
    p.add_argument('--checkpoint', default=None)
    p.add_argument('--resume', default=None, help='a full model file (with optimizer)')
    p.add_argument('--sequence', type=int, default=0,
                   help='feed a Sequence of batches of this size instead of arrays')
    p.add_argument('--kill-rank', type=int, default=None)
    p.add_argument('--kill-at', type=int, default=None, help='global step to die at')
    a = p.parse_args(argv)
    K.set_floatx('float64')
    x, y = data()
    if a.resume:
        from minikeras.models import load_model
        model = load_model(a.resume)
    else:
        model = build(a.batchnorm)
    callbacks = []
    if a.load:
        model.load_weights(a.load)
    if a.kill_rank is not None and distribute.rank() == a.kill_rank:
        callbacks.append(Killer(a.kill_at))
    if a.checkpoint:
        from minikeras.callbacks import ModelCheckpoint
        callbacks.append(ModelCheckpoint(os.path.join(a.checkpoint, 'w{epoch:02d}.h5')))
    np.random.seed(11)
    if a.sequence:
        hist = model.fit_generator(Batches(x, y, a.sequence), epochs=a.epochs, verbose=0,
                                   callbacks=callbacks, initial_epoch=a.initial_epoch)
    else:
        hist = model.fit(x, y, batch_size=a.batch, epochs=a.epochs, shuffle=a.shuffle,
                         verbose=0, callbacks=callbacks, initial_epoch=a.initial_epoch)
    if distribute.is_chief():
        np.savez(a.out, *model.get_weights(), loss=np.array(hist.history['loss']))
    distribute.shutdown()


if __name__ == '__main__':
    main(sys.argv[1:])
