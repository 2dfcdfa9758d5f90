"""Time the MLP, LSTM and CNN training steps of ``mnist_mlp_step.py`` / ``lstm_step.py`` /
``mnist_cnn_step.py`` (``--model cnn``, run by hand) under
Keras 3 on JAX or TensorFlow (``model.train_on_batch``: one compiled train step per call),
for the ratio minikeras / Keras 3:

    KERAS_BACKEND=jax PYTHONPATH=<folder with keras 3> \
        python benchmarks/keras3_reference.py --model mlp
    KERAS_BACKEND=tensorflow python benchmarks/keras3_reference.py --model lstm

(TensorFlow 2.21 installs Keras 3 itself.) Same models, batch sizes and optimizers; 1
thread by default (XLA_FLAGS; TensorFlow's intra/inter-op pools). Never imports
minikeras. The last two lines are machine-readable (``keras_ms_per_step``,
``keras_compile_s``), as in ``keras2_reference.py``.
"""
import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (  # noqa: E402
    cnn_batches, cnn_model, lstm_batches, mlp_batches, set_thread_env, time_steps)


def build(keras, name, np):
    """(compiled Keras 3 model, its synthetic batches) for model ``name``."""
    layers = keras.layers
    if name == 'mlp':
        model = keras.Sequential([keras.Input((784,)), layers.Dense(512, activation='relu'),
                                  layers.Dropout(0.2), layers.Dense(512, activation='relu'),
                                  layers.Dropout(0.2), layers.Dense(10, activation='softmax')])
        model.compile(loss='categorical_crossentropy', optimizer=keras.optimizers.RMSprop(),
                      metrics=['accuracy'])
        return model, mlp_batches(np)
    if name == 'cnn':   # the MNIST CNN of mnist_cnn_step.py
        return cnn_model(keras), cnn_batches(np)
    model = keras.Sequential([keras.Input((80,), dtype='int32'),
                              layers.Embedding(20000, 128),
                              layers.LSTM(128, activation='tanh', recurrent_activation='sigmoid'),
                              layers.Dense(1, activation='sigmoid')])
    model.compile(loss='binary_crossentropy', optimizer=keras.optimizers.Adam(),
                  metrics=['accuracy'])
    return model, lstm_batches(np)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--model', choices=('mlp', 'lstm', 'cnn'), default='mlp')
    p.add_argument('--steps', type=int, default=50)
    p.add_argument('--repeats', type=int, default=5)
    p.add_argument('--warmup', type=int, default=10)
    p.add_argument('--threads', type=int, default=1)
    args = p.parse_args()
    set_thread_env(args.threads)
    os.environ.setdefault('KERAS_BACKEND', 'jax')
    os.environ.setdefault('KERAS_HOME', os.path.join(tempfile.gettempdir(), 'keras3_reference'))
    if os.environ['KERAS_BACKEND'] == 'tensorflow':
        os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    import numpy as np
    import keras
    model, batches = build(keras, args.model, np)
    x0, y0 = batches[0]
    start = time.perf_counter()
    model.train_on_batch(x0, y0)
    compile_s = time.perf_counter() - start
    for _ in range(args.warmup):
        model.train_on_batch(x0, y0)
    ms = time_steps(model.train_on_batch, batches, args.steps, args.repeats) * 1e3
    engine = keras.backend.backend()
    print('keras %s on %s %s (Python %d.%d), model %s, %d thread(s)'
          % (keras.__version__, engine, __import__(engine).__version__, sys.version_info[0],
             sys.version_info[1], args.model, args.threads))
    print('keras_ms_per_step: %.3f' % ms)
    print('keras_compile_s: %.3f' % compile_s)


if __name__ == '__main__':
    main()
