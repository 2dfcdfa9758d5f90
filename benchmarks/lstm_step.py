"""Time one training step of the IMDB-style LSTM classifier (Embedding(20000, 128) ->
LSTM(128) -> Dense(1, sigmoid), binary cross-entropy, Adam, batch 32, length 80) under
minikeras and under a hand-written step in the same engine.

    KERAS_BACKEND=tensorflow python benchmarks/lstm_step.py [--keras-python PATH]

Prints the median step time of each (after warm-up, 1 thread by default), their ratio
(minikeras / hand-written), the time of the first call (graph build + compile: the headline
number on Theano) and, with ``--keras-python``, the same step under the original Keras 2
and the ratio minikeras / Keras. Hand-written steps: benchmarks/handwritten/lstm_<engine>.py
(``make_step(weights) -> run(x, y)``; weights in Keras 2 layout: embeddings, LSTM kernel,
recurrent kernel, bias with gates i, f, c, o, Dense kernel, Dense bias).
Synthetic data: random word ids and labels; the step's cost does not depend on the values.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from _common import add_reference_arguments, step_parser  # noqa: E402

VOCAB, EMBED, UNITS, BATCH, LENGTH = 20000, 128, 128, 32, 80


def parse():
    p = step_parser(__doc__, steps=20, repeats=5, warmup=5)
    p.add_argument('--unroll', action='store_true', help='LSTM(unroll=True) in minikeras')
    return add_reference_arguments(p).parse_args()


def step_flops():
    """Multiply-adds x 2 of the matrix products, forward + 2x backward (the embedding
    gather and the element-wise gate math are not counted)."""
    per_step = 2 * BATCH * (EMBED * 4 * UNITS + UNITS * 4 * UNITS)
    return 3 * (LENGTH * per_step + 2 * BATCH * UNITS)


def main():
    args = parse()
    from _common import (load_handwritten, lstm_batches, print_report, set_thread_env,
                         time_train_function)
    set_thread_env(args.threads)
    import numpy as np
    from minikeras import backend as K
    from minikeras.layers import Dense, Embedding, LSTM
    from minikeras.models import Sequential
    from minikeras.optimizers import Adam

    engine = K.backend()
    impl = K.engine_info().get('implementation', engine)
    handwritten = load_handwritten('lstm_%s' % engine, args.threads)
    batches = lstm_batches(np, VOCAB, BATCH, LENGTH)

    np.random.seed(args.seed)
    model = Sequential([Embedding(VOCAB, EMBED, input_length=LENGTH),
                        LSTM(UNITS, activation='tanh', recurrent_activation='sigmoid',
                             unroll=args.unroll),
                        Dense(1, activation='sigmoid')])
    model.compile(loss='binary_crossentropy', optimizer=Adam(), metrics=['accuracy'])
    initial = [np.array(w, copy=True) for w in model.get_weights()]
    timing = time_train_function(model, batches[0][0], batches[0][1], batches, args)

    version = K.engine_info().get('version', '')
    print('engine: %s%s %s, %d thread(s), LSTM unroll=%s'
          % (engine, '' if impl == engine else ' (%s)' % impl, version, args.threads,
             args.unroll))
    print_report(args, 'lstm', engine, impl, step_flops(), timing, initial, handwritten,
                 batches, 'lstm_%s' % engine)

if __name__ == '__main__':
    main()
