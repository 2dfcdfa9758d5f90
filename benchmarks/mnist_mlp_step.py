"""Time one training step of the MNIST MLP (784-512-512-10, ReLU, Dropout 0.2, RMSprop,
batch 128) under minikeras and under a hand-written step in the same engine.

    KERAS_BACKEND=tensorflow python benchmarks/mnist_mlp_step.py

Prints the median step time of each (after warm-up, 1 thread by default), their ratio
(minikeras / hand-written; the target is <= 1.10), the achieved GFLOP/s, and the time
to compile the step. Synthetic data: the step's cost does not depend on the values.
"""
import argparse
import importlib
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def parse():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--steps', type=int, default=50, help='timed steps per repeat')
    p.add_argument('--repeats', type=int, default=5)
    p.add_argument('--warmup', type=int, default=10)
    p.add_argument('--threads', type=int, default=1)
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


def main():
    args = parse()
    sys.path.insert(0, HERE)
    from _common import set_thread_env, time_steps
    set_thread_env(args.threads)
    import numpy as np
    import minikeras
    from minikeras import backend as K
    from minikeras.layers import Dense, Dropout
    from minikeras.models import Sequential
    from minikeras.optimizers import RMSprop

    engine = K.backend()
    try:
        handwritten = importlib.import_module('handwritten.%s' % engine)
    except ImportError:
        handwritten = None
    if handwritten is not None and hasattr(handwritten, 'configure_threads'):
        handwritten.configure_threads(args.threads)

    rng = np.random.RandomState(0)
    batches = []
    for _ in range(4):
        x = rng.rand(128, 784).astype('float32')
        y = np.eye(10, dtype='float32')[rng.randint(0, 10, 128)]
        batches.append((x, y))

    np.random.seed(args.seed)
    model = Sequential([Dense(512, activation='relu', input_shape=(784,)), Dropout(0.2),
                        Dense(512, activation='relu'), Dropout(0.2),
                        Dense(10, activation='softmax')])
    model.compile(loss='categorical_crossentropy', optimizer=RMSprop(), metrics=['accuracy'])
    initial = [np.array(w, copy=True) for w in model.get_weights()]
    x0, y0 = batches[0]
    start = time.perf_counter()
    model.train_on_batch(x0, y0)           # builds and compiles the step
    compile_s = time.perf_counter() - start
    ones = np.ones((128,), dtype='float32')
    ins = [x0, y0, ones]
    train_fn = model._function('train', ins)
    mk_batches = [(x, y, ones) for x, y in batches]
    for _ in range(args.warmup):
        train_fn(*mk_batches[0])
    mk = time_steps(train_fn, mk_batches, args.steps, args.repeats)

    flops = 3 * 2 * 128 * (784 * 512 + 512 * 512 + 512 * 10)   # forward + 2x backward
    print('engine: %s %s, %d thread(s)' % (engine, K.engine_info().get('version', ''),
                                           args.threads))
    print('minikeras step:   %.2f ms  (%.1f GFLOP/s; first call incl. compile %.2f s)'
          % (mk * 1e3, flops / mk / 1e9, compile_s))
    if args.keras_python:
        from _common import print_keras_ratio
        print_keras_ratio(mk * 1e3, compile_s, args.keras_python, 'mlp', engine,
                          K.engine_info().get('implementation'), args, initial)
    if args.keras3_path:
        from _common import print_keras3_ratio
        print_keras3_ratio(mk * 1e3, compile_s, args.keras3_path, 'mlp', engine, args)
    if args.no_handwritten:
        return
    from _common import print_handwritten_ratio
    print_handwritten_ratio(handwritten, initial, batches, args, flops, mk, compile_s,
                            '%s' % engine, ' (target <= 1.10)',
                            mk_step=train_fn, mk_batches=mk_batches)

if __name__ == '__main__':
    main()
