"""Core layers: shapes, config round trip and values against NumPy formulas."""
import functools

import numpy as np
import pytest

import minikeras.backend as K
from minikeras import layers
from minikeras.layers import Input
from minikeras.saving import register_keras_serializable
from tests.layers.layer_test import (case, layer_test, layer_tests, random_data, run,
                                     run_with_updates)

rng = np.random.RandomState(0)


@register_keras_serializable(package='tests')
def square_plus(x, offset=0.):
    """A named, registered module-level function: Lambda can serialize it and load it
    back in safe mode."""
    return K.add(K.square(x), offset)


@register_keras_serializable(package='tests')
def double_shape(input_shape):
    return input_shape


def test_dense_values_2d_and_3d():
    kernel = rng.uniform(-1, 1, (4, 3)).astype('float32')
    bias = rng.uniform(-1, 1, (3,)).astype('float32')
    x = random_data((2, 4))
    x3 = random_data((2, 5, 4))
    layer_tests(
        case(layers.Dense, {'units': 3}, input_data=x, weights=[kernel, bias],
             expected_output=x.dot(kernel) + bias, expected_output_shape=(None, 3),
             expected_num_weights=2),
        case(layers.Dense, {'units': 3, 'activation': 'relu', 'use_bias': False},
             input_data=x3, weights=[kernel], expected_num_weights=1,
             expected_output=np.maximum(x3.dot(kernel), 0),
             expected_output_shape=(None, 5, 3)))


def test_dense_input_dim_keyword():
    layer = layers.Dense(2, input_dim=5)
    assert layer.batch_input_shape == (None, 5)
    config = layer.get_config()
    assert config['batch_input_shape'] == (None, 5)
    assert layers.Dense.from_config(config).batch_input_shape == (None, 5)


def test_activation_and_dropout():
    x = random_data((3, 6))
    layer_tests(
        case(layers.Activation, {'activation': 'tanh'}, input_data=x,
             expected_output=np.tanh(x)),
        # test phase: the identity
        case(layers.Dropout, {'rate': 0.5}, input_data=x, expected_output=x))
    # training phase: zeros or x / (1 - rate); noise_shape shares the mask along axis 1
    inp = Input((50, 8))
    plain = layers.Dropout(0.5, seed=1)(inp)
    shared = layers.Dropout(0.5, noise_shape=(None, 1, 8), seed=2)(inp)
    # training=False fixed at call time overrides the phase
    fixed = layers.Dropout(0.5)(inp, training=False)
    data = np.ones((4, 50, 8), 'float32')
    y1, y2, y3 = run([inp], [plain, shared, fixed], [data], phase=1)
    assert set(np.unique(y1)) <= {0., 2.}
    assert 0.3 < (y1 == 0).mean() < 0.7
    assert set(np.unique(y2)) <= {0., 2.}
    assert (y2 == y2[:, :1, :]).all()  # same mask for every step
    np.testing.assert_allclose(y3, data)


def test_flatten_reshape_permute_repeat():
    x = random_data((2, 3, 4, 5))
    x2 = random_data((2, 4))
    layer_tests(
        case(layers.Flatten, {}, input_data=x, expected_output=x.reshape(2, -1),
             expected_output_shape=(None, 60)),
        case(layers.Flatten, {'data_format': 'channels_first'}, input_data=x,
             expected_output=x.transpose(0, 2, 3, 1).reshape(2, -1)),
        case(layers.Reshape, {'target_shape': (12, 5)}, input_data=x,
             expected_output=x.reshape(2, 12, 5), expected_output_shape=(None, 12, 5)),
        case(layers.Reshape, {'target_shape': (-1, 10)}, input_data=x,
             expected_output=x.reshape(2, 6, 10), expected_output_shape=(None, 6, 10)),
        case(layers.Permute, {'dims': (3, 1, 2)}, input_data=x,
             expected_output=x.transpose(0, 3, 1, 2), expected_output_shape=(None, 5, 3, 4)),
        case(layers.RepeatVector, {'n': 3}, input_data=x2,
             expected_output=np.repeat(x2[:, None, :], 3, axis=1),
             expected_output_shape=(None, 3, 4)))


def test_reshape_with_unknown_axis():
    inp = Input((None, 4))
    out = layers.Reshape((-1, 2))(inp)
    assert out.shape == (None, None, 2)
    x = random_data((2, 3, 4))
    np.testing.assert_allclose(run([inp], [out], [x])[0], x.reshape(2, 6, 2))


def test_lambda_traced_and_declared_shapes():
    x = random_data((2, 3, 4))
    layer_tests(
        # no output_shape: traced through the function
        case(layers.Lambda, {'function': square_plus, 'arguments': {'offset': 1.}},
             input_data=x, expected_output=x ** 2 + 1, expected_output_shape=(None, 3, 4)),
        case(layers.Lambda, {'function': square_plus, 'output_shape': (3, 4)},
             input_data=x, expected_output=x ** 2),
        case(layers.Lambda, {'function': square_plus, 'output_shape': double_shape},
             input_data=x, expected_output=x ** 2, expected_output_shape=(None, 3, 4)))
    # a lambda changing the shape, traced
    inp = Input((3, 4))
    out = layers.Lambda(lambda t: K.sum(t, axis=1))(inp)
    assert out.shape == (None, 4)
    np.testing.assert_allclose(run([inp], [out], [x])[0], x.sum(axis=1), rtol=1e-5)


