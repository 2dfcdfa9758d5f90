"""Activation layers with parameters (Keras 2): LeakyReLU, PReLU, ELU, ThresholdedReLU,
Softmax, ReLU."""
import numbers

import minikeras.backend as K
from minikeras.layers.base import ElementwiseLayer, InputSpec
from minikeras.layers.core import base_config, check_float
from minikeras.layers.weight_options import (
    add_role_weight, set_weight_options, weight_options_config)


class LeakyReLU(ElementwiseLayer):
    """``x`` if x > 0 else ``alpha * x``."""

    def __init__(self, alpha=0.3, **kwargs):
        super(LeakyReLU, self).__init__(**kwargs)
        self.alpha = check_float('LeakyReLU', 'alpha', alpha)

    def call(self, inputs):
        return K.relu(inputs, alpha=self.alpha)

    def get_config(self):
        return base_config(self, {'alpha': self.alpha})


class PReLU(ElementwiseLayer):
    """``x`` if x > 0 else ``alpha * x`` with a learned ``alpha`` of the input's shape
    (without the batch axis); ``shared_axes`` (1-indexed like the input) share one alpha."""

    def __init__(self, alpha_initializer='zeros', alpha_regularizer=None,
                 alpha_constraint=None, shared_axes=None, **kwargs):
        super(PReLU, self).__init__(**kwargs)
        set_weight_options(self, locals(), ('alpha',))
        if shared_axes is None:
            self.shared_axes = None
        else:
            axes = [shared_axes] if isinstance(shared_axes, numbers.Integral) \
                else list(shared_axes)
            if not all(isinstance(a, numbers.Integral) and a >= 1 for a in axes):
                raise ValueError('PReLU: shared_axes must be axis numbers >= 1 (axis 0 is '
                                 'the batch), received shared_axes=%r' % (shared_axes,))
            self.shared_axes = [int(a) for a in axes]

    def build(self, input_shape):
        param_shape = list(input_shape[1:])
        for a in self.shared_axes or []:
            if a > len(param_shape):
                raise ValueError('layer %s (PReLU): shared axis %d does not exist in an '
                                 'input of shape %s' % (self.name, a, tuple(input_shape)))
            param_shape[a - 1] = 1
        if any(d is None for d in param_shape):
            raise ValueError('layer %s (PReLU): every non-shared axis of the input must have '
                             'a known size, received shape %s (use shared_axes for axes of '
                             'unknown size)' % (self.name, tuple(input_shape)))
        self.alpha = add_role_weight(self, 'alpha', 'alpha', tuple(param_shape))
        axes = {}
        for i in range(1, len(input_shape)):
            if not self.shared_axes or i not in self.shared_axes:
                axes[i] = input_shape[i]
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)
        self.built = True

    def call(self, inputs):
        pos = K.relu(inputs)
        return K.add(pos, K.multiply(self.alpha, K.subtract(inputs, pos)))

    def get_config(self):
        config = weight_options_config(self, ('alpha',))
        config['shared_axes'] = self.shared_axes
        return base_config(self, config)


class ELU(ElementwiseLayer):
    """``x`` if x > 0 else ``alpha * (exp(x) - 1)``."""

    def __init__(self, alpha=1.0, **kwargs):
        super(ELU, self).__init__(**kwargs)
        self.alpha = check_float('ELU', 'alpha', alpha)

    def call(self, inputs):
        return K.elu(inputs, self.alpha)

    def get_config(self):
        return base_config(self, {'alpha': self.alpha})


class ThresholdedReLU(ElementwiseLayer):
    """``x`` if x > theta else 0."""

    def __init__(self, theta=1.0, **kwargs):
        super(ThresholdedReLU, self).__init__(**kwargs)
        self.theta = check_float('ThresholdedReLU', 'theta', theta, 0.)

    def call(self, inputs):
        return K.multiply(inputs, K.cast(K.greater(inputs, self.theta), K.dtype(inputs)))

    def get_config(self):
        return base_config(self, {'theta': self.theta})


class Softmax(ElementwiseLayer):
    """Softmax along ``axis``."""

    def __init__(self, axis=-1, **kwargs):
        super(Softmax, self).__init__(**kwargs)
        if not isinstance(axis, numbers.Integral) or isinstance(axis, bool):
            raise ValueError('Softmax: axis must be an integer, received axis=%r' % (axis,))
        self.axis = int(axis)

    def call(self, inputs):
        return K.softmax(inputs, axis=self.axis)

    def get_config(self):
        return base_config(self, {'axis': self.axis})


class ReLU(ElementwiseLayer):
    """``min(max_value, x)`` if x >= threshold else ``negative_slope * (x - threshold)``."""

    def __init__(self, max_value=None, negative_slope=0., threshold=0., **kwargs):
        super(ReLU, self).__init__(**kwargs)
        if max_value is not None:
            max_value = check_float('ReLU', 'max_value', max_value, 0.)
        self.max_value = max_value
        self.negative_slope = check_float('ReLU', 'negative_slope', negative_slope, 0.)
        self.threshold = check_float('ReLU', 'threshold', threshold)

    def call(self, inputs):
        return K.relu(inputs, alpha=self.negative_slope, max_value=self.max_value,
                      threshold=self.threshold)

    def get_config(self):
        return base_config(self, {'max_value': self.max_value,
                                  'negative_slope': self.negative_slope,
                                  'threshold': self.threshold})
