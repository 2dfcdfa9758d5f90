"""Keras 2.3.1 ``keras.utils.test_utils``: ``get_test_data`` and ``layer_test``."""
import numpy as np


def get_test_data(num_train=1000, num_test=500, input_shape=(10,), output_shape=(2,),
                  classification=True, num_classes=2):
    """``(x_train, y_train), (x_test, y_test)``: random points around one random centre
    per class (classification, integer labels) or random regression targets."""
    samples = num_train + num_test
    if classification:
        y = np.random.randint(0, num_classes, size=(samples,))
        x = np.zeros((samples,) + tuple(input_shape), dtype=np.float32)
        for i in range(samples):
            x[i] = np.random.normal(loc=y[i], scale=0.7, size=input_shape)
    else:
        y_loc = np.random.random((samples,))
        x = np.zeros((samples,) + tuple(input_shape), dtype=np.float32)
        y = np.zeros((samples,) + tuple(output_shape), dtype=np.float32)
        for i in range(samples):
            x[i] = np.random.normal(loc=y_loc[i], scale=0.7, size=input_shape)
            y[i] = np.random.normal(loc=y_loc[i], scale=0.7, size=output_shape)
    return (x[:num_train], y[:num_train]), (x[num_train:], y[num_train:])


def layer_test(layer_cls, kwargs=None, input_shape=None, input_dtype=None, input_data=None,
               expected_output=None, expected_output_dtype=None, fixed_batch_size=False):
    """Build ``layer_cls(**kwargs)`` in a functional model, check its output shape against
    ``compute_output_shape``, its config round trip, and (if given) the expected output.
    Returns the output on ``input_data``."""
    from minikeras import layers
    from minikeras.models import Model
    kwargs = dict(kwargs or {})
    if input_data is None:
        if input_shape is None:
            raise ValueError('layer_test needs input_shape or input_data')
        input_dtype = input_dtype or 'float32'
        shape = tuple(d if d is not None else np.random.randint(1, 4) for d in input_shape)
        input_data = (10 * np.random.random(shape)).astype(input_dtype)
    else:
        input_shape = input_shape or input_data.shape
        input_dtype = input_dtype or str(input_data.dtype)
    layer = layer_cls(**kwargs)
    weights = None
    if fixed_batch_size:
        x = layers.Input(batch_shape=input_shape, dtype=input_dtype)
    else:
        x = layers.Input(shape=tuple(input_shape[1:]), dtype=input_dtype)
    y = layer(x)
    weights = layer.get_weights()
    expected_shape = layer.compute_output_shape(tuple(input_shape))
    model = Model(x, y)
    actual = model.predict(input_data)
    for want, got in zip(expected_shape, actual.shape):
        if want is not None and want != got:
            raise AssertionError('%s: output shape %s, compute_output_shape says %s'
                                 % (layer_cls.__name__, actual.shape, expected_shape))
    if expected_output_dtype is not None and str(actual.dtype) != expected_output_dtype:
        raise AssertionError('%s: output dtype %s, expected %s'
                             % (layer_cls.__name__, actual.dtype, expected_output_dtype))
    if expected_output is not None:
        np.testing.assert_allclose(actual, expected_output, rtol=1e-3)
    clone = layer_cls.from_config(layer.get_config())
    x2 = layers.Input(shape=tuple(input_shape[1:]), dtype=input_dtype)
    clone(x2)
    clone.set_weights(weights)
    np.testing.assert_allclose(Model(x2, clone(x2)).predict(input_data), actual,
                               rtol=1e-5, atol=1e-6)
    return actual