def test_lambda_serialization_rules():
    # a lambda is saved as Keras 2.3.1 saves it (marshalled code), loaded only outside
    # safe mode
    from minikeras.utils.object_registration import SafeModeError
    scale = 3.
    layer = layers.Lambda(lambda t: t * scale, output_shape=lambda s: s)
    config = layers.serialize(layer)
    assert config['config']['function_type'] == 'lambda'
    assert config['config']['output_shape_type'] == 'lambda'
    with pytest.raises(SafeModeError, match='bytecode'):
        layers.deserialize(config)
    clone = layers.deserialize(config, safe_mode=False)
    inp = Input((2,))
    np.testing.assert_allclose(run([inp], [clone(inp)], [np.ones((1, 2), 'float32')])[0],
                               [[3., 3.]])
    with pytest.raises(ValueError, match='callable object or partial'):
        layers.Lambda(functools.partial(K.sum, axis=1)).get_config()
    # a backend op is found again under minikeras.backend
    layer = layers.Lambda(K.square)
    clone = layers.deserialize(layers.serialize(layer))
    assert clone.function is K.square
    # custom_objects take precedence
    config = layers.serialize(layers.Lambda(square_plus))
    clone = layers.deserialize(config, custom_objects={'square_plus': K.abs})
    assert clone.function is K.abs


def test_activity_regularization_adds_loss():
    from minikeras.backend import symbolic
    from minikeras.layers.base import call_context
    inp = Input((5,))
    out = layers.ActivityRegularization(l1=0.1, l2=0.01)(inp)
    x = random_data((3, 5))

    def fn(t):
        with call_context() as ctx:
            (y,) = symbolic.evaluate([out], {id(inp): t})
        return [y, ctx.losses[0]], []
    y, loss = K.compiled_function(fn, [(inp.shape, inp.dtype)])(x)
    np.testing.assert_allclose(y, x, rtol=1e-6)
    np.testing.assert_allclose(loss, 0.1 * np.abs(x).sum() + 0.01 * (x ** 2).sum(),
                               rtol=1e-5)
    layer_test(layers.ActivityRegularization, {'l1': 0.1}, input_data=x, expected_output=x)


def test_dense_activity_regularizer_and_kernel_regularizer():
    from minikeras.backend import symbolic
    from minikeras.layers.base import call_context
    inp = Input((4,))
    layer = layers.Dense(2, kernel_regularizer='l2', activity_regularizer='l1',
                         kernel_initializer='ones')
    out = layer(inp)
    x = random_data((3, 4))

    def fn(t):
        with call_context() as ctx:
            (y,) = symbolic.evaluate([out], {id(inp): t})
        return [y, ctx.losses[0], layer.regularization_losses()[0]], []
    y, activity, weight = K.compiled_function(fn, [(inp.shape, inp.dtype)])(x)
    np.testing.assert_allclose(activity, 0.01 * np.abs(y).sum(), rtol=1e-5)
    np.testing.assert_allclose(weight, 0.01 * 8, rtol=1e-5)


def test_masking_values_and_mask():
    x = random_data((2, 4, 3))
    x[0, 1] = 0.
    x[1, 3] = 0.
    layer_test(layers.Masking, {'mask_value': 0.}, input_data=x, expected_output=x)
    inp = Input((4, 3))
    masked = layers.Masking()(inp)
    pooled = layers.GlobalAveragePooling1D()(masked)
    mask, avg = run([inp], [masked._keras_mask, pooled], [x])
    np.testing.assert_array_equal(mask, [[1, 0, 1, 1], [1, 1, 1, 0]])
    expected = np.stack([x[0, [0, 2, 3]].mean(0), x[1, :3].mean(0)])
    np.testing.assert_allclose(avg, expected, rtol=1e-5)
    # a layer without weights in between passes the mask on
    through = layers.Dropout(0.5)(masked)
    assert through._keras_mask is masked._keras_mask


def test_spatial_dropout():
    inp = Input((10, 6))
    out = layers.SpatialDropout1D(0.5)(inp)
    y = run([inp], [out], [np.ones((4, 10, 6), 'float32')], phase=1)[0]
    assert (y == y[:, :1, :]).all() and set(np.unique(y)) <= {0., 2.}
    layer_test(layers.SpatialDropout2D, {'rate': 0.3}, input_shape=(2, 3, 4, 5))


def test_bn_like_updates_helper_runs_without_updates():
    # run_with_updates on a layer adding no updates still returns the outputs
    inp = Input((2,))
    out = layers.Activation('linear')(inp)
    (y,) = run_with_updates(inp, [out], np.ones((1, 2), 'float32'))
    np.testing.assert_allclose(y, 1)
