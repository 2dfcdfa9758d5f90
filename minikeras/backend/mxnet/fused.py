"""MXNet adapter: the fused ops. ``lstm`` runs MXNet's fused RNN operator (mode 'lstm',
what Gluon's ``rnn.LSTM`` runs: one op for the whole sequence, forward and backward,
instead of ~15 recorded ops per time step) in a cached graph (``_lstm_op``); MXNet's gate
order is Keras's (i, f, c, o), its parameters one flat vector [W_ih, W_hh, b_ih, b_hh]
with (4 units, in) matrices: packed from the Keras weights inside the graph, so autograd
carries the gradients back to them. Other dtypes than float32 take the generic loop.

``optimizer_step`` goes through MXNet's fused update operators (one kernel per
parameter instead of five to ten element-wise ops), as Gluon's ``Trainer`` does.

- 'sgd' without Nesterov: ``sgd_mom_update`` (v = momentum v - lr g; p + v: Keras's rule;
  with momentum 0 it still writes the moment, as Keras does);
- 'adam' without AMSGrad: ``adam_update`` with the bias-corrected rate (MXNet's kernel
  is Keras's rule once ``lr_t`` is given);
- 'rmsprop': ``adam_update`` with beta1 = 0 (the first moment is then the gradient, in a
  scratch buffer): a = rho a + (1 - rho) g^2, p - lr g / (sqrt(a) + eps), Keras's rule
  (MXNet's own ``rmsprop_update`` puts eps inside the square root).
Everything else (Nesterov, AMSGrad, Adagrad, float64: MXNet's kernels take their
coefficients as float32) takes the generic path. A captured step (``capture``) runs the
kernels after its graphs, with that step's gradients and rate.

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
from minikeras.backend.mxnet import core
from minikeras.backend.mxnet.core import _t

_scratch = {}   # id(param) -> (param's shape and dtype, first-moment buffer for 'rmsprop')


def _fused(method, config):
    if method == 'sgd':
        return not config.get('nesterov')
    if method == 'adam':
        return not config.get('amsgrad')
    return method == 'rmsprop'


def _same_float_arrays(groups, allowed):
    dtypes = set()
    for group in groups:
        for x in group:
            if not isinstance(x, mnp.ndarray):
                return False
            dtypes.add(onp.dtype(x.dtype))
    return len(dtypes) == 1 and dtypes.pop().name in allowed


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


def _ops():
    return sys.modules[__package__]


_LSTM_OPS = {}   # (units, has bias) -> the cached LSTM graph


def _lstm_graph(F, units, x, kernel, recurrent_kernel, bias, h0, c0, zeros):
    """The LSTM with MXNet's ops from ``F`` (``mx.sym`` or ``mx.nd``): the weights packed
    into the RNN operator's flat vector, x and the sequence batch-major. ``zeros``: a
    (4 units,) zero vector (the recurrent bias, and the input bias when ``bias`` is
    None). Returns (sequence, h, c)."""
    params = F.concat(F.reshape(F.transpose(kernel), shape=(-1,)),
                      F.reshape(F.transpose(recurrent_kernel), shape=(-1,)),
                      zeros if bias is None else bias, zeros, dim=0)
    seq, h, c = F.RNN(data=F.SwapAxis(x, dim1=0, dim2=1), parameters=params,
                      state=F.expand_dims(h0, axis=0), state_cell=F.expand_dims(c0, axis=0),
                      mode='lstm', state_size=units, num_layers=1, state_outputs=True)
    return F.SwapAxis(seq, dim1=0, dim2=1), F.reshape(h, shape=(-3, -2)), \
        F.reshape(c, shape=(-3, -2))


def _lstm_op(units, has_bias):
    """The LSTM as one cached MXNet graph (what a hybridized Gluon ``rnn.LSTM`` runs):
    (x batch-major, kernel, recurrent kernel[, bias], h0, c0) -> (sequence batch-major,
    h, c). The weights' packing and the layout changes run inside it, and with static
    allocation the fused RNN operator keeps its state (oneDNN's primitive and weight
    layout) from call to call: called op by op, MXNet builds that state again on every
    call, which made the forward and backward pass ~1.5x slower. A new input shape
    plans the graph again."""
    key = (units, has_bias)
    if key not in _LSTM_OPS:
        sym = mx.sym
        names = ['x', 'kernel', 'recurrent_kernel'] + (['bias'] if has_bias else []) + \
            ['h0', 'c0']
        v = {name: sym.var(name) for name in names}
        outputs = _lstm_graph(sym, units, v['x'], v['kernel'], v['recurrent_kernel'],
                              v.get('bias'), v['h0'], v['c0'], sym.zeros(shape=(4 * units,)))
        graph = sym.Group(list(outputs)).as_np_ndarray()
        _LSTM_OPS[key] = mx.ndarray.CachedOp(graph, [('static_alloc', True),
                                                     ('static_shape', True)])
    return _LSTM_OPS[key]


def _lstm_ops(units, x, kernel, recurrent_kernel, bias, h0, c0):
    """``_lstm_op``'s graph as imperative ops (recorded while a step is traced)."""
    def nd(a):
        return None if a is None else _t(a).as_nd_ndarray()
    zeros = mnp.zeros((4 * units,), dtype=x.dtype)   # a noted constant while tracing
    outputs = _lstm_graph(mx.nd, units, nd(x), nd(kernel), nd(recurrent_kernel), nd(bias),
                          nd(h0), nd(c0), nd(zeros))
    return [o.as_np_ndarray() for o in outputs]


