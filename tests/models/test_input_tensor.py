"""Input(tensor=...) as in Keras 2.3.1: another layer's output (or a placeholder) becomes
the input of a new model."""
import numpy as np
import pytest

import minikeras.backend as K
from minikeras.layers import Dense, Input
from minikeras.models import Model


def test_input_from_a_layer_output_and_a_placeholder():
    a = Input((3,))
    h = Dense(4, kernel_initializer='ones', name='first')(a)
    whole = Model(a, Dense(2, kernel_initializer='ones')(h))  # built before the rewrap
    b = Input(tensor=h)
    assert b is h and b.shape == (None, 4)
    tail = Model(b, Dense(1, kernel_initializer='ones', use_bias=False)(b))
    np.testing.assert_allclose(tail.predict(np.ones((2, 4), 'float32')), [[4.], [4.]])
    np.testing.assert_allclose(whole.predict(np.ones((1, 3), 'float32')), [[12., 12.]])
    assert Input(tensor=b) is b
    p = K.placeholder((None, 5))
    m = Model(Input(tensor=p), Dense(1, kernel_initializer='ones', use_bias=False)(p))
    np.testing.assert_allclose(m.predict(np.ones((3, 5), 'float32')), [[5.]] * 3)
    with pytest.raises(NotImplementedError, match='only a symbolic tensor'):
        Input(tensor=np.ones((2, 3)))
