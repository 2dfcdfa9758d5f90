"""With numpy's seed set, a training script repeats itself exactly on one engine:
initial weights, shuffling and dropout masks all follow ``np.random.seed``."""
import numpy as np

from minikeras import optimizers
from minikeras.layers import Dense, Dropout
from minikeras.models import Sequential


def curve(seed):
    np.random.seed(seed)
    rng = np.random.RandomState(0)
    x = rng.rand(64, 8).astype('float32')
    y = np.eye(3)[rng.randint(0, 3, 64)]
    model = Sequential([Dense(16, activation='relu', input_shape=(8,)), Dropout(0.5),
                        Dense(3, activation='softmax')])
    model.compile(optimizers.SGD(lr=0.1), 'categorical_crossentropy')
    return model.fit(x, y, epochs=3, batch_size=16, verbose=0).history['loss']


def test_same_seed_same_loss_curve():
    assert curve(3) == curve(3)


def test_other_seed_other_curve():
    assert curve(3) != curve(4)