def lstm(inputs, initial_states, kernel, recurrent_kernel, bias=None, go_backwards=False):
    arrays = [inputs, kernel, recurrent_kernel] + list(initial_states) + (
        [bias] if bias is not None else [])
    x = _t(inputs)
    if not _same_float_arrays([arrays], ('float32',)) or x.ndim != 3 or x.shape[1] == 0:
        return generic.lstm(_ops(), inputs, initial_states, kernel, recurrent_kernel, bias,
                            go_backwards)
    units = int(recurrent_kernel.shape[0])
    if go_backwards:
        x = mnp.flip(x, axis=1)
    weights = [kernel, recurrent_kernel] + ([bias] if bias is not None else [])
    if core._traces:   # the same ops one by one, so that a captured graph has them
        seq, h, c = _lstm_ops(units, x, kernel, recurrent_kernel, bias, *initial_states)
    else:
        seq, h, c = _lstm_op(units, bias is not None)(x, *(weights + list(initial_states)))
    # without a mask the last output is the last state
    return h, seq, [h, c]


def _fused_kernels(method, params, slots, config):
    """``apply(grads, lr, in_place) -> new params``: the fused update of ``params``
    (slots written in place) for gradients ``grads`` and the rate ``lr`` (a Python
    number); ``in_place``: written into ``params`` too, which are then returned (for a
    caller that has queued every read of the old values before)."""
    def apply(grads, lr, in_place=False):
        new_params = []
        with autograd.pause():
            for i, (p, g) in enumerate(zip(params, grads)):
                new_p = p if in_place else mnp.empty(p.shape, dtype=p.dtype)
                w, g, out = p.as_nd_ndarray(), g.as_nd_ndarray(), new_p.as_nd_ndarray()
                if method == 'sgd':
                    mx.nd.sgd_mom_update(w, g, slots[0][i].as_nd_ndarray(), lr=lr,
                                         momentum=config['momentum'], wd=0., out=out)
                elif method == 'adam':
                    mx.nd.adam_update(w, g, slots[0][i].as_nd_ndarray(),
                                      slots[1][i].as_nd_ndarray(), lr=lr,
                                      beta1=config['beta_1'], beta2=config['beta_2'],
                                      epsilon=config['epsilon'], wd=0., out=out)
                else:
                    mx.nd.adam_update(w, g, _moment_scratch(p), slots[0][i].as_nd_ndarray(),
                                      lr=lr, beta1=0., beta2=config['rho'],
                                      epsilon=config['epsilon'], wd=0., out=out)
                new_params.append(new_p)
        return new_params
    return apply


def optimizer_step(method, params, grads, slots, lr, config):
    if not (_fused(method, config) and
            _same_float_arrays([params, grads] + list(slots), ('float32',))):
        return generic.optimizer_step(_ops(), method, params, grads, slots, lr, config)
    if core._traces and not core._traces[-1].kernels_allowed:
        return generic.optimizer_step(_ops(), method, params, grads, slots, lr, config)
    apply = _fused_kernels(method, params, slots, config)
    if core._traces:   # a captured step runs the kernels after its graphs
        trace = core._traces[-1]
        with trace.reading():
            new_params = apply(grads, _number(lr))
        trace.note_kernels(apply, grads, lr, new_params)
    else:
        new_params = apply(grads, _number(lr))
    return new_params, [list(kind) for kind in slots]
