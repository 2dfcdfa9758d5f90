"""Argument errors, shape errors, and serialize/deserialize of every built-in layer."""
import numpy as np
import pytest

from minikeras import layers
from minikeras.layers import Input
from minikeras.utils.generic_utils import custom_object_scope


@pytest.mark.parametrize('make,message', [
    (lambda: layers.Dense(0), 'Dense: units must be a positive integer, received units=0'),
    (lambda: layers.Dense(2.5), 'units must be a positive integer'),
    (lambda: layers.Dense(3, activation='nope'), 'nope'),
    (lambda: layers.Dropout(1.5), 'Dropout: rate must be a number in'),
    (lambda: layers.Conv2D(4, 3, padding='causal'), "padding must be one of 'valid', 'same'"),
    (lambda: layers.Conv1D(4, 3, padding='full'), 'padding must be one of'),
    (lambda: layers.Conv2D(4, (3, 3, 3)), 'kernel_size must be an integer or a tuple of 2'),
    (lambda: layers.Conv2D(4, 3, strides=0), 'strides must contain positive'),
    (lambda: layers.Conv2D(4, 3, strides=2, dilation_rate=2), 'cannot be combined'),
    (lambda: layers.Conv2D(4, 3, data_format='nhwc'), 'data_format must be'),
    (lambda: layers.Conv2DTranspose(4, 3, strides=2, output_padding=2), 'output_padding'),
    (lambda: layers.Reshape((2, -1, -1)), 'at most one -1'),
    (lambda: layers.Permute((1, 3)), 'permutation'),
    (lambda: layers.RepeatVector(0), 'n must be a positive integer'),
    (lambda: layers.MaxPooling2D(pool_size=(2, 0)), 'pool_size'),
    (lambda: layers.ZeroPadding2D(padding=(1, 2, 3)), 'padding must be'),
    (lambda: layers.Cropping1D(cropping=-1), 'cropping must be'),
    (lambda: layers.UpSampling2D(interpolation='cubic'), 'interpolation'),
    (lambda: layers.Embedding(0, 3), 'input_dim must be a positive integer'),
    (lambda: layers.Embedding(5, 3, mask_zero='yes'), 'mask_zero'),
    (lambda: layers.Lambda(3), 'function must be callable'),
    (lambda: layers.Dot(axes='x'), 'axes'),
    (lambda: layers.Dense(3, bogus=1), 'unexpected keyword argument'),
])
def test_bad_arguments(make, message):
    with pytest.raises((ValueError, TypeError), match=message.replace('(', r'\(')
                       .replace(')', r'\)')):
        make()


def test_input_shape_errors():
    dense = layers.Dense(3, name='my_dense')
    dense(Input((4,)))
    with pytest.raises(ValueError) as info:
        dense(Input((5,)))
    text = str(info.value)
    assert 'my_dense' in text and '(None, 4)' in text and '(None, 5)' in text
    with pytest.raises(ValueError, match='at least 2 axes|with 4 axes'):
        layers.Conv2D(2, 3)(Input((5,)))
    with pytest.raises(ValueError, match='too small'):
        layers.Conv2D(2, 5)(Input((3, 3, 1)))
    with pytest.raises(ValueError, match='total size'):
        layers.Reshape((7,))(Input((2, 3)))
    with pytest.raises(ValueError, match='leaves nothing'):
        layers.Cropping1D((2, 2))(Input((3, 1)))


