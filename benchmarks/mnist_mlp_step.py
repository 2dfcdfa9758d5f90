"""Time one training step of the MNIST MLP (784-512-512-10, ReLU, Dropout 0.2, RMSprop,
batch 128) under minikeras and under a hand-written step in the same engine.

    KERAS_BACKEND=tensorflow python benchmarks/mnist_mlp_step.py

Prints the median step time of each (after warm-up, 1 thread by default), their ratio
(minikeras / hand-written; the target is <= 1.10), the achieved GFLOP/s, and the time
to compile the step. Synthetic data: the step's cost does not depend on the values.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from _common import add_reference_arguments, step_parser  # noqa: E402


def parse():
    return add_reference_arguments(step_parser(__doc__, steps=50, repeats=5,
                                               warmup=10)).parse_args()


def main():
    args = parse()
    from _common import (load_handwritten, mlp_batches, print_report, set_thread_env,
                         time_train_function)
    set_thread_env(args.threads)
    import numpy as np
    from minikeras import backend as K
    from minikeras.layers import Dense, Dropout
    from minikeras.models import Sequential
    from minikeras.optimizers import RMSprop

    engine = K.backend()
    handwritten = load_handwritten(engine, args.threads)
    batches = mlp_batches(np)

    np.random.seed(args.seed)
    model = Sequential([Dense(512, activation='relu', input_shape=(784,)), Dropout(0.2),
                        Dense(512, activation='relu'), Dropout(0.2),
                        Dense(10, activation='softmax')])
    model.compile(loss='categorical_crossentropy', optimizer=RMSprop(), metrics=['accuracy'])
    initial = [np.array(w, copy=True) for w in model.get_weights()]
    timing = time_train_function(model, batches[0][0], batches[0][1], batches, args)

    flops = 3 * 2 * 128 * (784 * 512 + 512 * 512 + 512 * 10)   # forward + 2x backward
    print('engine: %s %s, %d thread(s)' % (engine, K.engine_info().get('version', ''),
                                           args.threads))
    print_report(args, 'mlp', engine, K.engine_info().get('implementation'), flops, timing,
                 initial, handwritten, batches, engine, ' (target <= 1.10)')


if __name__ == '__main__':
    main()
