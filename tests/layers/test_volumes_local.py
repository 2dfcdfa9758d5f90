"""Keras 2.3.1's 3-D layers, SeparableConv1D and the locally-connected layers: shapes,
values against the NumPy reference ops, config round trip (layer_test), aliases,
submodule paths, Keras 2.3.1's weight layouts and a save/load round trip. Tiny inputs:
the Theano lanes run with the Python linker."""
import os

import numpy as np
import pytest

from minikeras import layers, models
from minikeras.backend import numpy as R
from tests.layers.layer_test import case, layer_tests, random_data


def _w(seed, shape):
    return np.random.RandomState(seed).uniform(-1, 1, shape).astype('float32')


X5 = random_data((2, 3, 4, 3, 2), seed=1)          # (batch, d, h, w, channels)
X5F = random_data((2, 2, 3, 4, 3), seed=2)         # channels_first
X3 = random_data((2, 6, 3), seed=3)
X4 = random_data((2, 4, 5, 2), seed=4)


def test_3d_convolution_and_pooling_layers_match_the_reference():
    k, b = _w(10, (2, 2, 2, 2, 3)), _w(11, (3,))
    kt, bt = _w(12, (2, 2, 2, 3, 2)), _w(13, (3,))
    kf = _w(14, (2, 1, 2, 2, 2))
    layer_tests(
        case(layers.Conv3D, {'filters': 3, 'kernel_size': 2}, input_data=X5,
             weights=[k, b], expected_output=R.conv3d(X5, k, data_format='channels_last') + b,
             expected_output_shape=(None, 2, 3, 2, 3)),
        case(layers.Conv3D, {'filters': 2, 'kernel_size': (2, 1, 2), 'padding': 'same',
                             'strides': 2, 'data_format': 'channels_first',
                             'use_bias': False}, input_data=X5F, weights=[kf],
             expected_output=R.conv3d(X5F, kf, (2, 2, 2), 'same', 'channels_first')),
        case(layers.Conv3DTranspose, {'filters': 3, 'kernel_size': 2, 'strides': 2},
             input_data=X5, weights=[kt, bt], expected_output_shape=(None, 6, 8, 6, 3),
             expected_output=R.conv3d_transpose(X5, kt, (2, 6, 8, 6, 3), (2, 2, 2), 'valid',
                                                'channels_last') + bt),
        case(layers.MaxPooling3D, {}, input_data=X5, expected_output_shape=(None, 1, 2, 1, 2),
             expected_output=R.pool3d(X5, (2, 2, 2), (2, 2, 2), 'valid', 'channels_last')),
        case(layers.AveragePooling3D, {'pool_size': 2, 'strides': 1, 'padding': 'same',
                                       'data_format': 'channels_first'}, input_data=X5F,
             expected_output=R.pool3d(X5F, (2, 2, 2), (1, 1, 1), 'same', 'channels_first',
                                      'avg')),
        case(layers.GlobalMaxPooling3D, {}, input_data=X5, expected_output=X5.max(axis=(1, 2, 3))),
        case(layers.GlobalAveragePooling3D, {'data_format': 'channels_first'}, input_data=X5F,
             expected_output=X5F.mean(axis=(2, 3, 4))),
    )


def test_3d_reshaping_layers_and_spatial_dropout():
    layer_tests(
        case(layers.ZeroPadding3D, {'padding': (1, 0, 2)}, input_data=X5,
             expected_output=np.pad(X5, [(0, 0), (1, 1), (0, 0), (2, 2), (0, 0)],
                                    mode='constant')),
        case(layers.Cropping3D, {'cropping': ((1, 0), (1, 2), 1),
                                 'data_format': 'channels_first'}, input_data=X5F,
             expected_output=X5F[:, :, 1:, 1:2, 1:2]),
        case(layers.UpSampling3D, {'size': (2, 1, 3)}, input_data=X5,
             expected_output=X5.repeat(2, 1).repeat(3, 3)),
        case(layers.SpatialDropout3D, {'rate': 0.5}, input_data=X5, expected_output=X5),
    )


def test_separable_conv1d_and_locally_connected_layers_match_the_reference():
    dk, pk, b = _w(20, (3, 3, 2)), _w(21, (1, 6, 4)), _w(22, (4,))
    k1, b1 = _w(23, (2, 6, 2)), _w(24, (2, 2))
    k2, b2 = _w(25, (2 * 2, 2 * 3 * 2, 3)), _w(26, (2, 2, 3))
    layer_tests(
        case(layers.SeparableConv1D, {'filters': 4, 'kernel_size': 3, 'depth_multiplier': 2,
                                      'padding': 'same'}, input_data=X3, weights=[dk, pk, b],
             expected_output=R.separable_conv1d(X3, dk, pk, 1, 'same', 'channels_last') + b),
        case(layers.LocallyConnected1D, {'filters': 2, 'kernel_size': 2, 'strides': 3},
             input_data=X3, weights=[k1, b1], expected_output_shape=(None, 2, 2),
             expected_output=R.local_conv1d(X3, k1, (2,), (3,), 'channels_last') + b1),
        case(layers.LocallyConnected2D, {'filters': 3, 'kernel_size': (2, 3), 'strides': 2},
             input_data=X4, weights=[k2, b2], expected_output_shape=(None, 2, 2, 3),
             expected_output=R.local_conv2d(X4, k2, (2, 3), (2, 2), (2, 2),
                                            'channels_last') + b2),
    )