ALL_LAYERS = [
    (layers.Dense, {'units': 2, 'kernel_regularizer': 'l2', 'kernel_constraint': 'max_norm'},
     (3,)),
    (layers.Activation, {'activation': 'softmax'}, (3,)),
    (layers.Dropout, {'rate': 0.2, 'noise_shape': (None, 1), 'seed': 4}, (3,)),
    (layers.Flatten, {}, (2, 3)),
    (layers.Reshape, {'target_shape': (3, 2)}, (6,)),
    (layers.Permute, {'dims': (2, 1)}, (2, 3)),
    (layers.RepeatVector, {'n': 2}, (3,)),
    (layers.ActivityRegularization, {'l1': 0.1}, (3,)),
    (layers.Masking, {'mask_value': -1.}, (2, 3)),
    (layers.Conv1D, {'filters': 2, 'kernel_size': 2, 'padding': 'causal'}, (5, 3)),
    (layers.Conv2D, {'filters': 2, 'kernel_size': 2, 'bias_regularizer': 'l1'}, (4, 4, 1)),
    (layers.Conv2DTranspose, {'filters': 2, 'kernel_size': 2, 'output_padding': (0, 0)},
     (3, 3, 1)),
    (layers.SeparableConv2D, {'filters': 2, 'kernel_size': 2}, (4, 4, 1)),
    (layers.DepthwiseConv2D, {'kernel_size': 2}, (4, 4, 1)),
    (layers.ZeroPadding1D, {'padding': 2}, (4, 1)),
    (layers.ZeroPadding2D, {}, (4, 4, 1)),
    (layers.Cropping1D, {}, (4, 1)),
    (layers.Cropping2D, {'cropping': 1}, (4, 4, 1)),
    (layers.UpSampling1D, {}, (4, 1)),
    (layers.UpSampling2D, {}, (4, 4, 1)),
    (layers.MaxPooling1D, {}, (4, 1)),
    (layers.AveragePooling1D, {}, (4, 1)),
    (layers.MaxPooling2D, {}, (4, 4, 1)),
    (layers.AveragePooling2D, {}, (4, 4, 1)),
    (layers.GlobalAveragePooling1D, {}, (4, 1)),
    (layers.GlobalMaxPooling1D, {}, (4, 1)),
    (layers.GlobalAveragePooling2D, {}, (4, 4, 1)),
    (layers.GlobalMaxPooling2D, {}, (4, 4, 1)),
    (layers.BatchNormalization, {'momentum': 0.9, 'gamma_regularizer': 'l2'}, (3,)),
    (layers.Embedding, {'input_dim': 5, 'output_dim': 2, 'mask_zero': True}, (3,)),
    (layers.LeakyReLU, {}, (3,)),
    (layers.PReLU, {'shared_axes': [1]}, (2, 3)),
    (layers.ELU, {}, (3,)),
    (layers.ThresholdedReLU, {}, (3,)),
    (layers.ReLU, {'max_value': 6.}, (3,)),
    (layers.Softmax, {}, (3,)),
    (layers.GaussianNoise, {'stddev': 0.1}, (3,)),
    (layers.GaussianDropout, {'rate': 0.1}, (3,)),
    (layers.AlphaDropout, {'rate': 0.1}, (3,)),
]


@pytest.mark.parametrize('cls,kwargs,shape', ALL_LAYERS, ids=[c.__name__ for c, _, _ in
                                                              ALL_LAYERS])
def test_serialize_round_trip_without_running(cls, kwargs, shape):
    layer = cls(**kwargs)
    out = layer(Input(shape))
    config = layers.serialize(layer)
    assert config['class_name'] == cls.__name__
    clone = layers.deserialize(config)
    assert type(clone) is cls and clone.get_config() == layer.get_config()
    assert clone(Input(shape)).shape == out.shape
    assert len(clone.weights) == len(layer.weights)
    if layer.weights:
        clone.set_weights(layer.get_weights())
        for a, b in zip(clone.get_weights(), layer.get_weights()):
            np.testing.assert_array_equal(a, b)


def test_deserialize_custom_layer_and_errors():
    class Twice(layers.Layer):
        def call(self, inputs):
            return inputs

        def compute_output_shape(self, input_shape):
            return input_shape

    config = layers.serialize(Twice())
    with pytest.raises(ValueError, match='Twice'):
        layers.deserialize(config)
    assert type(layers.deserialize(config, custom_objects={'Twice': Twice})) is Twice
    with custom_object_scope({'Twice': Twice}):
        assert type(layers.deserialize(config)) is Twice
    with pytest.raises(ValueError, match='class_name'):
        layers.deserialize({'config': {}})
