"""MXNet adapter: ``optimizer_step`` through MXNet's fused update operators (one kernel
per parameter instead of five to ten element-wise ops), as Gluon's ``Trainer`` does.

- 'sgd' without Nesterov: ``sgd_mom_update`` (v = momentum v - lr g; p + v: Keras's rule;
  with momentum 0 it still writes the moment, as Keras does);
- 'adam' without AMSGrad: ``adam_update`` with the bias-corrected rate (MXNet's kernel
  is Keras's rule once ``lr_t`` is given);
- 'rmsprop': ``adam_update`` with beta1 = 0 (the first moment is then the gradient, in a
  scratch buffer): a = rho a + (1 - rho) g^2, p - lr g / (sqrt(a) + eps), Keras's rule
  (MXNet's own ``rmsprop_update`` puts eps inside the square root).
Everything else (Nesterov, AMSGrad, Adagrad, other dtypes) takes the generic path.

The fused kernels write the slots in place (nothing else in a step reads them) and the
new parameter values into fresh arrays, which the compiled function copies into the
variables after every output is computed (so gradients taken later in the same step
still see the old values). The rate is read as a Python number, once per call.
"""
import sys

import numpy as onp

import mxnet as mx
from mxnet import autograd
from mxnet import np as mnp

from minikeras.backend import generic

_scratch = {}   # id(param) -> (param's shape and dtype, first-moment buffer for 'rmsprop')


def _fused(method, config):
    if method == 'sgd':
        return not config.get('nesterov')
    if method == 'adam':
        return not config.get('amsgrad')
    return method == 'rmsprop'


def _same_float_arrays(groups):
    dtypes = set()
    for group in groups:
        for x in group:
            if type(x) is not mnp.ndarray and not isinstance(x, mnp.ndarray):
                return False
            dtypes.add(onp.dtype(x.dtype))
    return len(dtypes) == 1 and dtypes.pop() in (onp.dtype('float32'), onp.dtype('float64'))


def _number(lr):
    if isinstance(lr, mx.nd.NDArray):
        return float(lr.item())
    return float(lr)


def _moment_scratch(p):
    key = (tuple(p.shape), onp.dtype(p.dtype).name)
    known = _scratch.get(id(p))
    if known is None or known[0] != key:
        known = (key, mnp.zeros(p.shape, dtype=p.dtype).as_nd_ndarray())
        _scratch[id(p)] = known
    return known[1]


def optimizer_step(method, params, grads, slots, lr, config):
    if not (_fused(method, config) and _same_float_arrays([params, grads] + list(slots))):
        return generic.optimizer_step(sys.modules[__package__], method, params, grads,
                                      slots, lr, config)
    lr = _number(lr)
    new_params = []
    with autograd.pause():
        for i, (p, g) in enumerate(zip(params, grads)):
            new_p = mnp.empty(p.shape, dtype=p.dtype)
            w, g, out = p.as_nd_ndarray(), g.as_nd_ndarray(), new_p.as_nd_ndarray()
            if method == 'sgd':
                mx.nd.sgd_mom_update(w, g, slots[0][i].as_nd_ndarray(), lr=lr,
                                     momentum=config['momentum'], wd=0., out=out)
            elif method == 'adam':
                mx.nd.adam_update(w, g, slots[0][i].as_nd_ndarray(),
                                  slots[1][i].as_nd_ndarray(), lr=lr, beta1=config['beta_1'],
                                  beta2=config['beta_2'], epsilon=config['epsilon'], wd=0.,
                                  out=out)
            else:
                mx.nd.adam_update(w, g, _moment_scratch(p), slots[0][i].as_nd_ndarray(),
                                  lr=lr, beta1=0., beta2=config['rho'],
                                  epsilon=config['epsilon'], wd=0., out=out)
            new_params.append(new_p)
    return new_params, [list(kind) for kind in slots]