def test_locally_connected_2d_channels_first_adds_its_bias_per_position():
    x = np.moveaxis(X4, -1, 1)                          # (2, 2, 4, 5)
    k2, b2 = _w(27, (2 * 2, 2 * 3 * 2, 3)), _w(28, (2, 2, 3))
    want = R.local_conv2d(x, k2, (2, 3), (2, 2), (2, 2), 'channels_first') \
        + np.moveaxis(b2, -1, 0)[None]
    layer_tests(case(layers.LocallyConnected2D, {'filters': 3, 'kernel_size': (2, 3),
                                                 'strides': 2, 'data_format': 'channels_first'},
                     input_data=x, weights=[k2, b2], expected_output=want))


def test_keras_names_aliases_weights_and_configs():
    from minikeras.layers import convolutional, core, local, pooling
    assert layers.Convolution3D is layers.Conv3D is convolutional.Conv3D
    assert layers.Deconvolution3D is layers.Conv3DTranspose
    assert layers.SeparableConvolution1D is convolutional.SeparableConv1D
    assert layers.MaxPool3D is pooling.MaxPooling3D is convolutional.MaxPooling3D
    assert layers.GlobalAvgPool3D is pooling.GlobalAveragePooling3D
    assert core.SpatialDropout3D is layers.SpatialDropout3D
    assert local.LocallyConnected2D is layers.LocallyConnected2D
    lc1 = layers.LocallyConnected1D(4, 3)
    lc1.build((None, 10, 5))
    assert [w.shape for w in lc1.get_weights()] == [(8, 15, 4), (8, 4)]
    assert 'data_format' not in lc1.get_config()   # as Keras 2.3.1
    ct = layers.Conv3DTranspose(2, 3, output_padding=1, strides=2)
    assert 'dilation_rate' not in ct.get_config()
    assert ct.get_config()['output_padding'] == (1, 1, 1)
    assert ct.compute_output_shape((None, 2, 3, 4, 5)) == (None, 6, 8, 10, 2)
    with pytest.raises(ValueError, match='only "valid" is supported'):
        layers.LocallyConnected2D(2, 3, padding='same')
    with pytest.raises(ValueError, match='ZeroPadding3D'):
        layers.ZeroPadding3D(padding=(1, 2))


def test_save_and_load_a_model_with_3d_and_local_layers(tmp_path):
    model = models.Sequential([
        layers.Conv3D(2, 2, input_shape=(3, 3, 3, 1)), layers.MaxPooling3D(1),
        layers.Reshape((8, 2)), layers.LocallyConnected1D(2, 2)])
    x = random_data((2, 3, 3, 3, 1), seed=5)
    path = os.path.join(str(tmp_path), 'm.h5')
    model.save(path)
    loaded = models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x), model.predict(x), rtol=1e-5, atol=1e-6)


def test_keras1_arguments_convert_with_keras_warning():
    with pytest.warns(UserWarning, match=r'Update your `Conv3D` call to the Keras 2 API'):
        conv = layers.Conv3D(8, 3, 2, 1, border_mode='same', dim_ordering='th')
    assert (conv.kernel_size, conv.padding, conv.data_format) == \
        ((3, 2, 1), 'same', 'channels_first')
    with pytest.warns(UserWarning):
        conv = layers.Conv3D(nb_filter=4, kernel_dim1=1, kernel_dim2=2, kernel_dim3=3)
    assert (conv.filters, conv.kernel_size) == (4, (1, 2, 3))
    assert layers.Conv3D(8, 3, 2).strides == (2, 2, 2)   # Keras 2: kernel 3, strides 2
    with pytest.warns(UserWarning):
        assert layers.MaxPooling3D(border_mode='same').padding == 'same'
    with pytest.warns(UserWarning):
        assert layers.SpatialDropout3D(p=0.25).rate == 0.25
    with pytest.warns(UserWarning):
        local = layers.LocallyConnected2D(4, 3, 2, subsample=(2, 2))
    assert (local.kernel_size, local.strides) == ((3, 2), (2, 2))
    with pytest.warns(UserWarning):
        assert layers.LocallyConnected1D(nb_filter=4, filter_length=3).kernel_size == (3,)
