"""Helpers shared by the step benchmarks (arguments, synthetic batches, timing, the Keras 2
reference run, the printed report). Imports nothing beyond the standard library at import
time: keras2_reference.py uses it under an interpreter without minikeras."""
import argparse
import os
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
THREAD_VARS = ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS',
               'TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS', 'MXNET_CPU_WORKER_NTHREADS')


def set_thread_env(n):
    for var in THREAD_VARS:
        os.environ.setdefault(var, str(n))
    if n == 1:  # XLA's CPU backend (JAX): no intra-op thread pool
        os.environ.setdefault('XLA_FLAGS', '--xla_cpu_multi_thread_eigen=false '
                                           'intra_op_parallelism_threads=1')


def step_parser(doc, steps, repeats, warmup):
    """The arguments of every step benchmark (description: ``doc``'s first line)."""
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    p.add_argument('--steps', type=int, default=steps, help='timed steps per repeat')
    p.add_argument('--repeats', type=int, default=repeats)
    p.add_argument('--warmup', type=int, default=warmup)
    p.add_argument('--threads', type=int, default=1)
    return p


def add_reference_arguments(p):
    """--keras-python, --keras3-path, --seed and --no-handwritten (the MLP and LSTM
    benchmarks)."""
    p.add_argument('--keras-python', metavar='PATH',
                   help='also time the same model under the original Keras 2 with this '
                        'interpreter (benchmarks/keras2_reference.py; see '
                        'benchmarks/README.md) and print minikeras / Keras')
    p.add_argument('--keras3-path', metavar='DIR',
                   help='also time the same model under Keras 3 on the same engine (JAX, '
                        'TensorFlow), importing Keras 3 from DIR ("-": the interpreter\'s '
                        'own; benchmarks/keras3_reference.py)')
    p.add_argument('--seed', type=int, default=0,
                   help='numpy seed of the initial weights; the hand-written step and the '
                        'Keras reference start from the same initial weights')
    p.add_argument('--no-handwritten', action='store_true',
                   help='skip the hand-written step')
    return p


def _batches(np, make, count=4):
    rng = np.random.RandomState(0)
    return [make(rng) for _ in range(count)]


def cnn_model(keras):
    """The MNIST CNN of mnist_cnn_step.py (channels_last, Adadelta), compiled, made with
    the ``keras`` package given: minikeras, or the original Keras (keras2_reference.py)."""
    L = keras.layers
    model = keras.models.Sequential([
        L.Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1),
                 data_format='channels_last'),
        L.Conv2D(64, (3, 3), activation='relu', data_format='channels_last'),
        L.MaxPooling2D((2, 2), data_format='channels_last'), L.Dropout(0.25),
        L.Flatten(data_format='channels_last'), L.Dense(128, activation='relu'),
        L.Dropout(0.5), L.Dense(10, activation='softmax')])
    model.compile(loss='categorical_crossentropy', optimizer=keras.optimizers.Adadelta(),
                  metrics=['accuracy'])
    return model


def cnn_batches(np):
    """Two synthetic MNIST CNN batches (x (128, 28, 28, 1), one-hot y), seed 0, as
    mnist_cnn_step.py makes them."""
    return _batches(np, lambda rng: (rng.rand(128, 28, 28, 1).astype('float32'),
                                     np.eye(10, dtype='float32')[rng.randint(0, 10, 128)]),
                    count=2)


def mlp_batches(np):
    """Four synthetic MNIST MLP batches (x (128, 784), one-hot y), seed 0."""
    return _batches(np, lambda rng: (rng.rand(128, 784).astype('float32'),
                                     np.eye(10, dtype='float32')[rng.randint(0, 10, 128)]))


def lstm_batches(np, vocab=20000, batch=32, length=80):
    """Four synthetic IMDB-style batches (word ids (batch, length), labels), seed 0."""
    return _batches(np, lambda rng: (
        rng.randint(1, vocab, size=(batch, length)).astype('int32'),
        rng.randint(0, 2, size=(batch, 1)).astype('float32')))


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def clock():
    """The timer: wall time, or with ``MINIKERAS_BENCH_CLOCK=cpu`` this process's CPU time
    (all its threads): with 1 thread that is the step's own work, much less disturbed than
    wall time when other processes share the machine's cores."""
    choice = os.environ.get('MINIKERAS_BENCH_CLOCK', 'wall')
    if choice not in ('wall', 'cpu'):
        raise SystemExit('MINIKERAS_BENCH_CLOCK: expected wall or cpu, received %r' % choice)
    return time.process_time if choice == 'cpu' else time.perf_counter


