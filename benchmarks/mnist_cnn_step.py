"""Time one training step of the MNIST CNN (examples/mnist_cnn.py: Conv(32, 3x3, ReLU) ->
Conv(64, 3x3, ReLU) -> MaxPool 2x2 -> Dropout 0.25 -> Flatten -> Dense(128, ReLU) ->
Dropout 0.5 -> Dense(10, softmax), categorical cross-entropy, Adadelta, batch 128,
channels_last) under minikeras and under a hand-written step in the same engine.

    KERAS_BACKEND=tensorflow python benchmarks/mnist_cnn_step.py --steps 5 --repeats 3

Prints the median step time of each (after warm-up, 1 thread by default), their ratio
(minikeras / hand-written), the achieved GFLOP/s and the first call's time (graph build +
compile). Hand-written steps: benchmarks/handwritten/cnn_<engine>.py (``make_step(weights)
-> run(x, y)``, weights in Keras 2 layout: conv kernels (3, 3, in, out), their biases, the
Dense kernels and biases). One step is ~8 GFLOP: on one thread it takes a fraction of a
second, so the defaults are few steps. Synthetic data.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from _common import cnn_model, step_parser  # noqa: E402

BATCH = 128


def parse():
    p = step_parser(__doc__, steps=5, repeats=3, warmup=2)
    p.add_argument('--seed', type=int, default=0,
                   help='numpy seed of the initial weights; the hand-written step starts '
                        'from the same initial weights')
    p.add_argument('--no-handwritten', action='store_true', help='skip the hand-written step')
    p.add_argument('--handwritten-only', action='store_true',
                   help='time only the hand-written step (CNTK: its Trainer dies of a '
                        'floating point exception when run in the process that already ran '
                        "minikeras's static-shape convolutions, so time them apart)")
    return p.parse_args()


def step_flops():
    """Multiply-adds x 2 of the convolutions and matrix products, forward + 2x backward."""
    conv1 = 26 * 26 * 32 * 1 * 9
    conv2 = 24 * 24 * 64 * 32 * 9
    dense = 12 * 12 * 64 * 128 + 128 * 10
    return 3 * 2 * BATCH * (conv1 + conv2 + dense)


def build_model():
    import minikeras
    return cnn_model(minikeras)


def main():
    args = parse()
    from _common import (load_handwritten, print_handwritten_ratio, print_report,
                         set_thread_env, time_train_function)
    set_thread_env(args.threads)
    import numpy as np
    from minikeras import backend as K

    engine = K.backend()
    impl = K.engine_info().get('implementation', engine)
    handwritten = load_handwritten('cnn_%s' % engine, args.threads)

    rng = np.random.RandomState(0)
    batches = [(rng.rand(BATCH, 28, 28, 1).astype('float32'),
                np.eye(10, dtype='float32')[rng.randint(0, 10, BATCH)]) for _ in range(2)]
    np.random.seed(args.seed)
    model = build_model()
    initial = [np.array(w, copy=True) for w in model.get_weights()]
    flops = step_flops()
    if args.handwritten_only:
        print_handwritten_ratio(handwritten, initial, batches, args, flops, float('nan'),
                                float('nan'), 'cnn_%s' % engine)
        return
    timing = time_train_function(model, batches[0][0], batches[0][1], batches, args)
    print('engine: %s%s %s, %d thread(s), MNIST CNN batch %d'
          % (engine, '' if impl == engine else ' (%s)' % impl,
             K.engine_info().get('version', ''), args.threads, BATCH))
    print_report(args, 'cnn', engine, impl, flops, timing, initial, handwritten, batches,
                 'cnn_%s' % engine, ' (target <= 1.10)', interleave=False)

if __name__ == '__main__':
    main()
