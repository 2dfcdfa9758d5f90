"""Activation functions (Keras 2 ``keras.activations``), written with backend ops."""
import minikeras.backend as K
from minikeras.utils import object_registration
from minikeras.utils.generic_utils import ObjectLookup


def softmax(x, axis=-1):
    """Softmax along ``axis`` (the input needs at least 2 axes, as in Keras 2)."""
    ndim = K.ndim(x)
    if ndim < 2:
        raise ValueError('Cannot apply softmax to a tensor of %d axis; expected at least 2 '
                         '(batch, features). Received input: %r' % (ndim, x))
    return K.softmax(x, axis=axis)


def elu(x, alpha=1.0):
    return K.elu(x, alpha)


def selu(x):
    """Scaled ELU (Klambauer et al. 2017): scale * elu(x, alpha)."""
    return K.selu(x)


def softplus(x):
    return K.softplus(x)


def softsign(x):
    return K.softsign(x)


def relu(x, alpha=0., max_value=None, threshold=0.):
    return K.relu(x, alpha=alpha, max_value=max_value, threshold=threshold)


def tanh(x):
    return K.tanh(x)


def sigmoid(x):
    return K.sigmoid(x)


def hard_sigmoid(x):
    return K.hard_sigmoid(x)


def exponential(x):
    return K.exp(x)


def linear(x):
    return x


_OBJECTS = {
    'softmax': softmax, 'elu': elu, 'selu': selu, 'softplus': softplus,
    'softsign': softsign, 'relu': relu, 'tanh': tanh, 'sigmoid': sigmoid,
    'hard_sigmoid': hard_sigmoid, 'exponential': exponential, 'linear': linear,
}
# a model file may name these in safe mode
object_registration.register_safe_functions(__name__, _OBJECTS)

serialize, deserialize, get = ObjectLookup(
    _OBJECTS, 'activation function', none=linear,
    expected=' (expected a name such as "relu", a callable or None)').functions()