def time_steps(step, batches, steps, repeats):
    """Median over ``repeats`` of the mean time of ``steps`` calls (see ``clock``)."""
    now = clock()
    per_step = []
    for _ in range(repeats):
        start = now()
        for i in range(steps):
            step(*batches[i % len(batches)])
        per_step.append((now() - start) / steps)
    return median(per_step)


def time_interleaved(first, first_batches, second, second_batches, steps, repeats):
    """``time_steps`` of two steps in alternating blocks (first, second, first, ...), so a
    change in the machine's load hits both alike: (median of first, median of second)."""
    now = clock()
    times = ([], [])
    for _ in range(repeats):
        for step, batches, out in ((first, first_batches, times[0]),
                                   (second, second_batches, times[1])):
            start = now()
            for i in range(steps):
                step(*batches[i % len(batches)])
            out.append((now() - start) / steps)
    return median(times[0]), median(times[1])


def keras_reference(python, model, engine, args, weights=None, script='keras2_reference.py',
                    pythonpath=None):
    """Run benchmarks/keras2_reference.py under another interpreter (one with the original
    Keras installed) for ``model`` on ``engine``; returns (ms per step, compile s, the
    description line). ``weights``: initial weights (Keras 2 layout) the reference model
    starts from, so that both runs follow the same trajectory. ``engine`` is minikeras's
    engine name; Theano and PyTensor both map to Keras's 'theano' backend (Keras 2 only
    knows classic Theano)."""
    if not os.path.isfile(python) or not os.access(python, os.X_OK):
        raise SystemExit('--keras-python: expected the path of a Python interpreter with '
                         'Keras installed, received %r (not an executable file)' % python)
    env = dict(os.environ)
    env.pop('PYTHONPATH', None)
    if pythonpath:
        env['PYTHONPATH'] = pythonpath
    env['KERAS_BACKEND'] = engine
    cmd = [python, os.path.join(HERE, script), '--model', model,
           '--steps', str(args.steps), '--repeats', str(args.repeats),
           '--warmup', str(args.warmup), '--threads', str(args.threads)]
    tmp = None
    if weights is not None and script == 'keras2_reference.py':
        import shutil
        import tempfile
        import numpy as np
        tmp = tempfile.mkdtemp(prefix='minikeras-bench-')
        path = os.path.join(tmp, 'weights.npz')
        np.savez(path, **dict(('w%d' % i, w) for i, w in enumerate(weights)))
        cmd += ['--weights', path]
    try:
        proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    if proc.returncode != 0:
        raise SystemExit('Keras reference run failed (exit %d): %s\n%s'
                         % (proc.returncode, ' '.join(cmd), proc.stderr[-3000:]))
    ms = compile_s = None
    desc = ''
    for line in proc.stdout.splitlines():
        if line.startswith('keras_ms_per_step:'):
            ms = float(line.split(':', 1)[1])
        elif line.startswith('keras_compile_s:'):
            compile_s = float(line.split(':', 1)[1])
        elif line.startswith('keras '):
            desc = line
    if ms is None or compile_s is None:
        raise SystemExit('Keras reference run printed no timing: %s\n%s'
                         % (' '.join(cmd), proc.stdout[-3000:]))
    return ms, compile_s, desc


def print_keras3_ratio(mk_ms, mk_compile_s, keras3_path, model, engine, args):
    """Keras 3 on the same engine (JAX or TensorFlow), from ``keras3_path`` (a folder
    holding Keras 3, e.g. ``pip install --target``; ``-``: the interpreter's own, as
    TensorFlow installs it), run by this interpreter."""
    import sys
    ms, compile_s, desc = keras_reference(sys.executable, model, engine, args,
                                          script='keras3_reference.py',
                                          pythonpath=None if keras3_path == '-'
                                          else os.path.abspath(keras3_path))
    print('Keras 3 step:     %.2f ms  (first call incl. compile %.2f s) [%s]'
          % (ms, compile_s, desc))
    print('ratio minikeras / Keras 3: %.3f' % (mk_ms / ms))
    print('compile-time ratio minikeras / Keras 3: %.2f' % (mk_compile_s / compile_s))


