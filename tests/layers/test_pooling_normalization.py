"""Pooling layers and BatchNormalization (inference values, and the training-phase
update of the moving statistics)."""
import numpy as np
import pytest

import minikeras.backend as K
from minikeras import layers
from minikeras.backend import numpy as R
from minikeras.layers import Input
from tests.layers.layer_test import case, layer_tests, random_data, run, run_with_updates


def test_pooling():
    x = random_data((2, 5, 6, 3))
    x1 = random_data((2, 7, 3))
    layer_tests(
        case(layers.MaxPooling2D, {}, input_data=x,
             expected_output=x[:, :4].reshape(2, 2, 2, 3, 2, 3).max(axis=(2, 4)),
             expected_output_shape=(None, 2, 3, 3)),
        case(layers.AveragePooling2D, {'pool_size': 2}, input_data=x,
             expected_output=x[:, :4].reshape(2, 2, 2, 3, 2, 3).mean(axis=(2, 4))),
        case(layers.AveragePooling2D, {'pool_size': 3, 'strides': 2, 'padding': 'same'},
             input_data=x, expected_output=R.pool2d(x, (3, 3), (2, 2), 'same',
                                                    'channels_last', 'avg'),
             expected_output_shape=(None, 3, 3, 3)),
        case(layers.MaxPooling2D, {'pool_size': (2, 3), 'data_format': 'channels_first'},
             input_data=x, expected_output=R.pool2d(x, (2, 3), (2, 3), 'valid',
                                                    'channels_first', 'max'),
             expected_output_shape=(None, 5, 3, 1)),
        case(layers.MaxPooling1D, {}, input_data=x1,
             expected_output=x1[:, :6].reshape(2, 3, 2, 3).max(axis=2),
             expected_output_shape=(None, 3, 3)),
        case(layers.AveragePooling1D, {'pool_size': 3, 'strides': 1}, input_data=x1,
             expected_output=np.stack([x1[:, i:i + 3].mean(1) for i in range(5)], axis=1),
             expected_output_shape=(None, 5, 3)),
        case(layers.MaxPooling1D, {'pool_size': 2, 'padding': 'same',
                                   'data_format': 'channels_first'}, input_data=x1,
             expected_output=np.stack([x1[:, :, i:i + 2].max(2) for i in range(0, 3, 2)],
                                      axis=2),
             expected_output_shape=(None, 7, 2)))


def test_global_pooling():
    x3 = random_data((2, 5, 3))
    x4 = random_data((2, 4, 5, 3))
    layer_tests(
        case(layers.GlobalAveragePooling1D, {}, input_data=x3, expected_output=x3.mean(1),
             expected_output_shape=(None, 3)),
        case(layers.GlobalMaxPooling1D, {}, input_data=x3, expected_output=x3.max(1)),
        case(layers.GlobalMaxPooling1D, {'data_format': 'channels_first'}, input_data=x3,
             expected_output=x3.max(2), expected_output_shape=(None, 5)),
        case(layers.GlobalAveragePooling2D, {}, input_data=x4,
             expected_output=x4.mean(axis=(1, 2)), expected_output_shape=(None, 3)),
        case(layers.GlobalMaxPooling2D, {'data_format': 'channels_first'}, input_data=x4,
             expected_output=x4.max(axis=(2, 3)), expected_output_shape=(None, 4)))


def test_batch_normalization_inference():
    x = random_data((4, 3, 5))
    gamma = np.array([1., 2., 3., .5, 1.5], 'float32')
    beta = np.linspace(-1, 1, 5, dtype='float32')
    mean, var = np.linspace(0, .4, 5, dtype='float32'), np.linspace(.5, 2, 5, dtype='float32')
    # channels_first images: axis=1, no beta
    x4 = random_data((2, 3, 4, 4))
    g3, m3, v3 = gamma[:3], mean[:3], var[:3]
    layer_tests(
        case(layers.BatchNormalization, {}, input_data=x, weights=[gamma, beta, mean, var],
             expected_output=(x - mean) / np.sqrt(var + 1e-3) * gamma + beta,
             expected_num_weights=4),
        case(layers.BatchNormalization, {'axis': 1, 'center': False, 'epsilon': 1e-2},
             input_data=x4, weights=[g3, m3, v3], expected_num_weights=3,
             expected_output=((x4 - m3[:, None, None]) / np.sqrt(v3[:, None, None] + 1e-2)
                              * g3[:, None, None])))


def test_batch_normalization_training_phase_and_moving_stats():
    inp = Input((4,))
    layer = layers.BatchNormalization(momentum=0.8)
    out = layer(inp)
    assert [w.shape for w in map(K.get_value, layer.non_trainable_weights)] == [(4,), (4,)]
    assert len(layer.trainable_weights) == 2
    x = (random_data((6, 4)) * 3 + 2).astype('float32')
    # test phase: moving stats (0, 1); no update
    (y0,) = run_with_updates(inp, [out], x, phase=0)
    np.testing.assert_allclose(y0, x / np.sqrt(1 + 1e-3), rtol=1e-5)
    np.testing.assert_allclose(K.get_value(layer.moving_mean), 0)
    # training phase: batch statistics, and one update of the moving ones
    (y1,) = run_with_updates(inp, [out], x, phase=1)
    m, v = x.mean(0), x.var(0)
    np.testing.assert_allclose(y1, (x - m) / np.sqrt(v + 1e-3), rtol=1e-4, atol=1e-5)
    n = x.shape[0]
    np.testing.assert_allclose(K.get_value(layer.moving_mean), 0.2 * m, rtol=1e-5)
    np.testing.assert_allclose(K.get_value(layer.moving_variance),
                               0.8 + 0.2 * v * n / (n - 1 - 1e-3), rtol=1e-5)


def test_batch_normalization_update_on_images():
    inp = Input((3, 3, 2))
    layer = layers.BatchNormalization(axis=-1, momentum=0.)
    out = layer(inp)
    x = random_data((4, 3, 3, 2))
    run_with_updates(inp, [out], x, phase=1)
    np.testing.assert_allclose(K.get_value(layer.moving_mean), x.mean(axis=(0, 1, 2)),
                               rtol=1e-5, atol=1e-6)
    n = 4 * 3 * 3
    np.testing.assert_allclose(K.get_value(layer.moving_variance),
                               x.var(axis=(0, 1, 2)) * n / (n - 1 - 1e-3), rtol=1e-5)
    # in the test phase afterwards the moving statistics normalize
    y = run([inp], [out], [x], phase=0)[0]
    np.testing.assert_allclose(y.mean(axis=(0, 1, 2)), 0, atol=1e-5)


def test_batch_normalization_bad_axis():
    with pytest.raises(ValueError, match='axis'):
        layers.BatchNormalization(axis=0)(Input((3,)))
    with pytest.raises(ValueError, match='axis'):
        layers.BatchNormalization(axis=[1, 2])
