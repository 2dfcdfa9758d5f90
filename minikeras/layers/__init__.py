"""Keras 2 layers, plus ``serialize(layer)`` / ``deserialize(config)``."""
from minikeras.layers.base import InputSpec, Layer  # noqa: F401
from minikeras.layers.input_layer import Input, InputLayer  # noqa: F401
from minikeras.layers.core import (  # noqa: F401
    ActivityRegularization, Activation, Dense, Dropout, Flatten, Lambda, Masking, Permute,
    RepeatVector, Reshape, SpatialDropout1D, SpatialDropout2D)
from minikeras.layers.convolutional import (  # noqa: F401
    Conv1D, Conv2D, Conv2DTranspose, Convolution1D, Convolution2D, Cropping1D, Cropping2D,
    Convolution2DTranspose, Deconvolution2D, DepthwiseConv2D, SeparableConv2D,
    SeparableConvolution2D, UpSampling1D,
    UpSampling2D, ZeroPadding1D, ZeroPadding2D)
from minikeras.layers.pooling import (  # noqa: F401
    AveragePooling1D, AveragePooling2D, AvgPool1D, AvgPool2D, GlobalAveragePooling1D,
    GlobalAveragePooling2D, GlobalAvgPool1D, GlobalAvgPool2D, GlobalMaxPool1D,
    GlobalMaxPool2D, GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPool1D, MaxPool2D,
    MaxPooling1D, MaxPooling2D)
from minikeras.layers.normalization import BatchNormalization  # noqa: F401
from minikeras.layers.embeddings import Embedding  # noqa: F401
from minikeras.layers.advanced_activations import (  # noqa: F401
    ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU)
from minikeras.layers.merge import (  # noqa: F401
    Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add, average,
    concatenate, dot, maximum, minimum, multiply, subtract)
from minikeras.layers.noise import AlphaDropout, GaussianDropout, GaussianNoise  # noqa: F401
from minikeras.layers.recurrent import (  # noqa: F401
    GRU, GRUCell, LSTM, LSTMCell, RNN, SimpleRNN, SimpleRNNCell, StackedRNNCells)
from minikeras.layers.wrappers import Bidirectional, TimeDistributed, Wrapper  # noqa: F401


def _layer_classes():
    """Name -> class of every layer this package exports (and the model classes, which
    are layers too and may be nested in a model's config)."""
    objects = dict((name, obj) for name, obj in globals().items()
                   if isinstance(obj, type) and issubclass(obj, Layer)
                   and not name.startswith('_'))
    import minikeras.models as models  # late import: models import layers
    for name in ('Model', 'Sequential'):
        if hasattr(models, name):
            objects[name] = getattr(models, name)
    return objects


def serialize(layer):
    """``{'class_name': ..., 'config': layer.get_config()}``."""
    if not isinstance(layer, Layer):
        raise TypeError('layers.serialize expects a Layer, received %r' % (layer,))
    return {'class_name': type(layer).__name__, 'config': layer.get_config()}


def deserialize(config, custom_objects=None):
    """A layer from ``{'class_name', 'config'}``. Class names are looked up in
    ``custom_objects``, then the global custom objects
    (``minikeras.utils.generic_utils.custom_object_scope``), then the built-in layers."""
    from minikeras.utils.generic_utils import deserialize_keras_object
    if not isinstance(config, dict):
        raise ValueError("layers.deserialize expects a dict with keys 'class_name' and "
                         "'config', received %r" % (config,))
    return deserialize_keras_object(config, module_objects=_layer_classes(),
                                    custom_objects=custom_objects,
                                    printable_module_name='layer')
