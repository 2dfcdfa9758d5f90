"""Train a small MNIST classifier on any engine, export it for deployment, check each file.

Trains on the engine chosen by KERAS_BACKEND (TensorFlow, Theano, CNTK, MXNet), exports
a TensorFlow SavedModel (TF Serving), a TFLite flatbuffer (Android, iOS, Raspberry Pi) and
an ONNX file (onnxruntime: servers, phones, browsers), then runs each file in its own
runtime and prints how well it agrees with model.predict:

    KERAS_BACKEND=theano python examples/export_mnist.py --out exported/
    KERAS_BACKEND=cntk MINIKERAS_EXPORT_PYTHON=/path/to/tf-venv/bin/python \\
        python examples/export_mnist.py

Exporting needs TensorFlow (and tf2onnx + onnx + onnxruntime for ONNX): installed in
this Python (pip install "minikeras[tensorflow,export]"), or in the Python named by
MINIKERAS_EXPORT_PYTHON when this one cannot have it (e.g. CNTK on Python 3.6).
"""
import argparse
import os
import tempfile

import numpy as np

import minikeras
from minikeras import export
from minikeras.datasets import mnist
from minikeras.layers import Conv2D, Dense, Dropout, Flatten, MaxPooling2D
from minikeras.models import Sequential
from minikeras.utils import to_categorical

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument('--model', choices=('cnn', 'mlp'), default='cnn')
parser.add_argument('--epochs', type=int, default=2)
parser.add_argument('--samples', type=int, default=None,
                    help='train on at most this many training images (smoke runs)')
parser.add_argument('--verbose', type=int, default=1, choices=(0, 1, 2))
parser.add_argument('--seed', type=int, default=None)
parser.add_argument('--out', default=None,
                    help='folder for the exported files (default: a new temporary folder)')
parser.add_argument('--formats', default=','.join(export.FORMATS),
                    help='comma-separated subset of %s' % ', '.join(export.FORMATS))
args = parser.parse_args()
if args.seed is not None:
    np.random.seed(args.seed)
formats = [f.strip() for f in args.formats.split(',') if f.strip()]

(x_train, y_train), (x_test, y_test) = mnist.load_data()
if args.samples:
    x_train, y_train = x_train[:args.samples], y_train[:args.samples]
shape = (28, 28, 1) if args.model == 'cnn' else (784,)
x_train = x_train.reshape((len(x_train),) + shape).astype('float32') / 255
x_test = x_test.reshape((len(x_test),) + shape).astype('float32') / 255
print('engine: %s; %d train samples, %d test samples'
      % (minikeras.backend.backend(), len(x_train), len(x_test)))

model = Sequential(name='mnist_%s' % args.model)
if args.model == 'cnn':
    model.add(Conv2D(8, 3, activation='relu', input_shape=shape))
    model.add(MaxPooling2D(2))
    model.add(Conv2D(16, 3, activation='relu'))
    model.add(MaxPooling2D(2))
    model.add(Flatten())
else:
    model.add(Dense(128, activation='relu', input_shape=shape))
model.add(Dense(64, activation='relu'))
model.add(Dropout(0.2))
model.add(Dense(10, activation='softmax', name='digits'))
model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
model.fit(x_train, to_categorical(y_train, 10), batch_size=64, epochs=args.epochs,
          verbose=args.verbose)
probs = model.predict(x_test)
accuracy = float(np.mean(probs.argmax(-1) == y_test))
print('Test accuracy: %.4f' % accuracy)

out_dir = args.out or tempfile.mkdtemp(prefix='minikeras-mnist-export-')
if not os.path.isdir(out_dir):
    os.makedirs(out_dir)
for fmt in formats:
    path = model.export(os.path.join(out_dir, 'mnist' + export.EXTENSIONS[fmt]), format=fmt)
    # runs the file in its own runtime; raises VerificationError if it disagrees
    report = export.verify(model, path, fmt, x_test, return_outputs=True)
    runtime = report['runtime']
    labels = report['exported']['digits'].argmax(-1)
    print('%-11s %s\n            runtime: %s; max |diff| vs predict %.2e (tolerance '
          '%.0e relative); same digit for %d/%d images; accuracy %.4f'
          % (fmt, path, runtime, report['max_abs_diff'], report['rtol'],
             int(np.sum(labels == probs.argmax(-1))), len(labels),
             float(np.mean(labels == y_test))))
print('exported to %s' % out_dir)