def print_keras_ratio(mk_ms, mk_compile_s, python, model, engine, impl, args, weights=None):
    ms, compile_s, desc = keras_reference(python, model, engine, args, weights)
    print('Keras reference:  %.2f ms  (first call incl. compile %.2f s) [%s]'
          % (ms, compile_s, desc))
    note = ''
    if impl and impl != engine:
        note = ' (minikeras on %s, Keras on classic %s)' % (impl, engine)
    print('ratio minikeras / Keras: %.3f%s' % (mk_ms / ms, note))
    print('compile-time ratio minikeras / Keras: %.2f' % (mk_compile_s / compile_s))


def print_handwritten_ratio(handwritten, initial, batches, args, flops, mk, compile_s,
                            missing_name, target='', mk_step=None, mk_batches=None):
    """Time the hand-written step from the same initial weights and print its figures and
    the ratios against minikeras's ``mk`` seconds per step and ``compile_s``; given
    minikeras's step (``mk_step``, ``mk_batches``), also both again in alternating blocks
    (``time_interleaved``)."""
    import time
    if handwritten is None:
        print('hand-written step: none for this engine (benchmarks/handwritten/%s.py)'
              % missing_name)
        return
    start = time.perf_counter()
    hw_step = handwritten.make_step(initial)
    hw_step(*batches[0])
    hw_compile = time.perf_counter() - start
    for _ in range(args.warmup):
        hw_step(*batches[0])
    hw = time_steps(hw_step, batches, args.steps, args.repeats)
    print('hand-written step: %.2f ms  (%.1f GFLOP/s; first call incl. compile %.2f s)'
          % (hw * 1e3, flops / hw / 1e9, hw_compile))
    print('ratio minikeras / hand-written: %.3f%s' % (mk / hw, target))
    print('compile-time ratio: %.2f' % (compile_s / hw_compile))
    if mk_step is not None:
        mk2, hw2 = time_interleaved(mk_step, mk_batches, hw_step, batches, args.steps,
                                    args.repeats)
        print('interleaved blocks: minikeras %.2f ms, hand-written %.2f ms, ratio %.3f'
              % (mk2 * 1e3, hw2 * 1e3, mk2 / hw2))


def load_handwritten(name, threads):
    """benchmarks/handwritten/<name>.py, or None when there is none for this engine (an
    ImportError inside it is raised); its ``configure_threads(threads)`` is called."""
    import importlib
    try:
        module = importlib.import_module('handwritten.%s' % name)
    except ImportError as e:
        if 'handwritten.%s' % name not in str(e):
            raise
        return None
    if hasattr(module, 'configure_threads'):
        module.configure_threads(threads)
    return module


def time_train_function(model, x, y, batches, args):
    """(seconds per step, first-call seconds) of ``model``'s compiled train function:
    the first ``train_on_batch(x, y)`` builds and compiles it; the timed calls take
    ``batches`` of (x, y) with unit sample weights, as ``train_on_batch`` passes them."""
    import time
    start = time.perf_counter()
    model.train_on_batch(x, y)
    compile_s = time.perf_counter() - start
    # no sample weights given, as in train_on_batch(x, y): none in the compiled step
    from minikeras.models.data import sample_weights
    ones = sample_weights(y, None, None)
    train_fn = model._function('train', [x, y, ones])
    mk_batches = [(bx, by, ones) for bx, by in batches]
    for _ in range(args.warmup):
        train_fn(*mk_batches[0])
    return (time_steps(train_fn, mk_batches, args.steps, args.repeats), compile_s, train_fn,
            mk_batches)


def print_report(args, model, engine, impl, flops, timing, initial, handwritten, batches,
                 handwritten_name, target='', interleave=True):
    """minikeras's step (``timing``: what ``time_train_function`` returns), then the Keras 2
    and Keras 3 references where asked for, then the hand-written step unless skipped."""
    mk, compile_s, mk_step, mk_batches = timing
    print('minikeras step:   %.2f ms  (%.1f GFLOP/s; first call incl. compile %.2f s)'
          % (mk * 1e3, flops / mk / 1e9, compile_s))
    if getattr(args, 'keras_python', None):
        print_keras_ratio(mk * 1e3, compile_s, args.keras_python, model, engine, impl, args,
                          initial)
    if getattr(args, 'keras3_path', None):
        print_keras3_ratio(mk * 1e3, compile_s, args.keras3_path, model, engine, args)
    if args.no_handwritten:
        return
    if not interleave:
        mk_step = mk_batches = None
    print_handwritten_ratio(handwritten, initial, batches, args, flops, mk, compile_s,
                            handwritten_name, target, mk_step=mk_step, mk_batches=mk_batches)
