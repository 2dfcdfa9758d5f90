"""BatchNormalization (Keras 2)."""
import numbers

import minikeras.backend as K
from minikeras.layers.base import InputSpec, Layer
from minikeras.layers.core import base_config, check_bool, check_float
from minikeras.layers.weight_options import (
    add_role_weight, set_weight_options, weight_options_config)

_ROLES = ('beta', 'gamma')
_STATISTICS = ('moving_mean', 'moving_variance')


class BatchNormalization(Layer):
    """Normalize the activations of the previous layer per feature along ``axis``.

    Training phase: normalize with the batch mean and (biased) variance, and move
    ``moving_mean`` / ``moving_variance`` towards the batch mean and unbiased variance
    (``moving = moving * momentum + batch * (1 - momentum)``) through ``add_update``.
    Test phase: normalize with the moving statistics. Weights: gamma, beta (trainable),
    moving_mean, moving_variance (not trainable).
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer='zeros', gamma_initializer='ones',
                 moving_mean_initializer='zeros', moving_variance_initializer='ones',
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        super(BatchNormalization, self).__init__(**kwargs)
        self.supports_masking = True
        if not isinstance(axis, numbers.Integral) or isinstance(axis, bool):
            raise ValueError('BatchNormalization: axis must be an integer (the feature '
                             'axis), received axis=%r' % (axis,))
        self.axis = int(axis)
        self.momentum = check_float('BatchNormalization', 'momentum', momentum, 0., 1.)
        self.epsilon = check_float('BatchNormalization', 'epsilon', epsilon, 0.,
                                   low_open=True)
        self.center = check_bool('BatchNormalization', 'center', center)
        self.scale = check_bool('BatchNormalization', 'scale', scale)
        set_weight_options(self, locals(), _ROLES, initialized=_STATISTICS)

    def _feature_axis(self, ndim):
        if not -ndim <= self.axis < ndim or self.axis % ndim == 0:
            raise ValueError('layer %s (BatchNormalization): axis=%d is not a feature axis of '
                             'an input with %d axes (axis 0 is the batch)'
                             % (self.name, self.axis, ndim))
        return self.axis % ndim

    def build(self, input_shape):
        axis = self._feature_axis(len(input_shape))
        dim = input_shape[axis]
        if dim is None:
            raise ValueError('layer %s (BatchNormalization): axis %d of the input must have a '
                             'known size, received shape %s'
                             % (self.name, self.axis, tuple(input_shape)))
        self.input_spec = InputSpec(ndim=len(input_shape), axes={axis: dim})
        shape = (dim,)
        self.gamma = add_role_weight(self, 'gamma', 'gamma', shape) if self.scale else None
        self.beta = add_role_weight(self, 'beta', 'beta', shape) if self.center else None
        self.moving_mean = self.add_weight(name='moving_mean', shape=shape,
                                           initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight(name='moving_variance', shape=shape,
                                               initializer=self.moving_variance_initializer,
                                               trainable=False)
        self.built = True

    def call(self, inputs, training=None):
        ndim = K.ndim(inputs)
        axis = self._feature_axis(ndim)

        def normalize_inference():
            return K.batch_normalization(inputs, self.moving_mean, self.moving_variance,
                                         self.beta, self.gamma, axis=axis,
                                         epsilon=self.epsilon)

        if training is None:
            training = K.learning_phase()
        if not training:
            return normalize_inference()

        reduction_axes = [i for i in range(ndim) if i != axis]
        mean = K.mean(inputs, axis=reduction_axes)
        variance = K.var(inputs, axis=reduction_axes)
        normed = K.batch_normalization(inputs, mean, variance, self.beta, self.gamma,
                                       axis=axis, epsilon=self.epsilon)
        # unbiased variance for the moving statistic (Keras 2: n / (n - (1 + epsilon)))
        dtype = K.dtype(inputs)
        total = K.prod(K.cast(K.shape(inputs), dtype))
        features = float(K.int_shape(self.moving_mean)[0])
        sample_size = K.divide(total, features)
        unbiased = K.multiply(variance, K.divide(
            sample_size, K.subtract(sample_size, 1.0 + self.epsilon)))
        self.add_update([K.moving_average_update(self.moving_mean, mean, self.momentum),
                         K.moving_average_update(self.moving_variance, unbiased,
                                                 self.momentum)], inputs)
        return normed

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {'axis': self.axis, 'momentum': self.momentum, 'epsilon': self.epsilon,
                  'center': self.center, 'scale': self.scale}
        config.update(weight_options_config(self, _ROLES, initialized=_STATISTICS))
        return base_config(self, config)
