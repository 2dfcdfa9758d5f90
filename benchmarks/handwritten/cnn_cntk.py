"""The MNIST CNN step written directly in CNTK 2.7: an ``input_variable`` with the
dynamic batch axis, the NHWC sample transposed to CNTK's CHW, ``C.convolution`` (the
Keras kernels transposed to (out, in, h, w); CNTK convolves by cross-correlation, like
Keras), ``C.pooling``, ``C.dropout``, the Keras 2 categorical cross-entropy averaged over
the batch, and Adadelta (Keras 2 math) as a ``C.learners.universal`` update function
under a ``C.Trainer``: one ``train_minibatch`` per step, as handwritten/cntk.py does for
the MLP (see there)."""
import numpy as np

import cntk as C

from handwritten.cntk import configure_threads  # noqa: F401 (used by the benchmark)


def _keras_adadelta(lr, rho, eps):
    def update(parameters, gradients):
        assigns = []
        for p, g in zip(parameters, gradients):
            acc = C.constant(np.zeros(p.shape, dtype=np.float32))
            delta = C.constant(np.zeros(p.shape, dtype=np.float32))
            new_acc = rho * acc + (1. - rho) * C.square(g)
            step = g * C.sqrt(delta + eps) / C.sqrt(new_acc + eps)
            assigns += [C.assign(acc, new_acc), C.assign(p, p - lr * step),
                        C.assign(delta, rho * delta + (1. - rho) * C.square(step))]
        return C.combine(assigns)
    return update


def make_step(weights, lr=1.0, rho=0.95, eps=1e-7):
    weights = [np.asarray(w, dtype=np.float32) for w in weights]
    x = C.input_variable((28, 28, 1), dtype=np.float32, name='x')
    y = C.input_variable(10, dtype=np.float32, name='y')
    k1, b1, k2, b2, w3, b3, w4, b4 = [C.parameter(init=w) for w in weights]
    conv_k1 = C.transpose(k1, (3, 2, 0, 1))
    conv_k2 = C.transpose(k2, (3, 2, 0, 1))
    h = C.transpose(x, (2, 0, 1))                                     # (1, 28, 28)
    valid = [False, False, False]       # no padding, and no reduction over channels
    h = C.relu(C.convolution(conv_k1, h, auto_padding=valid) + C.reshape(b1, (32, 1, 1)))
    h = C.relu(C.convolution(conv_k2, h, auto_padding=valid) + C.reshape(b2, (64, 1, 1)))
    h = C.pooling(h, C.MAX_POOLING, (2, 2), strides=(2, 2))            # (64, 12, 12)
    h = C.reshape(C.transpose(C.dropout(h, 0.25), (1, 2, 0)), 12 * 12 * 64)
    h = C.dropout(C.relu(C.times(h, w3) + b3), 0.5)
    p = C.softmax(C.times(h, w4) + b4)
    p = C.clip(p / C.reduce_sum(p, axis=0), eps, 1. - eps)
    loss = C.reduce_mean(C.negate(C.reduce_sum(y * C.log(p), axis=0)),
                         axis=C.Axis.all_axes())
    params = [k1, b1, k2, b2, w3, b3, w4, b4]
    trainer = C.Trainer(p, (loss,), [C.learners.universal(_keras_adadelta(lr, rho, eps),
                                                          params)])

    def run(xb, yb):
        trainer.train_minibatch({x: xb, y: yb})
        return trainer.previous_minibatch_loss_average * trainer.previous_minibatch_sample_count
    run.parameters = params
    return run
