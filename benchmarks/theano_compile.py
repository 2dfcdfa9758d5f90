"""First-call compile time of the MLP or LSTM train step, minikeras or hand-written, ONE
per process (a step compiled in the same process as another reuses that process's
compiled C modules, which hides what a user's first call costs).

    KERAS_BACKEND=theano python benchmarks/theano_compile.py mlp minikeras
    KERAS_BACKEND=theano python benchmarks/theano_compile.py mlp handwritten

Prints ``compile_s: <seconds>`` (graph build + compile + the first call). Cold or warm is
the caller's choice of compile cache (``THEANO_FLAGS`` / ``PYTENSOR_FLAGS``
``base_compiledir``): benchmarks/theano_compile.sh runs both, interleaved.
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    model, which = sys.argv[1], sys.argv[2]
    sys.path.insert(0, HERE)
    from _common import set_thread_env
    set_thread_env(1)
    import numpy as np
    import minikeras  # noqa: F401 (sets floatX / linker before the engine is imported)
    from minikeras.layers import Dense, Dropout, Embedding, LSTM
    from minikeras.models import Sequential
    from minikeras.optimizers import Adam, RMSprop
    np.random.seed(0)
    rng = np.random.RandomState(0)
    if model == 'mlp':
        net = Sequential([Dense(512, activation='relu', input_shape=(784,)), Dropout(0.2),
                          Dense(512, activation='relu'), Dropout(0.2),
                          Dense(10, activation='softmax')])
        net.compile(loss='categorical_crossentropy', optimizer=RMSprop(), metrics=['accuracy'])
        x = rng.rand(128, 784).astype('float32')
        y = np.eye(10, dtype='float32')[rng.randint(0, 10, 128)]
    else:
        net = Sequential([Embedding(20000, 128, input_length=80), LSTM(128),
                          Dense(1, activation='sigmoid')])
        net.compile(loss='binary_crossentropy', optimizer=Adam(), metrics=['accuracy'])
        x = rng.randint(1, 20000, size=(32, 80)).astype('int32')
        y = rng.randint(0, 2, size=(32, 1)).astype('float32')
    start = time.perf_counter()
    if which == 'minikeras':
        net.train_on_batch(x, y)
    else:
        import importlib
        name = 'handwritten.theano' if model == 'mlp' else 'handwritten.lstm_theano'
        importlib.import_module(name).make_step(net.get_weights())(x, y)
    print('compile_s: %.2f' % (time.perf_counter() - start))


if __name__ == '__main__':
    main()
