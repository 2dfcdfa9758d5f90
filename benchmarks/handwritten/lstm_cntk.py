"""The LSTM classifier step written directly in CNTK 2.7: word ids fed as a sequence (CNTK's
dynamic sequence axis), the embedding as ``C.gather`` (a sparse one-hot input times the
matrix gives a sparse gradient that the learner's element-wise ops refuse),
the input projection, the recurrence as ``C.layers.Recurrence`` over a hand-written cell
(gates i, f, c, o; sigmoid and tanh), ``C.sequence.last``, the Dense sigmoid output, Keras 2
binary cross-entropy (clip, -y log p - (1-y) log(1-p)) averaged over the batch, and Adam
with Keras 2 math as a ``C.learners.universal`` update function (CNTK's own ``C.adam``
learner differs: unit-gain momentum and its own epsilon/bias-correction placement),
driven by a ``C.Trainer``: one ``train_minibatch`` per step.
"""
import numpy as np

import cntk as C

from handwritten.cntk import configure_threads  # noqa: F401 (used by the benchmarks)


def _keras_adam(lr, beta_1, beta_2, eps):
    def update(parameters, gradients):
        iterations = C.constant(np.zeros((1,), dtype=np.float32), name='iterations')
        t = iterations + 1.
        lr_t = lr * C.sqrt(1. - C.pow(np.float32(beta_2), t)) / \
            (1. - C.pow(np.float32(beta_1), t))
        assigns = [C.assign(iterations, t)]
        for p, g in zip(parameters, gradients):
            m = C.constant(np.zeros(p.shape, dtype=np.float32), name=p.name + '_m')
            v = C.constant(np.zeros(p.shape, dtype=np.float32), name=p.name + '_v')
            m_t = beta_1 * m + (1. - beta_1) * g
            v_t = beta_2 * v + (1. - beta_2) * C.square(g)
            assigns.append(C.assign(m, m_t))
            assigns.append(C.assign(v, v_t))
            assigns.append(C.assign(p, p - lr_t * m_t / (C.sqrt(v_t) + eps)))
        return C.combine(assigns)
    return update


def make_step(weights, lr=0.001, beta_1=0.9, beta_2=0.999, eps=1e-7):
    weights = [np.asarray(w, dtype=np.float32) for w in weights]
    units = weights[2].shape[0]
    names = ['embeddings', 'kernel', 'recurrent_kernel', 'bias', 'w_out', 'b_out']
    emb, kernel, recurrent, bias, w_out, b_out = [
        C.parameter(init=w, name=n) for w, n in zip(weights, names)]
    x = C.sequence.input_variable(1, dtype=np.float32, name='x')      # word ids
    y = C.input_variable(1, dtype=np.float32, name='y')
    embedded = C.reshape(C.gather(emb, x), (weights[0].shape[1],))
    z_in = C.times(embedded, kernel) + bias

    def cell(h, c, z_t):
        z = z_t + C.times(h, recurrent)
        i = C.sigmoid(C.slice(z, 0, 0, units))
        f = C.sigmoid(C.slice(z, 0, units, 2 * units))
        g = C.tanh(C.slice(z, 0, 2 * units, 3 * units))
        o = C.sigmoid(C.slice(z, 0, 3 * units, 4 * units))
        c = f * c + i * g
        h = o * C.tanh(c)
        return h, c

    h = C.sequence.last(C.layers.Recurrence(cell, initial_state=(0, 0))(z_in))
    p = C.clip(C.sigmoid(C.times(h, w_out) + b_out), eps, 1. - eps)
    per_sample = C.negate(C.reduce_sum(y * C.log(p) + (1. - y) * C.log(1. - p), axis=0))
    loss = C.reduce_mean(per_sample, axis=C.Axis.all_axes())
    params = [emb, kernel, recurrent, bias, w_out, b_out]
    learner = C.learners.universal(_keras_adam(lr, beta_1, beta_2, eps), params)
    trainer = C.Trainer(p, (loss,), [learner])

    def run(xb, yb):
        ids = np.asarray(xb, dtype=np.float32)[:, :, None]   # (batch, time, 1)
        trainer.train_minibatch({x: ids, y: np.asarray(yb, dtype=np.float32)})
        # the Trainer divides the (already averaged) scalar criterion by the sample count
        return trainer.previous_minibatch_loss_average * trainer.previous_minibatch_sample_count
    run.trainer = trainer
    run.parameters = params
    return run

