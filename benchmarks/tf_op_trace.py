"""Per-op time of one TensorFlow training step, minikeras's or Keras 3's, from TensorFlow's
profiler: each kernel's time summed over the traced steps, largest first.

    KERAS_BACKEND=tensorflow python benchmarks/tf_op_trace.py minikeras cnn
    KERAS_BACKEND=tensorflow python benchmarks/tf_op_trace.py keras3 cnn [--steps 5] [--top 30]

Models and data are ``interleaved.py``'s (mlp, lstm, cnn); 1 thread. A trace is one
process: kernel times vary by up to ~15 % between processes, so compare ratios with
``interleaved.py``, and use this to see where a step's time goes.
"""
import argparse
import collections
import glob
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def _step(which, model_name, np):
    import interleaved
    if which == 'minikeras':
        model, (x, y) = getattr(interleaved, '_' + model_name)(np)
        from minikeras.models.data import sample_weights
        weights = sample_weights(y, None, None)       # none given, as train_on_batch(x, y)
        model.train_on_batch(x, y)
        fn = model._function('train', [x, y, weights])
        return lambda: fn(x, y, weights)
    os.environ.setdefault('KERAS_HOME', os.path.join(tempfile.gettempdir(), 'keras3_reference'))
    import keras
    from keras3_reference import build
    _, (x, y) = getattr(interleaved, '_' + model_name)(np)
    model = build(keras, model_name, np)[0]
    return lambda: model.train_on_batch(x, y)


def _kernel_times(trace_dir):
    from tensorflow.tsl.profiler.protobuf import xplane_pb2
    path = glob.glob(os.path.join(trace_dir, '**', '*.xplane.pb'), recursive=True)[0]
    space = xplane_pb2.XSpace()
    with open(path, 'rb') as f:
        space.ParseFromString(f.read())
    total, count = collections.Counter(), collections.Counter()
    for plane in space.planes:
        names = plane.event_metadata
        for line in plane.lines:
            if not line.name.startswith('tf_Compute'):
                continue                    # the executor's threads: one event per kernel
            for event in line.events:
                name = names[event.metadata_id].name
                total[name] += event.duration_ps / 1e9
                count[name] += 1
    return total, count


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('which', choices=['minikeras', 'keras3'])
    parser.add_argument('model', choices=['mlp', 'lstm', 'cnn'])
    parser.add_argument('--steps', type=int, default=5)
    parser.add_argument('--top', type=int, default=30)
    args = parser.parse_args()
    sys.path.insert(0, HERE)
    from _common import set_thread_env
    set_thread_env(1)
    import numpy as np
    import tensorflow as tf
    step = _step(args.which, args.model, np)
    for _ in range(5):
        step()
    trace_dir = tempfile.mkdtemp(prefix='tf-op-trace-')
    tf.profiler.experimental.start(trace_dir)
    for _ in range(args.steps):
        step()
    tf.profiler.experimental.stop()
    total, count = _kernel_times(trace_dir)
    whole = sum(v for k, v in total.items() if k == 'ExecutorState::Process')
    print('%s %s: executor %.2f ms per step' % (args.which, args.model, whole / args.steps))
    for name, ms in total.most_common(args.top + 1):
        if name != 'ExecutorState::Process':
            print('%8.2f ms %3d  %s' % (ms / args.steps, count[name] // args.steps, name))


if __name__ == '__main__':
    main()
