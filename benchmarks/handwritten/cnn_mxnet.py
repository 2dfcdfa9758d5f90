"""The MNIST CNN step written directly in MXNet 1.9: a hybridized Gluon network (NCHW
``Conv2D`` x2 with ReLU, ``MaxPool2D``, ``Dropout``, ``Flatten``, ``Dense``; cached graph),
softmax cross-entropy, autograd and Gluon's AdaDelta (rho 0.95, eps 1e-7: Keras 2's rule
with lr 1.0, which MXNet's AdaDelta does not scale by). The NHWC batch is transposed to
NCHW once per step; the Keras weights are laid out for NCHW once: conv kernels (3, 3, in,
out) -> (out, in, 3, 3), the first Dense kernel's rows permuted from Keras's (h, w, c)
flatten order to NCHW's (c, h, w). Arrays are ``mx.np`` arrays, as minikeras's MXNet
adapter activates."""
import mxnet as mx
from mxnet import gluon

from handwritten.mxnet import gluon_step
from handwritten.mxnet import configure_threads  # noqa: F401 (used by the benchmark)


def _gluon_layout(weights):
    k1, b1, k2, b2, w3, b3, w4, b4 = weights
    h, w, c, units = 12, 12, k2.shape[3], w3.shape[1]
    w3 = w3.reshape(h, w, c, units).transpose(2, 0, 1, 3).reshape(h * w * c, units)
    return [k1.transpose(3, 2, 0, 1), b1, k2.transpose(3, 2, 0, 1), b2, w3.T, b3, w4.T, b4]


def make_step(weights, rho=0.95, eps=1e-7):
    net = gluon.nn.HybridSequential()
    net.add(gluon.nn.Conv2D(32, 3, activation='relu', in_channels=1),
            gluon.nn.Conv2D(64, 3, activation='relu', in_channels=32),
            gluon.nn.MaxPool2D(2), gluon.nn.Dropout(0.25), gluon.nn.Flatten(),
            gluon.nn.Dense(128, activation='relu', in_units=12 * 12 * 64),
            gluon.nn.Dropout(0.5), gluon.nn.Dense(10, in_units=128))
    net.initialize()
    params = list(net.collect_params().values())
    for p, w in zip(params, _gluon_layout(weights)):
        p.set_data(mx.np.array(w, dtype='float32'))
    net.hybridize(static_alloc=True, static_shape=True)
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss(sparse_label=False)
    trainer = gluon.Trainer(net.collect_params(), 'adadelta', {'rho': rho, 'epsilon': eps})

    def arrays(x, y):
        return (mx.np.transpose(mx.np.array(x, dtype='float32'), (0, 3, 1, 2)),
                mx.np.array(y, dtype='float32'))
    return gluon_step(net, loss_fn, trainer, arrays)
