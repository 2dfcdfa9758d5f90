"""Serving latency: ``model.predict`` on 1 sample and ``model.predict_on_batch`` on 32,
against a direct call of the engine's compiled predict function (issue 15: <= 1.5x).

    KERAS_BACKEND=tensorflow python benchmarks/predict_latency.py

The model is the MNIST MLP (784-512-512-10, ReLU, Dropout 0.2, softmax), or with ``--model
small`` 784-16-10, where the Python around the compiled call dominates. "direct" is the
engine's own compiled function, fed arrays already of the right dtype and shape (a concrete
``tf.function``, the ``theano.function``, the CNTK graph's ``forward``); on engines whose
compiled function is minikeras's own Python (NumPy, JAX, MXNet) it is that function. Also
printed: minikeras's ``compiled_function`` wrapper (``model._function('predict', ...)``)
called directly.
Each figure is the median over ``--repeats`` interleaved rounds (every case in turn) of
the mean time of one round's calls (about 20 ms of calls, at least ``--calls``).
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def parse():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--calls', type=int, default=100,
                   help='timed calls per round, at least (more if a round is under 20 ms)')
    p.add_argument('--repeats', type=int, default=15, help='interleaved rounds')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--model', choices=('mlp', 'small'), default='mlp',
                   help="mlp: 784-512-512-10; small: 784-16-10 (the Python around the "
                        "call dominates)")
    return p.parse_args()


def direct_call(engine, fn, x):
    """A zero-argument callable: the engine's compiled function on ``x`` (numpy out)."""
    import numpy as np
    if engine == 'tensorflow':
        concrete = fn.tf_function.get_concrete_function()
        return lambda: [o.numpy() for o in concrete(x)]
    if engine == 'theano':
        raw = fn.engine_function
        return lambda: raw(x)
    if engine == 'cntk':
        graph = fn.graphs[(x.shape,)]
        main, feed = graph.main, {graph.inputs[0]: np.ascontiguousarray(x)}
        return lambda: main.forward(feed, main.outputs)
    return lambda: fn(x)


def time_call(call, calls):
    start = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - start) / calls


def calls_for(call, at_least, seconds=0.02):
    """Enough calls for a round of about ``seconds`` (at least ``at_least``)."""
    return max(at_least, int(seconds / max(time_call(call, 20), 1e-7)))


def main():
    args = parse()
    sys.path.insert(0, HERE)
    from _common import set_thread_env, median
    set_thread_env(args.threads)
    import numpy as np
    from minikeras import backend as K
    from minikeras.layers import Dense, Dropout
    from minikeras.models import Sequential

    engine = K.backend()
    np.random.seed(0)
    if args.model == 'mlp':
        model = Sequential([Dense(512, activation='relu', input_shape=(784,)), Dropout(0.2),
                            Dense(512, activation='relu'), Dropout(0.2),
                            Dense(10, activation='softmax')])
    else:
        model = Sequential([Dense(16, activation='relu', input_shape=(784,)),
                            Dense(10, activation='softmax')])
    model.compile(loss='categorical_crossentropy', optimizer='rmsprop')
    rng = np.random.RandomState(0)
    cases = {}
    for n in (1, 32):
        x = rng.rand(n, 784).astype('float32')
        model.predict_on_batch(x)        # builds and compiles (one graph per shape on CNTK)
        fn = model._function('predict', [x])
        cases[n] = {
            'direct': direct_call(engine, fn, x),
            'wrapper': (lambda f, a: lambda: f(a))(fn, x),
            'predict': (lambda a: lambda: model.predict(a))(x),
            'predict_on_batch': (lambda a: lambda: model.predict_on_batch(a))(x),
        }
        np.testing.assert_allclose(np.asarray(cases[n]['predict']()),
                                   np.asarray(fn(x)[0]), rtol=1e-5, atol=1e-6)
    times = dict(((n, k), []) for n in cases for k in cases[n])
    counts = dict(((n, k), calls_for(call, args.calls))
                  for n in cases for k, call in cases[n].items())
    for _ in range(args.repeats):
        for n in cases:
            for kind, call in cases[n].items():
                times[(n, kind)].append(time_call(call, counts[(n, kind)]))
    print('engine: %s %s, %d thread(s), model %s'
          % (engine, K.engine_info().get('version', ''), args.threads, args.model))
    for n, kind in (('1', 'predict'), ('32', 'predict_on_batch')):
        n = int(n)
        direct = median(times[(n, 'direct')])
        print('batch %2d: direct %.1f us, wrapper %.1f us, predict %.1f us, '
              'predict_on_batch %.1f us' % (n, direct * 1e6,
                                            median(times[(n, 'wrapper')]) * 1e6,
                                            median(times[(n, 'predict')]) * 1e6,
                                            median(times[(n, 'predict_on_batch')]) * 1e6))
        print('ratio %s(%d) / direct: %.2f (target <= 1.5)'
              % (kind, n, median(times[(n, kind)]) / direct))


if __name__ == '__main__':
    main()
