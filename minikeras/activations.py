"""Activation functions (Keras 2 ``keras.activations``), written with backend ops."""
import minikeras.backend as K
from minikeras.utils.generic_utils import deserialize_keras_object, serialize_keras_object


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


def serialize(activation):
    return serialize_keras_object(activation)


def deserialize(name, custom_objects=None):
    return deserialize_keras_object(name, module_objects=_OBJECTS,
                                    custom_objects=custom_objects,
                                    printable_module_name='activation function')


def get(identifier):
    """An activation function from a name, a serialized dict, a callable, or ``None``
    (-> ``linear``)."""
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError('Could not interpret activation function identifier: %r (expected a '
                     'name such as "relu", a callable or None)' % (identifier,))
