"""Keras 2.3.1 script (run unchanged by tests/test_keras231_scripts.py)."""
import numpy as np

from k2report import attempt, fix_weights, history_values, report  # noqa: F401
import keras
from keras.models import Sequential
from keras.layers import (Conv2D, MaxPooling2D, BatchNormalization, Flatten, Dense, GlobalAveragePooling2D,
                          SeparableConv2D, Conv2DTranspose, UpSampling2D, ZeroPadding2D, Cropping2D,
                          AveragePooling2D, Conv1D, MaxPooling1D, GlobalMaxPooling1D, DepthwiseConv2D, Activation)
from keras import backend as K


model = Sequential([
    Conv2D(4, (3, 3), padding='same', input_shape=(8, 8, 2), activation='relu'),
    BatchNormalization(),
    SeparableConv2D(3, (3, 3), padding='valid'),
    ZeroPadding2D(((1, 0), (0, 1))),
    Conv2DTranspose(3, (2, 2), strides=(2, 2)),
    Cropping2D(((1, 1), (2, 0))),
    DepthwiseConv2D((3, 3), depth_multiplier=2, strides=2),
    MaxPooling2D((2, 2), padding='same'),
    UpSampling2D((2, 2)),
    AveragePooling2D((2, 2)),
    Conv2D(5, 2, strides=1, dilation_rate=1),
    GlobalAveragePooling2D(),
    Dense(3, activation='softmax')])
fix_weights(model)
report('shapes', [l.output_shape for l in model.layers])
report('nparams', [l.count_params() for l in model.layers])
rs = np.random.RandomState(0)
x = rs.rand(12, 8, 8, 2).astype('float32')
y = keras.utils.to_categorical(rs.randint(0, 3, 12), 3)
report('predict', model.predict(x[:2]).round(4))
model.compile(keras.optimizers.SGD(lr=0.05, momentum=0.9), 'categorical_crossentropy', metrics=['acc'])
h = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
report('history', {k: [round(float(v), 4) for v in h.history[k]] for k in sorted(h.history)})
report('bn_moving', model.layers[1].get_weights()[2].round(4))
report('predict_after', model.predict(x[:2]).round(4))
m1 = Sequential([Conv1D(3, 3, padding='causal', input_shape=(10, 2)), MaxPooling1D(2), Conv1D(2, 2, dilation_rate=2), GlobalMaxPooling1D()])
fix_weights(m1, 3)
report('conv1d', m1.predict(rs.rand(2, 10, 2).astype('float32')).round(4))
report('conv1d_shapes', [l.output_shape for l in m1.layers])
m2 = Sequential([Conv2D(2, 3, padding='same', input_shape=(2, 6, 6), data_format='channels_first'),
                 MaxPooling2D(2, data_format='channels_first'), Flatten()])
fix_weights(m2, 4)
report('channels_first', m2.predict(rs.rand(1, 2, 6, 6).astype('float32')).round(4))
