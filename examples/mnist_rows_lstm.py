"""Classify MNIST digits with an LSTM that reads each image row by row (28 steps of 28
pixels): a sequence classifier on real data that works offline.
    KERAS_BACKEND=tensorflow python examples/mnist_rows_lstm.py
"""
from _common import parse_args

import minikeras
from minikeras.datasets import mnist
from minikeras.layers import LSTM, Dense
from minikeras.models import Sequential
from minikeras.optimizers import Adam
from minikeras.utils import to_categorical

args = parse_args(__doc__.splitlines()[0], epochs=8)
(x_train, y_train), (x_test, y_test) = mnist.load_data()
if args.samples:
    x_train, y_train = x_train[:args.samples], y_train[:args.samples]
x_train = x_train.astype('float32') / 255
x_test = x_test.astype('float32') / 255
print('engine: %s; %d train sequences, %d test sequences'
      % (minikeras.backend.backend(), len(x_train), len(x_test)))

model = Sequential([LSTM(64, input_shape=(28, 28)), Dense(10, activation='softmax')])
model.compile(loss='categorical_crossentropy', optimizer=Adam(lr=0.005), metrics=['accuracy'])
model.fit(x_train, to_categorical(y_train, 10), batch_size=64, epochs=args.epochs,
          verbose=args.verbose, validation_data=(x_test, to_categorical(y_test, 10)))
score = model.evaluate(x_test, to_categorical(y_test, 10), verbose=0)
print('Test loss:', score[0])
print('Test accuracy:', score[1])
