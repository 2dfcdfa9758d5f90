"""predict / evaluate / fit fail loudly, naming the input or output and the shapes."""
import numpy as np
import pytest

from minikeras.layers import Dense, Input, concatenate
from minikeras.models import Model


def two_input_model():
    a, b = Input((3,), name='a'), Input((2,), name='b')
    out = Dense(4, activation='softmax', name='probs')(concatenate([a, b]))
    model = Model([a, b], out)
    model.compile('sgd', 'categorical_crossentropy')
    return model


def data(n_a=5, n_b=5):
    rng = np.random.RandomState(0)
    return [rng.rand(n_a, 3).astype('float32'), rng.rand(n_b, 2).astype('float32')]


def targets(n=5, width=4):
    return np.eye(width)[np.arange(n) % width]


@pytest.mark.parametrize('method', ['predict', 'evaluate', 'fit', 'predict_on_batch',
                                    'train_on_batch', 'test_on_batch'])
def test_inputs_of_different_lengths_name_inputs_and_lengths(method):
    model = two_input_model()
    args = (data(5, 3),) if 'predict' in method else (data(5, 3), targets())
    kwargs = {'verbose': 0} if method in ('evaluate', 'fit') else {}
    with pytest.raises(ValueError) as e:
        getattr(model, method)(*args, **kwargs)
    message = str(e.value)
    assert 'a: 5' in message and 'b: 3' in message, message


def test_predict_none_and_non_numeric_name_the_input():
    model = two_input_model()
    with pytest.raises(ValueError) as e:
        model.predict(None)
    assert 'a' in str(e.value) and 'None' in str(e.value)
    with pytest.raises(ValueError) as e:
        model.predict([data()[0], None])
    assert "no data for b" in str(e.value)
    words = np.array([['x', 'y']] * 5)
    with pytest.raises(ValueError) as e:
        model.predict([data()[0], words])
    assert 'b must hold numbers' in str(e.value) and "'x'" in str(e.value)
    objects = np.empty((5, 2), dtype=object)
    with pytest.raises(ValueError) as e:
        model.predict([data()[0], objects])
    assert 'b must hold numbers' in str(e.value) and 'object' in str(e.value)


def test_evaluate_with_wrong_target_width_names_output_and_shapes():
    model = two_input_model()
    with pytest.raises(ValueError) as e:
        model.evaluate(data(), targets(width=3), verbose=0)
    message = str(e.value)
    assert 'probs' in message and '(4,)' in message and '(3,)' in message, message
    with pytest.raises(ValueError):
        model.fit(data(), targets(width=3), verbose=0)


def test_sparse_targets_and_correct_shapes_still_pass_the_checks():
    model = two_input_model()
    model.compile('sgd', 'sparse_categorical_crossentropy')
    loss = model.evaluate(data(), np.arange(5) % 4, verbose=0)
    assert np.isfinite(loss)
    assert model.predict(data()).shape == (5, 4)
