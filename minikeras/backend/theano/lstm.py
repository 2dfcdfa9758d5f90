"""Theano adapter: ``lstm``, Keras's LSTM cell as one ``scan`` with a gradient of our own.

Differentiated as it stands, the LSTM ``scan`` gets Theano's generated gradient: a second
``scan`` that recomputes what it needs of every step's forward ops and differentiates
each of them (16.5 of the IMDB LSTM step's 50 ms, plus a pass of ``tanh`` over all the
cell states outside it). Here the forward ``scan`` also returns the gate activations it
computed anyway, and a pass-through op (``_Gradient``) attaches a backward ``scan``
that carries only what is recurrent (the gradients of h and of the cell state) with one
product ``dz_t @ W_h^T`` per step. The factors each gate's gradient needs are computed
for all steps at once before it, the recurrent kernel's gradient after it as one
product over all steps; the input projection's gradients are the generic graph's.

Same cell as ``generic.lstm`` (gates i, f, c, o; sigmoid and tanh), same values and
gradients to float32 rounding (``tests/backend/test_theano_specific.py``). Other dtypes
than floats and inputs that are not (batch, time, features) take the generic path.
"""
import sys

from minikeras.backend import generic
from minikeras.backend.theano import _impl
from minikeras.backend.theano._impl import Op, T
from minikeras.backend.theano.core import _known_shape, _tag, _to_tensor

__all__ = ['lstm']


def _ops():
    return sys.modules[__package__]


def _forward(x_tm, h0, c0, w_h, units):
    """h, c and the activations the gradient needs, of all steps: [time, batch, units]
    for h and c, [time, batch, 5 units] for i, f, g (the cell input), o and tanh(c) side
    by side (scan copies each output of each step into its sequence: one joined output
    costs less than five)."""
    def step(z_x, h_prev, c_prev, w):
        z = z_x + T.dot(h_prev, w)
        i_f = _impl._sigmoid(z[:, :2 * units])
        g, o = T.tanh(z[:, 2 * units:3 * units]), _impl._sigmoid(z[:, 3 * units:])
        c = i_f[:, units:] * c_prev + i_f[:, :units] * g
        co = T.tanh(c)
        return o * co, c, T.concatenate([i_f, g, o, co], axis=1)
    results, _ = _impl._scan(step, sequences=[x_tm], outputs_info=[h0, c0, None],
                             non_sequences=[w_h])
    return list(results)


def _connected(grad, like):
    if grad is None or isinstance(grad.type, (_impl._gradient.DisconnectedType,
                                              _impl._gradient.NullType)):
        return T.zeros_like(like)
    return grad


def _backward(inputs, forward, output_grads):
    x_tm, h0, c0, w_h = inputs
    h, c, acts = forward
    i, f, g, o, co = [acts[:, :, k * h.shape[2]:(k + 1) * h.shape[2]] for k in range(5)]
    d_h, d_c = _connected(output_grads[0], h), _connected(output_grads[1], c)
    c_prev = T.concatenate([c0.dimshuffle('x', 0, 1), c[:-1]], axis=0)
    h_prev = T.concatenate([h0.dimshuffle('x', 0, 1), h[:-1]], axis=0)
    # dz = [dc * fi, dc * ff, dc * fg, dh * fo] with dc, dh the step's total gradients
    factors = T.concatenate([g * i * (1. - i), c_prev * f * (1. - f), i * (1. - g * g),
                             co * o * (1. - o)], axis=2)
    h_to_c = o * (1. - co * co)

    def step(d_h_t, d_c_t, h_to_c_t, factors_t, f_t, d_h_next, d_c_next, w):
        d_h_here = d_h_t + d_h_next
        d_c_here = d_c_t + d_c_next + d_h_here * h_to_c_t
        d_z = T.concatenate([d_c_here, d_c_here, d_c_here, d_h_here], axis=1) * factors_t
        return d_z, T.dot(d_z, w.T), d_c_here * f_t
    (d_z, d_h0, d_c0), _ = _impl._scan(
        step, sequences=[d_h, d_c, h_to_c, factors, f],
        outputs_info=[None, T.zeros_like(h0), T.zeros_like(c0)], non_sequences=[w_h],
        go_backwards=True)
    d_z = d_z[::-1]
    d_w = T.dot(h_prev.reshape((-1, h.shape[2]), ndim=2).T,
                d_z.reshape((-1, d_z.shape[2]), ndim=2))
    return [d_z, d_h0[-1], d_c0[-1], d_w]


class _Gradient(Op):
    """``outputs = op(*(passed + saved + inputs))``: the ``passed`` tensors unchanged (as
    views), with the gradient ``gradient(inputs, passed + saved, output_grads)`` with
    respect to ``inputs``, so ``grad`` never differentiates the graph that computed
    ``passed`` and ``saved``."""
    __props__ = ('n_passed', 'n_saved', 'gradient')

    def __init__(self, n_passed, n_saved, gradient):
        self.n_passed, self.n_saved, self.gradient = n_passed, n_saved, gradient
        self.view_map = dict((k, [k]) for k in range(n_passed))
        super(_Gradient, self).__init__()

    def make_node(self, *inputs):
        inputs = [_to_tensor(v) for v in inputs]
        return _impl.Apply(self, inputs, [v.type() for v in inputs[:self.n_passed]])

    def perform(self, node, inputs, output_storage):
        for k in range(self.n_passed):
            output_storage[k][0] = inputs[k]

    def connection_pattern(self, node):
        held = self.n_passed + self.n_saved
        return [[k >= held] * self.n_passed for k in range(len(node.inputs))]

    def L_op(self, inputs, outputs, output_grads):
        held = self.n_passed + self.n_saved
        grads = self.gradient(inputs[held:], inputs[:held], output_grads)
        return [_impl._gradient.DisconnectedType()() for _ in range(held)] + list(grads)


def _sequence(x_tm, h0, c0, w_h, units):
    """h and c of all steps, differentiated by ``_backward``."""
    forward = _forward(x_tm, h0, c0, w_h, units)
    return _Gradient(2, 1, _backward)(*(forward + [x_tm, h0, c0, w_h]))


def lstm(inputs, initial_states, kernel, recurrent_kernel, bias=None, go_backwards=False):
    x = _to_tensor(inputs)
    h0, c0 = [_impl._unbroadcast(_to_tensor(s)) for s in initial_states]
    w_h = _to_tensor(recurrent_kernel)
    tensors = [x, h0, c0, _to_tensor(kernel), w_h] + (
        [_to_tensor(bias)] if bias is not None else [])
    shape = _known_shape(x)
    units = _known_shape(w_h)[0] if _known_shape(w_h) else None
    if (x.ndim != 3 or units is None or not str(x.dtype).startswith('float')
            or any(t.dtype != x.dtype for t in tensors) or (shape and shape[1] == 0)):
        return generic.lstm(_ops(), inputs, initial_states, kernel, recurrent_kernel, bias,
                            go_backwards)
    ops = _ops()
    projected = ops.dot(x, kernel)
    if bias is not None:
        projected = ops.bias_add(projected, bias)
    x_tm = projected.dimshuffle(1, 0, 2)
    if go_backwards:
        x_tm = x_tm[::-1]
    h, c = _sequence(x_tm, h0, c0, w_h, units)[:2]
    last, outputs, c_last = h[-1], h.dimshuffle(1, 0, 2), c[-1]
    batch = shape[0] if shape else None
    _tag(last, (batch, units))
    _tag(outputs, (batch, shape[1] if shape else None, units))
    _tag(c_last, (batch, units))
    return last, outputs, [last, c_last]
