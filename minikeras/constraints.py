"""Weight constraints (Keras 2 ``keras.constraints``): ``c(w)`` returns the projected
weight tensor; optimizers apply a variable's ``.constraint`` after each update."""
import minikeras.backend as K
from minikeras.utils.generic_utils import ObjectLookup


def _axis(axis):
    if isinstance(axis, list):
        return tuple(axis)
    return axis


def _norms(w, axis):
    return K.sqrt(K.sum(K.square(w), axis=_axis(axis), keepdims=True))


class Constraint(object):
    """Base class: ``__call__(w)`` returns ``w`` projected."""

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class MaxNorm(Constraint):
    """Rescale the weights sharing an index along the other axes so their norm along
    ``axis`` is at most ``max_value``. Dense kernels (in, out): axis=0; conv kernels
    (h, w, in, out): axis=[0, 1, 2]."""

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = K.clip(norms, 0, self.max_value)
        return w * (desired / (K.epsilon() + norms))

    def get_config(self):
        return {'max_value': self.max_value, 'axis': self.axis}


class NonNeg(Constraint):
    """Negative weights become zero."""

    def __call__(self, w):
        return w * K.cast(K.greater_equal(w, 0.), K.floatx())


class UnitNorm(Constraint):
    """Weights divided by their norm along ``axis``."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (K.epsilon() + _norms(w, self.axis))

    def get_config(self):
        return {'axis': self.axis}


class MinMaxNorm(Constraint):
    """Norms along ``axis`` moved into [min_value, max_value]; ``rate`` in (0, 1] sets how
    far per step (1: all the way)."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        if min_value > max_value:
            raise ValueError('MinMaxNorm: min_value (%r) is larger than max_value (%r)'
                             % (min_value, max_value))
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = (self.rate * K.clip(norms, self.min_value, self.max_value) +
                   (1 - self.rate) * norms)
        return w * (desired / (K.epsilon() + norms))

    def get_config(self):
        return {'min_value': self.min_value, 'max_value': self.max_value,
                'rate': self.rate, 'axis': self.axis}


# Keras 2 aliases
max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm
maxnorm = max_norm
nonneg = non_neg
unitnorm = unit_norm

_OBJECTS = {
    'Constraint': Constraint, 'MaxNorm': MaxNorm, 'NonNeg': NonNeg, 'UnitNorm': UnitNorm,
    'MinMaxNorm': MinMaxNorm, 'max_norm': max_norm, 'non_neg': non_neg,
    'unit_norm': unit_norm, 'min_max_norm': min_max_norm, 'maxnorm': maxnorm,
    'nonneg': nonneg, 'unitnorm': unitnorm,
}


serialize, deserialize, get = ObjectLookup(
    _OBJECTS, 'constraint', names_are_classes=True, none=None).functions()
