"""Weight regularizers (Keras 2 ``keras.regularizers``): ``reg(weight)`` is a scalar
penalty tensor computed with backend ops, added to the loss by the training engine."""
import minikeras.backend as K
from minikeras.utils.generic_utils import ObjectLookup


class Regularizer(object):
    """Base class: ``__call__(x)`` returns a scalar tensor."""

    def __call__(self, x):
        return K.constant(0., dtype=K.floatx())

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _check_factor(name, value):
    if isinstance(value, bool):
        raise ValueError('%s must be a non-negative number, received %r' % (name, value))
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError('%s must be a non-negative number, received %r' % (name, value))
    if not value >= 0.:
        raise ValueError('%s must be a non-negative number, received %r' % (name, value))
    return value


class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x**2)``."""

    def __init__(self, l1=0., l2=0.):
        self.l1 = _check_factor('l1', l1)
        self.l2 = _check_factor('l2', l2)

    def __call__(self, x):
        regularization = None
        if self.l1:
            regularization = self.l1 * K.sum(K.abs(x))
        if self.l2:
            term = self.l2 * K.sum(K.square(x))
            regularization = term if regularization is None else regularization + term
        if regularization is None:
            return K.constant(0., dtype=K.floatx())
        return regularization

    def get_config(self):
        return {'l1': float(self.l1), 'l2': float(self.l2)}

    def __repr__(self):
        return 'L1L2(l1=%r, l2=%r)' % (self.l1, self.l2)


def l1(l=0.01):  # noqa: E741  (Keras 2 argument name)
    return L1L2(l1=l)


def l2(l=0.01):  # noqa: E741
    return L1L2(l2=l)


def l1_l2(l1=0.01, l2=0.01):
    return L1L2(l1=l1, l2=l2)


_OBJECTS = {'Regularizer': Regularizer, 'L1L2': L1L2, 'l1': l1, 'l2': l2, 'l1_l2': l1_l2}


serialize, deserialize, get = ObjectLookup(
    _OBJECTS, 'regularizer', names_are_classes=True, none=None).functions()
