"""Train an LSTM on the IMDB sentiment classification task (the Keras 2 example).

Embedding(20000, 128) -> LSTM(128) -> sigmoid, Adam, on Keras's imdb.npz (25,000 + 25,000
reviews, downloaded once to ~/.keras/datasets). No copy of IMDB ships in any package: when
it can neither be downloaded nor found in the Keras cache, the script says which URL to
fetch and where to put it. Example:
    KERAS_BACKEND=tensorflow python examples/imdb_lstm.py --epochs 2 --plot imdb.png
"""
import sys

from _common import parse_args, plot_history

import minikeras
from minikeras.datasets import imdb
from minikeras.layers import LSTM, Dense, Embedding
from minikeras.models import Sequential
from minikeras.preprocessing import sequence

args = parse_args(__doc__.splitlines()[0], epochs=15)
max_features, maxlen, batch_size = 20000, 80, 32

try:
    (x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=max_features)
except IOError as e:
    sys.exit('IMDB is not available offline: %s' % e)
if args.samples:
    x_train, y_train = x_train[:args.samples], y_train[:args.samples]
    x_test, y_test = x_test[:args.samples], y_test[:args.samples]
print('engine: %s; %d train sequences, %d test sequences'
      % (minikeras.backend.backend(), len(x_train), len(x_test)))
x_train = sequence.pad_sequences(x_train, maxlen=maxlen)
x_test = sequence.pad_sequences(x_test, maxlen=maxlen)

model = Sequential()
model.add(Embedding(max_features, 128))
model.add(LSTM(128, dropout=0.2, recurrent_dropout=0.2))
model.add(Dense(1, activation='sigmoid'))
model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])
history = model.fit(x_train, y_train, batch_size=batch_size, epochs=args.epochs,
                    verbose=args.verbose, validation_data=(x_test, y_test))
score, acc = model.evaluate(x_test, y_test, batch_size=batch_size, verbose=0)
print('Test score:', score)
print('Test accuracy:', acc)
if args.plot:
    plot_history(history, args.plot, 'IMDB LSTM (%s)' % minikeras.backend.backend())
