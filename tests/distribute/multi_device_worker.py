"""multi_gpu_model's TensorFlow part (MirroredStrategy over local devices), checked in a
fresh process: ``python multi_device_worker.py cpu`` splits the CPU into 2 logical
devices; ``gpu`` splits GPU 0 into 2 logical GPUs (and goes through multi_gpu_model).
Prints ``MAXDIFF <weights> <loss> <predict>`` against the same model trained alone."""
import sys

import tensorflow as tf


def split(kind):
    device = tf.config.list_physical_devices(kind.upper())[0]
    config = [tf.config.LogicalDeviceConfiguration()] * 2 if kind == 'cpu' else \
        [tf.config.LogicalDeviceConfiguration(memory_limit=2048)] * 2
    tf.config.set_logical_device_configuration(device, config)


def main(kind):
    split(kind)
    import numpy as np
    import minikeras.backend as K
    from minikeras.layers import Dense
    from minikeras.models import Sequential
    from minikeras.optimizers import SGD
    K.set_floatx('float64')

    def build():
        np.random.seed(3)
        model = Sequential([Dense(8, activation='tanh', input_shape=(6,)), Dense(1)])
        return model
    rng = np.random.RandomState(0)
    x = rng.randn(44, 6)
    y = x[:, :1] - x[:, 1:2]
    alone = build()
    alone.compile(SGD(0.1, momentum=0.9), 'mse')
    h1 = alone.fit(x, y, batch_size=10, epochs=2, shuffle=False, verbose=0)
    model = build()
    if kind == 'cpu':
        from minikeras.backend.tensorflow import _mirrored
        from minikeras.models.distributed import replicated_model
        parallel = replicated_model(model, _mirrored.MirroredReplicas(['/cpu:0', '/cpu:1']))
    else:
        from minikeras.utils import multi_gpu_model
        parallel = multi_gpu_model(model, 2)
    parallel.compile(SGD(0.1, momentum=0.9), 'mse')
    h2 = parallel.fit(x, y, batch_size=10, epochs=2, shuffle=False, verbose=0)
    fn = next(iter(parallel._functions.values()))
    print('REPLICAS', fn.__name__, parallel.name)
    print('MAXDIFF %g %g %g' % (
        max(abs(a - b).max() for a, b in zip(alone.get_weights(), model.get_weights())),
        max(abs(a - b) for a, b in zip(h1.history['loss'], h2.history['loss'])),
        abs(parallel.predict(x) - alone.predict(x)).max()))


if __name__ == '__main__':
    main(sys.argv[1])
