"""Small models and files the saving tests share (engine-free to build and load; no
training, so they run on the NumPy reference engine too)."""
import numpy as np

from minikeras import optimizers
from minikeras.layers import BatchNormalization, Dense
from minikeras.models import Sequential


def small_model(seed=0, compiled=True, with_slots=True):
    """Dense -> BatchNormalization -> Dense with distinct, seeded weight values, compiled
    with Adam whose slots exist (as after training) when ``with_slots``."""
    model = Sequential([Dense(5, input_shape=(4,), name='d1'),
                        BatchNormalization(name='bn'),
                        Dense(3, activation='softmax', name='d2')])
    rng = np.random.RandomState(seed)
    model.set_weights([rng.uniform(0.1, 1, w.shape).astype(w.dtype)   # > 0: a valid variance
                       for w in model.get_weights()])
    if compiled:
        model.compile(optimizers.Adam(lr=0.01), 'categorical_crossentropy',
                      metrics=['accuracy'])
        if with_slots:
            model.optimizer.build(model.trainable_weights)
            model.optimizer.set_weights([rng.uniform(0, 1, np.shape(w)).astype(w.dtype)
                                         for w in model.optimizer.get_weights()])
    return model


def x_data(n=6, seed=1):
    return np.random.RandomState(seed).rand(n, 4).astype('float32')


def same_weights(a, b):
    wa, wb = a.get_weights(), b.get_weights()
    return len(wa) == len(wb) and all(
        x.shape == y.shape and x.dtype == y.dtype and np.array_equal(x, y)
        for x, y in zip(wa, wb))
