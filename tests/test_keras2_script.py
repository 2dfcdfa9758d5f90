"""A Keras 2 script runs with only its import changed: the classic names resolve."""
import numpy as np

import minikeras as keras
from minikeras import backend as K
from minikeras.layers.core import Activation, Dense, Dropout  # noqa: F401
from minikeras.layers.recurrent import LSTM  # noqa: F401
from minikeras.preprocessing.sequence import pad_sequences
from minikeras.utils import np_utils


def test_keras2_style_script():
    np.random.seed(0)
    x = np.random.rand(64, 10).astype('float32')
    y = np_utils.to_categorical((x.sum(1) > 5).astype(int), 2)
    model = keras.models.Sequential()
    model.add(keras.layers.Dense(16, input_dim=10))
    model.add(Activation('relu'))
    model.add(keras.layers.Dense(2, activation='softmax'))
    model.compile(loss=keras.losses.categorical_crossentropy,
                  optimizer=keras.optimizers.Adam(lr=0.01), metrics=['accuracy'])
    hist = model.fit(x, y, batch_size=16, epochs=20, verbose=0,
                     callbacks=[keras.callbacks.EarlyStopping(monitor='loss', patience=3)])
    assert hist.history['accuracy'][-1] > 0.8
    assert K.image_data_format() in ('channels_last', 'channels_first')
    assert callable(keras.datasets.mnist.load_data)


def test_pad_sequences():
    out = pad_sequences([[1, 2, 3], [4], []], maxlen=2)
    np.testing.assert_array_equal(out, [[2, 3], [0, 4], [0, 0]])
    out = pad_sequences([[1, 2, 3], [4]], padding='post', truncating='post', value=-1)
    np.testing.assert_array_equal(out, [[1, 2, 3], [4, -1, -1]])
