"""Noise layers, active in the training phase only (Keras 2): GaussianNoise,
GaussianDropout, AlphaDropout."""
import numpy as np

import minikeras.backend as K
from minikeras.layers.base import ElementwiseLayer
from minikeras.layers.core import _noise_shape, base_config, check_float, check_int


class GaussianNoise(ElementwiseLayer):
    """Adds zero-mean Gaussian noise of standard deviation ``stddev`` in training."""

    def __init__(self, stddev, **kwargs):
        super(GaussianNoise, self).__init__(**kwargs)
        self.stddev = check_float('GaussianNoise', 'stddev', stddev, 0.)

    def call(self, inputs, training=None):
        def noised():
            return K.add(inputs, K.random_normal(K.shape(inputs), mean=0.,
                                                 stddev=self.stddev,
                                                 dtype=K.dtype(inputs)))
        return K.in_train_phase(noised, inputs, training=training)

    def get_config(self):
        return base_config(self, {'stddev': self.stddev})


class GaussianDropout(ElementwiseLayer):
    """Multiplies by Gaussian noise of mean 1 and stddev sqrt(rate / (1 - rate)) in
    training."""

    def __init__(self, rate, **kwargs):
        super(GaussianDropout, self).__init__(**kwargs)
        self.rate = check_float('GaussianDropout', 'rate', rate, 0., 1., high_open=True)

    def call(self, inputs, training=None):
        if 0 < self.rate < 1:
            def noised():
                stddev = float(np.sqrt(self.rate / (1.0 - self.rate)))
                return K.multiply(inputs, K.random_normal(K.shape(inputs), mean=1.0,
                                                          stddev=stddev,
                                                          dtype=K.dtype(inputs)))
            return K.in_train_phase(noised, inputs, training=training)
        return inputs

    def get_config(self):
        return base_config(self, {'rate': self.rate})


class AlphaDropout(ElementwiseLayer):
    """Dropout that keeps the mean and variance of SELU activations: dropped entries are
    set to -alpha * scale, then an affine map restores the statistics."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super(AlphaDropout, self).__init__(**kwargs)
        self.rate = check_float('AlphaDropout', 'rate', rate, 0., 1., high_open=True)
        self.noise_shape = _noise_shape(noise_shape, 'AlphaDropout')
        if seed is not None:
            seed = check_int('AlphaDropout', 'seed', seed, minimum=0)
        self.seed = seed

    def _get_noise_shape(self, inputs):
        if self.noise_shape is None:
            return K.shape(inputs)
        if all(d is not None for d in self.noise_shape):
            return self.noise_shape
        static = K.int_shape(inputs)
        if any(d is None and static[i] is None for i, d in enumerate(self.noise_shape)):
            raise ValueError('layer %s (AlphaDropout): noise_shape %r has None for an axis '
                             'of unknown length in input of shape %s'
                             % (self.name, self.noise_shape, static))
        return tuple(static[i] if d is None else d for i, d in enumerate(self.noise_shape))

    def call(self, inputs, training=None):
        if 0. < self.rate < 1.:
            rate = self.rate
            dtype = K.dtype(inputs)

            def dropped_inputs():
                alpha = 1.6732632423543772848170429916717
                scale = 1.0507009873554804934193349852946
                alpha_p = -alpha * scale
                kept = K.cast(K.greater_equal(
                    K.random_uniform(self._get_noise_shape(inputs), dtype=dtype,
                                     seed=self.seed), rate), dtype)
                a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
                b = -a * alpha_p * rate
                x = K.add(K.multiply(inputs, kept),
                          K.multiply(alpha_p, K.subtract(1.0, kept)))
                return K.add(K.multiply(a, x), b)
            return K.in_train_phase(dropped_inputs, inputs, training=training)
        return inputs

    def get_config(self):
        return base_config(self, {'rate': self.rate, 'noise_shape': self.noise_shape,
                                  'seed': self.seed})
