"""The MNIST MLP step written directly in MXNet: a hybridized Gluon network (cached
graph), softmax cross-entropy, autograd, and MXNet's fused RMSprop update."""
import mxnet as mx
from mxnet import autograd, gluon


def make_step(weights, lr=0.001, rho=0.9, eps=1e-7, dropout=0.2):
    net = gluon.nn.HybridSequential()
    net.add(gluon.nn.Dense(512, activation='relu', in_units=784), gluon.nn.Dropout(dropout),
            gluon.nn.Dense(512, activation='relu', in_units=512), gluon.nn.Dropout(dropout),
            gluon.nn.Dense(10, in_units=512))
    net.initialize()
    params = [p for p in net.collect_params().values()]
    for p, w in zip(params, weights):              # Gluon keeps Dense kernels as (out, in)
        p.set_data(mx.np.array(w.T if w.ndim == 2 else w))
    net.hybridize(static_alloc=True, static_shape=True)
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss(sparse_label=False)
    trainer = gluon.Trainer(net.collect_params(), 'rmsprop',
                            {'learning_rate': lr, 'gamma1': rho, 'epsilon': eps})

    return gluon_step(net, loss_fn, trainer, lambda x, y: (mx.np.array(x), mx.np.array(y)))


def gluon_step(net, loss_fn, trainer, arrays):
    """``run(x, y)``: the mean loss of ``net`` on ``arrays(x, y)`` (the engine's arrays),
    its gradients and one ``trainer`` step; returns the loss."""
    def run(x, y):
        x, y = arrays(x, y)
        with autograd.record():
            loss = loss_fn(net(x), y).mean()
        loss.backward()
        trainer.step(1)
        return float(loss.item())
    return run


def configure_threads(n):
    pass    # MXNet reads OMP_NUM_THREADS, set by the benchmark before import
