"""Time the same training steps under the original multi-backend Keras (Keras 2.3.1 on
TensorFlow 2.2 / Theano 1.0.5 / CNTK 2.7, or keras-mxnet 2.2.4.3 on MXNet 1.9.1), for the
ratios printed by ``mnist_mlp_step.py`` and ``lstm_step.py`` (and, run by hand, for
``mnist_cnn_step.py``):

    KERAS_BACKEND=theano /tmp/warm/keras23/bin/python benchmarks/keras2_reference.py --model mlp

Models (same as the minikeras benchmarks):
  mlp   784-512-512-10, ReLU, Dropout 0.2, softmax, categorical cross-entropy, RMSprop, batch 128
  lstm  Embedding(20000, 128) -> LSTM(128) -> Dense(1, sigmoid), binary cross-entropy, Adam,
        batch 32, sequence length 80
  cnn   the MNIST CNN of mnist_cnn_step.py (channels_last, Adadelta, batch 128)

It times Keras's compiled train function (``model.train_function``, the call that
``train_on_batch`` makes after standardising its arguments), median of repeats after a
warm-up, like the minikeras side. The first ``train_on_batch`` (graph build + compile) is
reported as the compile time. The last two lines are machine-readable:

    keras_ms_per_step: <float>
    keras_compile_s: <float>

Needs Python 3.6/3.7 and ``import keras``; never imports minikeras. Rebuilding the
environments: see benchmarks/README.md.
"""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (  # noqa: E402
    cnn_batches, cnn_model, lstm_batches, median, mlp_batches, step_parser)


def parse(argv=None):
    p = step_parser(__doc__, steps=50, repeats=5, warmup=10)
    p.add_argument('--model', choices=('mlp', 'lstm', 'cnn'), default='mlp')
    p.add_argument('--weights', metavar='NPZ',
                   help='initial weights (arrays w0, w1, ... in Keras 2 layout, as '
                        'model.get_weights() orders them); default: Keras\'s own init')
    p.add_argument('--unroll', choices=('auto', 'yes', 'no'), default='auto',
                   help='LSTM unroll; auto: only where the backend requires it (keras-mxnet)')
    return p.parse_args(argv)


def time_steps(step, batches, steps, repeats):
    per_step = []
    for _ in range(repeats):
        start = time.perf_counter()
        for i in range(steps):
            step(batches[i % len(batches)])
        per_step.append((time.perf_counter() - start) / steps)
    return median(per_step)


def set_threads(n):
    for var in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS',
                'TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS',
                'MXNET_CPU_WORKER_NTHREADS'):
        os.environ.setdefault(var, str(n))
    # Keras reads/writes $KERAS_HOME/keras.json at import: keep it off the user's home
    os.environ.setdefault('KERAS_HOME', os.path.join(tempfile.gettempdir(), 'keras2_reference'))
    backend = os.environ.get('KERAS_BACKEND', 'tensorflow')
    if backend == 'theano':
        flags = os.environ.get('THEANO_FLAGS', '')
        if 'floatX' not in flags:       # as minikeras does, user flags keep priority
            os.environ['THEANO_FLAGS'] = 'floatX=float32' + (',' + flags if flags else '')
    if backend == 'cntk':
        # explicitly: Keras's Trainers would raise an unset count to the number of cores
        import cntk
        cntk.cntk_py.set_max_num_cputhreads(n)
    if backend == 'tensorflow':
        os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(n)
        tf.config.threading.set_inter_op_parallelism_threads(n)


def build_mlp(keras):
    from keras.layers import Dense, Dropout
    from keras.models import Sequential
    model = Sequential([Dense(512, activation='relu', input_shape=(784,)), Dropout(0.2),
                        Dense(512, activation='relu'), Dropout(0.2),
                        Dense(10, activation='softmax')])
    model.compile(loss='categorical_crossentropy', optimizer=keras.optimizers.RMSprop(),
                  metrics=['accuracy'])
    return model


def build_lstm(keras, unroll):
    from keras.layers import Dense, Embedding, LSTM
    from keras.models import Sequential
    model = Sequential([Embedding(20000, 128, input_length=80),
                        LSTM(128, activation='tanh', recurrent_activation='sigmoid',
                             unroll=unroll),
                        Dense(1, activation='sigmoid')])
    model.compile(loss='binary_crossentropy', optimizer=keras.optimizers.Adam(),
                  metrics=['accuracy'])
    return model


def train_ins(model, keras, x, y):
    """The argument list ``train_on_batch`` passes to ``model.train_function``."""
    from keras import backend as K
    x, y, sample_weights = model._standardize_user_data(x, y)
    if hasattr(model, '_uses_dynamic_learning_phase'):          # Keras 2.3
        flag = [1] if model._uses_dynamic_learning_phase() else []
    else:                                                       # Keras 2.2 (keras-mxnet)
        dynamic = model.uses_learning_phase and not isinstance(K.learning_phase(), int)
        flag = [1.] if dynamic else []
    return x + y + sample_weights + flag


def main(argv=None):
    args = parse(argv)
    set_threads(args.threads)
    import numpy as np
    stderr = sys.stderr
    sys.stderr = open(os.devnull, 'w')      # "Using X backend." and engine chatter
    try:
        import keras
        from keras import backend as K
    finally:
        sys.stderr.close()
        sys.stderr = stderr
    backend = K.backend()
    if args.model == 'mlp':
        model = build_mlp(keras)
        batches = mlp_batches(np)
    elif args.model == 'cnn':
        model = cnn_model(keras)
        batches = cnn_batches(np)
    else:
        unroll = args.unroll == 'yes' or (args.unroll == 'auto' and backend == 'mxnet')
        model = build_lstm(keras, unroll)
        batches = lstm_batches(np)
    if args.weights:
        with np.load(args.weights) as data:
            model.set_weights([data['w%d' % i] for i in range(len(data.files))])
    x0, y0 = batches[0]
    start = time.perf_counter()
    model.train_on_batch(x0, y0)            # builds and compiles the train function
    compile_s = time.perf_counter() - start
    fn = model.train_function
    ins = [train_ins(model, keras, x, y) for x, y in batches]
    for _ in range(args.warmup):
        fn(ins[0])
    ms = time_steps(fn, ins, args.steps, args.repeats) * 1e3
    engine = sys.modules.get({'tensorflow': 'tensorflow', 'theano': 'theano', 'cntk': 'cntk',
                              'mxnet': 'mxnet'}.get(backend, backend))
    version = getattr(engine, '__version__', '?')
    print('keras %s on %s %s (Python %d.%d), model %s, %d thread(s)%s%s'
          % (keras.__version__, backend, version, sys.version_info[0], sys.version_info[1],
             args.model, args.threads,
             ', unroll=True' if args.model == 'lstm' and unroll else '',
             ', given initial weights' if args.weights else ''))
    print('keras_ms_per_step: %.3f' % ms)
    print('keras_compile_s: %.3f' % compile_s)


if __name__ == '__main__':
    main()
