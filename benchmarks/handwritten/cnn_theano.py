"""The MNIST CNN step written directly in Theano 1.0 or PyTensor: one ``function`` with
shared weights and Adadelta accumulators, ``grad`` and the updates (Keras 2 math) as
``updates=``. Convolutions: Theano's ``nnet.conv2d`` (NCHW, ``filter_flip=False``: the
Keras kernels are cross-correlation kernels) on Theano; PyTensor has no convolution op
for 4-D batches, so there it is the 9 shifted slices of the NHWC input concatenated and
one ``dot`` (im2col). Max pooling 2x2 as a reshape and ``max``; dropout from the engine's
random streams as in handwritten/theano.py (which also picks the implementation)."""
import numpy as np

from handwritten.theano import IMPL, T, _Streams, _softmax, configure_threads, th  # noqa: F401


def _conv_relu(x_nhwc, kernel, bias):
    """VALID 3x3 convolution + bias + ReLU, NHWC in and out."""
    kh, kw, cin, cout = kernel.get_value(borrow=True).shape
    if IMPL == 'theano':
        out = T.nnet.conv2d(x_nhwc.dimshuffle(0, 3, 1, 2), kernel.dimshuffle(3, 2, 0, 1),
                            border_mode='valid', filter_flip=False)
        out = out.dimshuffle(0, 2, 3, 1)
    else:
        h, w = x_nhwc.shape[1] - kh + 1, x_nhwc.shape[2] - kw + 1
        cols = T.concatenate([x_nhwc[:, i:i + h, j:j + w, :] for i in range(kh)
                              for j in range(kw)], axis=3)
        out = T.dot(cols, kernel.reshape((kh * kw * cin, cout)))
    return T.maximum(out + bias, 0.)


def build(weights, lr=1.0, rho=0.95, eps=1e-7, seed=1234):
    floatx = 'float32'
    params = [th.shared(np.asarray(w, dtype=floatx), name='w%d' % i)
              for i, w in enumerate(weights)]
    accums = [th.shared(np.zeros(np.shape(w), dtype=floatx)) for w in weights]
    deltas = [th.shared(np.zeros(np.shape(w), dtype=floatx)) for w in weights]
    srng = _Streams(seed)
    x = T.tensor4('x', dtype=floatx)
    y = T.matrix('y', dtype=floatx)
    k1, b1, k2, b2, w3, b3, w4, b4 = params

    def drop(h, rate):
        keep = T.cast(srng.uniform(size=h.shape) >= rate, floatx)
        return h * keep * np.float32(1. / (1. - rate))

    h = _conv_relu(_conv_relu(x, k1, b1), k2, b2)
    h = h.reshape((h.shape[0], 12, 2, 12, 2, 64)).max(axis=4).max(axis=2)
    h = drop(h, 0.25).reshape((h.shape[0], 12 * 12 * 64))
    h = drop(T.maximum(T.dot(h, w3) + b3, 0.), 0.5)
    p = _softmax(T.dot(h, w4) + b4)
    p = T.clip(p / p.sum(axis=-1, keepdims=True), eps, 1. - eps)
    loss = T.mean(-T.sum(y * T.log(p), axis=-1))
    grads = th.grad(loss, params)
    updates = []
    for v, a, d, g in zip(params, accums, deltas, grads):
        new_a = rho * a + (1. - rho) * T.sqr(g)
        update = g * T.sqrt(d + eps) / T.sqrt(new_a + eps)
        updates += [(a, T.cast(new_a, floatx)), (v, T.cast(v - lr * update, floatx)),
                    (d, T.cast(rho * d + (1. - rho) * T.sqr(update), floatx))]
    return th.function([x, y], loss, updates=updates, name='handwritten_cnn_step'), params


def make_step(weights):
    f, params = build(weights)

    def run(xb, yb):
        return f(xb, yb)
    run.parameters = params
    return run
