"""minikeras's train step and the hand-written one, timed in alternating blocks in one
process (so both see the same machine load), by wall clock and by process CPU time:

    KERAS_BACKEND=mxnet python benchmarks/interleaved.py mlp --rounds 9 --steps 10
    KERAS_BACKEND=tensorflow python benchmarks/interleaved.py lstm --keras3

Models as in mnist_mlp_step.py (mlp), lstm_step.py (lstm) and mnist_cnn_step.py (cnn);
hand-written steps from benchmarks/handwritten/ (<engine>.py, lstm_<engine>.py,
cnn_<engine>.py), started from the same seeded weights. Prints the median per-step time
of each over the rounds and the ratio minikeras / hand-written for both clocks, and in
parentheses the median of the per-round ratios (the blocks compared run next to each
other, so a change of the machine's speed between rounds cancels out). On a
machine shared with other jobs the CPU-time ratio is the steadier one (wall time includes
waiting for a core); with 1 thread the engine's worker and Python overlap, so CPU time can
exceed wall time.

``--keras3`` (TensorFlow, whose install brings Keras 3) also alternates Keras 3's
``train_on_batch`` on the same model and batch, and minikeras's own ``train_on_batch``
(the call comparable with Keras 3's: both include the per-call work around the compiled
step), and prints that ratio too.
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def _mlp(np):
    from minikeras.layers import Dense, Dropout
    from minikeras.models import Sequential
    from minikeras.optimizers import RMSprop
    rng = np.random.RandomState(0)
    data = (rng.rand(128, 784).astype('float32'),
            np.eye(10, dtype='float32')[rng.randint(0, 10, 128)])
    np.random.seed(0)
    model = Sequential([Dense(512, activation='relu', input_shape=(784,)), Dropout(0.2),
                        Dense(512, activation='relu'), Dropout(0.2),
                        Dense(10, activation='softmax')])
    model.compile(loss='categorical_crossentropy', optimizer=RMSprop(), metrics=['accuracy'])
    return model, data


def _lstm(np):
    from minikeras.layers import Dense, Embedding, LSTM
    from minikeras.models import Sequential
    from minikeras.optimizers import Adam
    rng = np.random.RandomState(0)
    data = (rng.randint(1, 20000, size=(32, 80)).astype('int32'),
            rng.randint(0, 2, size=(32, 1)).astype('float32'))
    np.random.seed(0)
    model = Sequential([Embedding(20000, 128, input_length=80),
                        LSTM(128, activation='tanh', recurrent_activation='sigmoid'),
                        Dense(1, activation='sigmoid')])
    model.compile(loss='binary_crossentropy', optimizer=Adam(), metrics=['accuracy'])
    return model, data


def _cnn(np):
    from mnist_cnn_step import BATCH, build_model
    rng = np.random.RandomState(0)
    data = (rng.rand(BATCH, 28, 28, 1).astype('float32'),
            np.eye(10, dtype='float32')[rng.randint(0, 10, BATCH)])
    np.random.seed(0)
    return build_model(), data


def _waiter(engine):
    """Wait for the engine's queued work (MXNet runs ops asynchronously: the variables'
    updates of the last step may still be queued when it returns)."""
    if engine == 'mxnet':
        import mxnet
        return mxnet.nd.waitall
    return lambda: None


def _paired(ours, theirs, i):
    """Median over rounds of the ratio of the two blocks of one round (timed next to each
    other, so a change of machine speed between rounds cancels out)."""
    from _common import median
    return median([a[i] / b[i] for a, b in zip(ours, theirs)])


def _block(step, args, steps, sync):
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(steps):
        step(*args)
    sync()
    return (time.perf_counter() - wall) / steps, (time.process_time() - cpu) / steps


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('model', choices=('mlp', 'lstm', 'cnn'))
    p.add_argument('--rounds', type=int, default=9)
    p.add_argument('--steps', type=int, default=10, help='steps per timed block')
    p.add_argument('--warmup', type=int, default=3)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--keras3', action='store_true',
                   help='also Keras 3 train_on_batch against minikeras train_on_batch')
    args = p.parse_args()
    sys.path.insert(0, HERE)
    from _common import load_handwritten, median, set_thread_env
    set_thread_env(args.threads)
    import numpy as np
    from minikeras import backend as K

    build, prefix = {'mlp': (_mlp, ''), 'lstm': (_lstm, 'lstm_'),
                     'cnn': (_cnn, 'cnn_')}[args.model]
    engine = K.backend()
    # first: its configure_threads must run before the engine starts (TensorFlow)
    handwritten = load_handwritten(prefix + engine, args.threads)
    model, (x, y) = build(np)
    initial = [np.array(w, copy=True) for w in model.get_weights()]
    model.train_on_batch(x, y)
    # no sample weights given, as in train_on_batch(x, y): none in the compiled step
    from minikeras.models.data import sample_weights
    ones = sample_weights(y, None, None)
    mk = model._function('train', [x, y, ones])
    hw = handwritten.make_step(initial)
    sync = _waiter(engine)
    for _ in range(args.warmup):
        mk(x, y, ones)
        hw(x, y)
    steps = {'mk': (mk, (x, y, ones)), 'hw': (hw, (x, y))}
    if args.keras3:
        import tempfile
        os.environ['KERAS_HOME'] = os.path.join(tempfile.gettempdir(), 'keras3_reference')
        import keras
        from keras3_reference import build as build3
        model3 = build3(keras, args.model, np)[0]
        model3.set_weights(initial)
        steps['mk_tob'] = (model.train_on_batch, (x, y))
        steps['k3'] = (model3.train_on_batch, (x, y))
        for _ in range(args.warmup + 1):
            model3.train_on_batch(x, y)
    times = dict((k, []) for k in steps)
    for _ in range(args.rounds):
        # always the same order, so every block follows another model's block (a block
        # right after one of its own model would start with warm caches)
        for k, (f, a) in steps.items():
            times[k].append(_block(f, a, args.steps, sync))
    print('engine: %s %s, %d thread(s), model %s, %d rounds x %d steps, load %s'
          % (engine, K.engine_info().get('version', ''), args.threads, args.model,
             args.rounds, args.steps, open('/proc/loadavg').read().split()[0]
             if os.path.exists('/proc/loadavg') else '?'))
    for clock, i in (('wall', 0), ('cpu', 1)):
        a = median([t[i] for t in times['mk']]) * 1e3
        b = median([t[i] for t in times['hw']]) * 1e3
        print('%-4s minikeras %.2f ms  hand-written %.2f ms  ratio %.3f  (paired %.3f)'
              % (clock, a, b, a / b, _paired(times['mk'], times['hw'], i)))
        if args.keras3:
            a = median([t[i] for t in times['mk_tob']]) * 1e3
            b = median([t[i] for t in times['k3']]) * 1e3
            print('%-4s train_on_batch: minikeras %.2f ms  Keras 3 %.2f ms  ratio %.3f  '
                  '(paired %.3f)' % (clock, a, b, a / b,
                                     _paired(times['mk_tob'], times['k3'], i)))


if __name__ == '__main__':
    main()
