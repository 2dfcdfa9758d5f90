"""The LSTM classifier step written directly in MXNet 1.9: a hybridized Gluon network
(Embedding, the fused ``gluon.rnn.LSTM`` layer, Dense), sigmoid + Keras 2 binary
cross-entropy (clip, -y log p - (1-y) log(1-p)), autograd and MXNet's fused Adam update
(its rule equals Keras 2's: lr_t = lr sqrt(1-b2^t)/(1-b1^t), p -= lr_t m/(sqrt(v)+eps);
dense gradients, so the whole embedding matrix is updated, as in Keras 2).

Gluon's LSTM keeps gates in the same order as Keras (i, f, c, o) with (4 units, in)
kernels and two biases: i2h = Keras kernel.T, h2h = recurrent kernel.T, i2h bias = Keras
bias, h2h bias = 0 (frozen). Arrays are ``mx.np`` arrays, as minikeras's MXNet adapter activates.
"""
import mxnet as mx
from mxnet import autograd, gluon


class _Net(gluon.HybridBlock):
    def __init__(self, vocab, embed, units, **kwargs):
        super(_Net, self).__init__(**kwargs)
        self.embedding = gluon.nn.Embedding(vocab, embed)
        self.lstm = gluon.rnn.LSTM(units, layout='NTC', input_size=embed)
        self.dense = gluon.nn.Dense(1, in_units=units)

    def hybrid_forward(self, F, x, h0, c0):
        # explicit zero states: Gluon's own begin_state uses legacy shape semantics (0 =
        # unknown), which NumPy shape semantics reject
        h, _ = self.lstm(self.embedding(x), [h0, c0])     # (batch, time, units)
        last = F.npx.slice(h, begin=(None, -1, None), end=(None, None, None))
        last = F.np.squeeze(last, axis=1)
        return F.npx.sigmoid(self.dense(last))


def make_step(weights, lr=0.001, beta_1=0.9, beta_2=0.999, eps=1e-7):
    emb, kernel, recurrent, bias, w_out, b_out = weights
    vocab, embed = emb.shape
    units = recurrent.shape[0]
    net = _Net(vocab, embed, units)
    net.initialize()
    values = {'embedding': [emb],
              'lstm': {'i2h_weight': kernel.T, 'h2h_weight': recurrent.T,
                       'i2h_bias': bias, 'h2h_bias': 0 * bias},
              'dense': [w_out.T, b_out]}
    params = net.collect_params()
    for name, p in params.items():
        if 'embedding' in name:
            value = values['embedding'][0]
        elif 'lstm' in name or 'rnn' in name:
            key = [k for k in values['lstm'] if name.endswith(k)][0]
            value = values['lstm'][key]
        else:
            value = values['dense'][0 if name.endswith('weight') else 1]
        p.set_data(mx.np.array(value, dtype='float32'))
        if name.endswith('h2h_bias'):
            p.grad_req = 'null'      # Keras has one bias: keep the second one at zero
    net.hybridize(static_alloc=True, static_shape=True)
    trainer = gluon.Trainer(params, 'adam', {'learning_rate': lr, 'beta1': beta_1,
                                             'beta2': beta_2, 'epsilon': eps})

    cache = {}

    def zeros(batch):
        if batch not in cache:
            cache[batch] = [mx.np.zeros((1, batch, units), dtype='float32') for _ in range(2)]
        return cache[batch]

    def run(x, y):
        x = mx.np.array(x, dtype='int32')
        y = mx.np.array(y, dtype='float32')
        with autograd.record():
            p = mx.np.clip(net(x, *zeros(x.shape[0])), eps, 1. - eps)
            loss = -(y * mx.np.log(p) + (1. - y) * mx.np.log(1. - p)).mean()
        loss.backward()
        trainer.step(1)
        return float(loss.item())
    def keras_weights():
        """The current weights in Keras 2 layout (for checks)."""
        got = dict((name, p.data().asnumpy()) for name, p in params.items())
        pick = lambda end: [v for k, v in got.items() if k.endswith(end)]   # noqa: E731
        lstm = lambda end: [v for k, v in got.items()                        # noqa: E731
                            if ('lstm' in k or 'rnn' in k) and k.endswith(end)][0]
        return [pick('embedding0_weight')[0] if pick('embedding0_weight') else
                [v for k, v in got.items() if 'embedding' in k][0],
                lstm('i2h_weight').T, lstm('h2h_weight').T,
                lstm('i2h_bias') + lstm('h2h_bias'),
                [v for k, v in got.items() if 'dense' in k and k.endswith('weight')][0].T,
                [v for k, v in got.items() if 'dense' in k and k.endswith('bias')][0]]
    run.net = net
    run.keras_weights = keras_weights
    return run


def configure_threads(n):
    pass    # MXNet reads OMP_NUM_THREADS / MXNET_CPU_WORKER_NTHREADS, set before import
