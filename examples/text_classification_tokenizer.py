"""Classify texts with a Tokenizer bag of words and an MLP (the Keras 2 reuters_mlp /
newsgroup recipe, on raw text).

Data: a folder with one subfolder of text files per class, e.g. the 20 Newsgroups corpus
(news20.tar.gz from http://www.cs.cmu.edu/afs/cs.cmu.edu/project/theo-20/www/data/ ,
extracted so that <folder>/alt.atheism/49960 exists; default folder
~/.keras/datasets/20_newsgroup, as in Keras's pretrained_word_embeddings.py). Without it
the script says so and falls back to real text that ships with Python: the docstrings of
five standard-library packages (email, http, json, logging, unittest), labelled by package.
    KERAS_BACKEND=tensorflow python examples/text_classification_tokenizer.py --plot text.png
"""
import inspect
import os
import pkgutil
import sys

import numpy as np
from _common import parse_args, plot_history

import minikeras
from minikeras.layers import Dense, Dropout
from minikeras.models import Sequential
from minikeras.preprocessing.text import Tokenizer
from minikeras.utils import to_categorical

STDLIB_PACKAGES = ['email', 'http', 'json', 'logging', 'unittest']


def options(parser):
    default = os.path.join(os.environ.get('KERAS_HOME') or os.path.expanduser('~/.keras'),
                           'datasets', '20_newsgroup')
    parser.add_argument('--data-dir', default=default,
                        help='one subfolder of text files per class (default: %(default)s)')
    parser.add_argument('--max-words', type=int, default=1000)


def read_folder(root):
    texts, labels, names = [], [], sorted(n for n in os.listdir(root)
                                          if os.path.isdir(os.path.join(root, n)))
    for label, name in enumerate(names):
        folder = os.path.join(root, name)
        for fname in sorted(os.listdir(folder)):
            with open(os.path.join(folder, fname), encoding='latin-1') as f:
                texts.append(f.read())
            labels.append(label)
    return texts, labels, names


def stdlib_docstrings():
    """Docstrings (40+ characters) of the functions, classes and methods of a few
    standard-library packages, labelled by package."""
    import importlib
    texts, labels = [], []
    for label, package in enumerate(STDLIB_PACKAGES):
        pkg = importlib.import_module(package)
        modules = [pkg] + [importlib.import_module(m.name) for m in
                           pkgutil.walk_packages(pkg.__path__, package + '.')
                           if not set(m.name.split('.')[1:]) & {'test', '__main__'}]
        seen = set()
        for module in modules:
            for _, obj in inspect.getmembers(module):
                members = [obj] + ([m for _, m in inspect.getmembers(obj)]
                                   if inspect.isclass(obj) else [])
                for member in members:
                    doc = getattr(member, '__doc__', None)
                    owner = getattr(member, '__module__', '') or ''
                    if isinstance(doc, str) and len(doc) >= 40 and doc not in seen \
                            and owner.split('.')[0] == package:
                        seen.add(doc)
                        texts.append(doc)
                        labels.append(label)
    return texts, labels, STDLIB_PACKAGES


args = parse_args(__doc__.splitlines()[0], epochs=10, extra=options)
if os.path.isdir(args.data_dir):
    texts, labels, class_names = read_folder(args.data_dir)
    source = args.data_dir
else:
    sys.stderr.write('No text corpus at %s (download and extract news20.tar.gz there, or pass '
                     '--data-dir).\nFalling back to the docstrings of the Python standard '
                     'library packages %s, labelled by package.\n'
                     % (args.data_dir, ', '.join(STDLIB_PACKAGES)))
    texts, labels, class_names = stdlib_docstrings()
    source = 'stdlib docstrings'
order = np.random.RandomState(0).permutation(len(texts))
texts = [texts[i] for i in order]
labels = np.asarray(labels)[order]
if args.samples:
    texts, labels = texts[:args.samples], labels[:args.samples]
cut = int(0.8 * len(texts))
print('engine: %s; %s: %d classes, %d train texts, %d test texts'
      % (minikeras.backend.backend(), source, len(class_names), cut, len(texts) - cut))

tokenizer = Tokenizer(num_words=args.max_words)
tokenizer.fit_on_texts(texts[:cut])            # the vocabulary comes from training texts only
x = tokenizer.texts_to_matrix(texts, mode='tfidf')
y = to_categorical(labels, len(class_names))

model = Sequential()
model.add(Dense(256, activation='relu', input_shape=(args.max_words,)))
model.add(Dropout(0.5))
model.add(Dense(len(class_names), activation='softmax'))
model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
history = model.fit(x[:cut], y[:cut], batch_size=32, epochs=args.epochs, verbose=args.verbose,
                    validation_split=0.1)
score = model.evaluate(x[cut:], y[cut:], verbose=0)
print('Test loss:', score[0])
print('Test accuracy:', score[1])
if args.plot:
    plot_history(history, args.plot, 'Tokenizer + MLP on %s (%s)'
                 % (source, minikeras.backend.backend()))
