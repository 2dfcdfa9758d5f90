"""Keras 2 layers, plus ``serialize(layer)`` / ``deserialize(config)``."""
from minikeras.layers.base import InputSpec, Layer  # noqa: F401
from minikeras.layers.input_layer import Input, InputLayer  # noqa: F401
from minikeras.layers.core import (  # noqa: F401
    ActivityRegularization, Activation, Dense, Dropout, Flatten, Lambda, Masking, Permute,
    RepeatVector, Reshape, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D)
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
from minikeras.layers.volumes import (  # noqa: F401
    AveragePooling3D, AvgPool3D, Conv3D, Conv3DTranspose, Convolution3D, Cropping3D,
    Deconvolution3D, GlobalAveragePooling3D, GlobalAvgPool3D, GlobalMaxPool3D,
    GlobalMaxPooling3D, MaxPool3D, MaxPooling3D, SeparableConv1D, SeparableConvolution1D,
    UpSampling3D, ZeroPadding3D)
from minikeras.layers.local import LocallyConnected1D, LocallyConnected2D  # noqa: F401
from minikeras.layers.normalization import BatchNormalization  # noqa: F401
from minikeras.layers.embeddings import Embedding  # noqa: F401
from minikeras.layers.advanced_activations import (  # noqa: F401
    ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU)
from minikeras.layers.merge import (  # noqa: F401
    Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add, average,
    concatenate, dot, maximum, minimum, multiply, subtract)
from minikeras.layers.noise import AlphaDropout, GaussianDropout, GaussianNoise  # noqa: F401
from minikeras.layers.convolutional_recurrent import ConvLSTM2D, ConvLSTM2DCell  # noqa: F401
from minikeras.layers.cudnn_recurrent import CuDNNGRU, CuDNNLSTM  # noqa: F401
from minikeras.layers.recurrent import (  # noqa: F401
    GRU, GRUCell, LSTM, LSTMCell, RNN, SimpleRNN, SimpleRNNCell, StackedRNNCells)
from minikeras.layers.wrappers import Bidirectional, TimeDistributed, Wrapper  # noqa: F401
from minikeras.utils import object_registration
from minikeras.utils.object_registration import get_registered_name


def _layer_classes():
    """Name -> class of every layer this package exports, plus the model classes (layers
    too, and nested in a model's config), which ``minikeras.models`` adds to
    ``object_registration.BUILTIN_LAYERS`` when it is imported: layers never import
    models."""
    objects = dict((name, obj) for name, obj in globals().items()
                   if isinstance(obj, type) and issubclass(obj, Layer)
                   and not name.startswith('_'))
    objects.update(object_registration.BUILTIN_LAYERS)
    return objects


def serialize(layer):
    """``{'class_name': ..., 'config': layer.get_config()}`` (a registered class is named
    ``'package>Name'``)."""
    if not isinstance(layer, Layer):
        raise TypeError('layers.serialize expects a Layer, received %r' % (layer,))
    return {'class_name': get_registered_name(type(layer)), 'config': layer.get_config()}


def deserialize(config, custom_objects=None, safe_mode=True):
    """A layer from ``{'class_name', 'config'}``. Class names are looked up in
    ``custom_objects``, then the global custom objects (``custom_object_scope``,
    ``register_keras_serializable``), then the built-in layers.

    ``safe_mode=True`` (the default): a config that names a function (a Lambda's function,
    mask or output_shape) is refused unless that function is a custom object, registered,
    or a minikeras backend op; no module is imported and no bytecode run because a config
    says so. ``safe_mode=False`` is for configs you trust as much as your own code."""
    from minikeras.utils.generic_utils import deserialize_keras_object
    if not isinstance(config, dict):
        raise ValueError("layers.deserialize expects a dict with keys 'class_name' and "
                         "'config', received %r" % (config,))
    with object_registration.entry_scope(safe_mode):
        return deserialize_keras_object(config, module_objects=_layer_classes(),
                                        custom_objects=custom_objects,
                                        printable_module_name='layer')
