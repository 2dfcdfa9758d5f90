"""The LSTM classifier step written directly in Theano 1.0 or PyTensor: one ``function``
with shared variables, the embedding lookup (advanced indexing), the input projection of
all time steps as one product, the recurrence as ``scan`` (gates i, f, c, o), the Dense
sigmoid output, Keras 2 binary cross-entropy (clip, -y log p - (1-y) log(1-p)), ``grad``
and Adam with Keras 2 math as ``updates=`` (dense updates, the embedding matrix included,
as Keras 2 does). Implementation choice and flags: as in ``handwritten/theano.py``."""
import numpy as np

from handwritten.theano import IMPL, T, th   # the same engine choice as the MLP step


def build(weights, lr=0.001, beta_1=0.9, beta_2=0.999, eps=1e-7):
    floatx = 'float32'

    def shared(value, name):
        return th.shared(np.asarray(value, dtype=floatx), name=name)

    params = [shared(w, 'p%d' % i) for i, w in enumerate(weights)]
    ms = [shared(np.zeros(np.shape(w)), 'm%d' % i) for i, w in enumerate(weights)]
    vs = [shared(np.zeros(np.shape(w)), 'v%d' % i) for i, w in enumerate(weights)]
    iterations = th.shared(np.float32(0.), name='iterations')
    emb, kernel, recurrent, bias, w_out, b_out = params
    units = np.shape(weights[2])[0]
    sig = T.nnet.sigmoid if IMPL == 'theano' else T.sigmoid

    x = T.matrix('x', dtype='int32')
    y = T.matrix('y', dtype=floatx)
    e = emb[x]                                                   # (batch, time, embed)
    z_in = T.dot(e.dimshuffle(1, 0, 2), kernel) + bias           # (time, batch, 4 units)
    zeros = T.zeros((x.shape[0], units), dtype=floatx)

    def step(z_t, h, c):
        z = z_t + T.dot(h, recurrent)
        i = sig(z[:, :units])
        f = sig(z[:, units:2 * units])
        g = T.tanh(z[:, 2 * units:3 * units])
        o = sig(z[:, 3 * units:])
        c = f * c + i * g
        h = o * T.tanh(c)
        return h, c

    (hs, _), _ = th.scan(step, sequences=[z_in], outputs_info=[zeros, zeros])
    h = hs[-1]
    p = T.clip(sig(T.dot(h, w_out) + b_out), eps, 1. - eps)
    loss = T.mean(-(y * T.log(p) + (1. - y) * T.log(1. - p)))
    grads = th.grad(loss, params)
    t = iterations + 1.
    lr_t = lr * T.sqrt(1. - T.pow(beta_2, t)) / (1. - T.pow(beta_1, t))
    updates = [(iterations, T.cast(t, floatx))]
    for p_, m, v, g in zip(params, ms, vs, grads):
        m_t = beta_1 * m + (1. - beta_1) * g
        v_t = beta_2 * v + (1. - beta_2) * T.sqr(g)
        updates.append((m, T.cast(m_t, floatx)))
        updates.append((v, T.cast(v_t, floatx)))
        updates.append((p_, T.cast(p_ - lr_t * m_t / (T.sqrt(v_t) + eps), floatx)))
    f = th.function([x, y], loss, updates=updates, name='handwritten_lstm_step')
    return f, params


def make_step(weights, **kwargs):
    f, params = build(weights, **kwargs)

    def run(xb, yb):
        return f(xb, yb)
    run.parameters = params
    return run


def configure_threads(n):
    pass    # GEMM threads come from OMP_NUM_THREADS, set before import
