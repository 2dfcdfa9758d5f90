"""Train a simple deep CNN on CIFAR-10 with real-time data augmentation (the Keras 2
example, ImageDataGenerator).

Keras's CIFAR-10 (cifar-10-python.tar.gz, 163 MB) is downloaded once to ~/.keras/datasets.
Offline, with no cached copy, the script says so and falls back to the real handwritten
digits that ship with scikit-learn (1,797 8x8 images, upscaled to 32x32 RGB), or, with
--no-fallback, stops with the URL and path to download to. Example:
    KERAS_BACKEND=tensorflow python examples/cifar10_cnn.py --epochs 20 --plot cifar.png
"""
import sys

import numpy as np
from _common import parse_args, plot_history

import minikeras
from minikeras import backend as K
from minikeras.datasets import cifar10
from minikeras.layers import (Activation, Conv2D, Dense, Dropout, Flatten, MaxPooling2D)
from minikeras.models import Sequential
from minikeras.optimizers import RMSprop
from minikeras.preprocessing.image import ImageDataGenerator
from minikeras.utils import to_categorical


def options(parser):
    parser.add_argument('--no-fallback', action='store_true',
                        help='stop instead of using the scikit-learn digits offline')


def digits_as_cifar():
    """scikit-learn's bundled 8x8 digits as 32x32 RGB uint8 images, 80/20 split."""
    from sklearn.datasets import load_digits
    digits = load_digits()
    images = np.kron(digits.images, np.ones((4, 4))) * (255. / 16)
    images = np.repeat(images[..., None], 3, axis=-1).astype('uint8')
    order = np.random.RandomState(0).permutation(len(images))
    images, labels = images[order], digits.target[order].reshape(-1, 1)
    if K.image_data_format() == 'channels_first':
        images = images.transpose(0, 3, 1, 2)
    cut = int(0.8 * len(images))
    return (images[:cut], labels[:cut]), (images[cut:], labels[cut:])


args = parse_args(__doc__.splitlines()[0], epochs=100, extra=options)
batch_size, num_classes = 32, 10
try:
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    source = 'CIFAR-10'
except IOError as e:
    if args.no_fallback:
        sys.exit('CIFAR-10 is not available offline: %s' % e)
    sys.stderr.write('CIFAR-10 unavailable (%s)\nFalling back to the real 8x8 digits that '
                     'ship with scikit-learn, upscaled to 32x32 RGB.\n' % e)
    (x_train, y_train), (x_test, y_test) = digits_as_cifar()
    source = 'scikit-learn digits'
if args.samples:
    x_train, y_train = x_train[:args.samples], y_train[:args.samples]
print('engine: %s; %s: %d train samples, %d test samples'
      % (minikeras.backend.backend(), source, len(x_train), len(x_test)))
y_train = to_categorical(y_train, num_classes)
y_test = to_categorical(y_test, num_classes)
x_train = x_train.astype('float32') / 255
x_test = x_test.astype('float32') / 255

model = Sequential()
model.add(Conv2D(32, (3, 3), padding='same', input_shape=x_train.shape[1:]))
model.add(Activation('relu'))
model.add(Conv2D(32, (3, 3)))
model.add(Activation('relu'))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Dropout(0.25))
model.add(Conv2D(64, (3, 3), padding='same'))
model.add(Activation('relu'))
model.add(Conv2D(64, (3, 3)))
model.add(Activation('relu'))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Dropout(0.25))
model.add(Flatten())
model.add(Dense(512))
model.add(Activation('relu'))
model.add(Dropout(0.5))
model.add(Dense(num_classes))
model.add(Activation('softmax'))
model.compile(loss='categorical_crossentropy', optimizer=RMSprop(lr=0.0001, decay=1e-6),
              metrics=['accuracy'])

# real-time augmentation: small shifts and horizontal flips (none for digits: a flipped
# digit is another shape)
datagen = ImageDataGenerator(width_shift_range=0.1, height_shift_range=0.1,
                             horizontal_flip=(source == 'CIFAR-10'))
datagen.fit(x_train)
history = model.fit_generator(datagen.flow(x_train, y_train, batch_size=batch_size),
                              epochs=args.epochs, verbose=args.verbose,
                              validation_data=(x_test, y_test))
scores = model.evaluate(x_test, y_test, verbose=0)
print('Test loss:', scores[0])
print('Test accuracy:', scores[1])
if args.plot:
    plot_history(history, args.plot, '%s CNN (%s)' % (source, minikeras.backend.backend()))
