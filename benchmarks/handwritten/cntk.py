"""The MNIST MLP step written directly in CNTK 2.7: ``input_variable``s with CNTK's dynamic
batch axis, ``parameter``s initialised from the given weights, ``C.dropout``, the Keras 2
categorical cross-entropy (normalise, clip, -sum y log p), averaged over the batch, and
RMSprop with Keras 2 math written as a ``C.learners.universal`` update function (CNTK's own
``C.rmsprop`` learner has a different rule: gamma-scaled step sizes and no epsilon inside
the square root's denominator), driven by a ``C.Trainer``: one ``train_minibatch`` per step.

This is how multi-backend Keras 2 ran its optimizers on CNTK (universal learner + Trainer).
"""
import numpy as np

import cntk as C


def _keras_rmsprop(lr, rho, eps):
    def update(parameters, gradients):
        assigns = []
        for p, g in zip(parameters, gradients):
            acc = C.constant(np.zeros(p.shape, dtype=np.float32), name=p.name + '_accum')
            new_acc = rho * acc + (1. - rho) * C.square(g)
            assigns.append(C.assign(acc, new_acc))
            assigns.append(C.assign(p, p - lr * g / (C.sqrt(new_acc) + eps)))
        return C.combine(assigns)
    return update


def make_step(weights, lr=0.001, rho=0.9, eps=1e-7, dropout=0.2):
    weights = [np.asarray(w, dtype=np.float32) for w in weights]
    x = C.input_variable(784, dtype=np.float32, name='x')
    y = C.input_variable(10, dtype=np.float32, name='y')
    names = ['w1', 'b1', 'w2', 'b2', 'w3', 'b3']
    w1, b1, w2, b2, w3, b3 = [C.parameter(init=w, name=n) for w, n in zip(weights, names)]
    h = C.dropout(C.relu(C.times(x, w1) + b1), dropout)
    h = C.dropout(C.relu(C.times(h, w2) + b2), dropout)
    p = C.softmax(C.times(h, w3) + b3)
    p = C.clip(p / C.reduce_sum(p, axis=0), eps, 1. - eps)
    per_sample = C.negate(C.reduce_sum(y * C.log(p), axis=0))
    # the batch mean: a scalar without dynamic axes, so the gradients the learner sees are
    # those of the mean loss, as in Keras (Keras 2's CNTK backend did the same)
    loss = C.reduce_mean(per_sample, axis=C.Axis.all_axes())
    params = [w1, b1, w2, b2, w3, b3]
    learner = C.learners.universal(_keras_rmsprop(lr, rho, eps), params)
    trainer = C.Trainer(p, (loss,), [learner])

    def run(xb, yb):
        trainer.train_minibatch({x: xb, y: yb})
        # the Trainer divides the (already averaged) scalar criterion by the sample count
        return trainer.previous_minibatch_loss_average * trainer.previous_minibatch_sample_count
    run.trainer = trainer
    run.parameters = params
    return run


def configure_threads(n):
    """CNTK's CPU thread count. It must be set explicitly: OMP_NUM_THREADS only sets the
    default, and creating a ``C.Trainer`` or ``Evaluator`` raises an unset count to the
    number of cores for every graph in the process, minikeras's included."""
    C.cntk_py.set_computation_network_trace_level(0)
    C.cntk_py.set_max_num_cputhreads(n)
