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
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB, EMBED, UNITS, BATCH, LENGTH = 20000, 128, 128, 32, 80


def parse():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--steps', type=int, default=20, help='timed steps per repeat')
    p.add_argument('--repeats', type=int, default=5)
    p.add_argument('--warmup', type=int, default=5)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--unroll', action='store_true', help='LSTM(unroll=True) in minikeras')
    p.add_argument('--keras-python', metavar='PATH',
                   help='also time the same model under the original Keras 2 with this '
                        'interpreter (benchmarks/keras2_reference.py; see '
                        'benchmarks/README.md) and print minikeras / Keras')
    p.add_argument('--keras3-path', metavar='DIR',
                   help='also time the same model under Keras 3 on the same engine (JAX), '
                        'importing Keras 3 from DIR (benchmarks/keras3_reference.py)')
    p.add_argument('--seed', type=int, default=0,
                   help='numpy seed of the initial weights; the hand-written step and the '
                        'Keras reference start from the same initial weights')
    p.add_argument('--no-handwritten', action='store_true',
                   help='skip the hand-written step')
    return p.parse_args()


def step_flops():
    """Multiply-adds x 2 of the matrix products, forward + 2x backward (the embedding
    gather and the element-wise gate math are not counted)."""
    per_step = 2 * BATCH * (EMBED * 4 * UNITS + UNITS * 4 * UNITS)
    return 3 * (LENGTH * per_step + 2 * BATCH * UNITS)


def main():
    args = parse()
    sys.path.insert(0, HERE)
    from _common import print_keras_ratio, set_thread_env
    set_thread_env(args.threads)
    import numpy as np
    from minikeras import backend as K
    from minikeras.layers import Dense, Embedding, LSTM
    from minikeras.models import Sequential
    from minikeras.optimizers import Adam

    engine = K.backend()
    impl = K.engine_info().get('implementation', engine)
    from _common import load_handwritten
    handwritten = load_handwritten('lstm_%s' % engine, args.threads)

    rng = np.random.RandomState(0)
    batches = []
    for _ in range(4):
        x = rng.randint(1, VOCAB, size=(BATCH, LENGTH)).astype('int32')
        y = rng.randint(0, 2, size=(BATCH, 1)).astype('float32')
        batches.append((x, y))

    np.random.seed(args.seed)
    model = Sequential([Embedding(VOCAB, EMBED, input_length=LENGTH),
                        LSTM(UNITS, activation='tanh', recurrent_activation='sigmoid',
                             unroll=args.unroll),
                        Dense(1, activation='sigmoid')])
    model.compile(loss='binary_crossentropy', optimizer=Adam(), metrics=['accuracy'])
    initial = [np.array(w, copy=True) for w in model.get_weights()]
    from _common import time_train_function
    mk, compile_s = time_train_function(model, batches[0][0], batches[0][1], batches, args)

    flops = step_flops()
    version = K.engine_info().get('version', '')
    print('engine: %s%s %s, %d thread(s), LSTM unroll=%s'
          % (engine, '' if impl == engine else ' (%s)' % impl, version, args.threads,
             args.unroll))
    print('minikeras step:   %.2f ms  (%.1f GFLOP/s; first call incl. compile %.2f s)'
          % (mk * 1e3, flops / mk / 1e9, compile_s))
    if args.keras_python:
        print_keras_ratio(mk * 1e3, compile_s, args.keras_python, 'lstm', engine, impl, args,
                          initial)
    if args.keras3_path:
        from _common import print_keras3_ratio
        print_keras3_ratio(mk * 1e3, compile_s, args.keras3_path, 'lstm', engine, args)
    if args.no_handwritten:
        return
    from _common import print_handwritten_ratio
    print_handwritten_ratio(handwritten, initial, batches, args, flops, mk, compile_s,
                            'lstm_%s' % engine, '',
                            mk_step=train_fn, mk_batches=mk_batches)


if __name__ == '__main__':
    main()
