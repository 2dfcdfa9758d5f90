"""Learn to add two numbers given as text, with a sequence-to-sequence LSTM (the Keras 2
example, generated data).

Input "535+61 " (padded, optionally reversed) -> output "596 ". An LSTM encoder reads the
question; RepeatVector feeds its summary to an LSTM decoder at every output position;
TimeDistributed(Dense) picks a character per position.
    KERAS_BACKEND=tensorflow python examples/addition_rnn.py
"""
import argparse

import numpy as np

import minikeras
from minikeras.layers import LSTM, Activation, Dense, RepeatVector, TimeDistributed
from minikeras.models import Sequential

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument('--digits', type=int, default=2)
parser.add_argument('--samples', type=int, default=10000)
parser.add_argument('--epochs', type=int, default=20)
parser.add_argument('--verbose', type=int, default=2, choices=(0, 1, 2))
args = parser.parse_args()

CHARS = '0123456789+ '
MAXLEN = args.digits * 2 + 1
OUTLEN = args.digits + 1


def encode(text, length):
    x = np.zeros((length, len(CHARS)), dtype='float32')
    for i, c in enumerate(text):
        x[i, CHARS.index(c)] = 1
    return x


def decode(x):
    return ''.join(CHARS[i] for i in x.argmax(-1))


rng = np.random.RandomState(0)
seen, questions, answers = set(), [], []
while len(questions) < args.samples:
    a, b = (int(''.join(rng.choice(list('0123456789'), rng.randint(1, args.digits + 1))))
            for _ in range(2))
    if (a, b) in seen:
        if len(seen) >= (10 ** args.digits) ** 2:
            break
        continue
    seen.add((a, b))
    q = ('%d+%d' % (a, b)).ljust(MAXLEN)[::-1]           # reversed input helps the LSTM
    questions.append(q)
    answers.append(str(a + b).ljust(OUTLEN))
x = np.stack([encode(q, MAXLEN) for q in questions])
y = np.stack([encode(s, OUTLEN) for s in answers])
split = len(x) - len(x) // 10
x_train, x_val, y_train, y_val = x[:split], x[split:], y[:split], y[split:]
print('engine: %s; %d training questions, %d validation'
      % (minikeras.backend.backend(), len(x_train), len(x_val)))

model = Sequential()
model.add(LSTM(128, input_shape=(MAXLEN, len(CHARS))))
model.add(RepeatVector(OUTLEN))
model.add(LSTM(128, return_sequences=True))
model.add(TimeDistributed(Dense(len(CHARS))))
model.add(Activation('softmax'))
model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
model.fit(x_train, y_train, batch_size=32, epochs=args.epochs, verbose=args.verbose,
          validation_data=(x_val, y_val))

pred = model.predict(x_val)
exact = np.mean([decode(p) == decode(t) for p, t in zip(pred, y_val)])
for i in range(3):
    print('%s = %s (model: %s)' % (questions[split + i][::-1].strip(), decode(y_val[i]).strip(),
                                   decode(pred[i]).strip()))
print('Validation character accuracy:', model.evaluate(x_val, y_val, verbose=0)[1])
print('Validation exact-sum accuracy:', exact)
