"""Theano/PyTensor adapter: activations, losses, dropout, bias and normalization.
(Convolution and pooling live in ``conv``.)"""
import numpy as np

from minikeras.backend import state
from minikeras.backend.theano import _impl
from minikeras.backend.theano.layout import _nchw_source, _nhwc
from minikeras.backend.theano.bias import _add_bias
from minikeras.backend.theano.relu_op import _relu
from minikeras.backend.theano._impl import T
from minikeras.backend.theano.core import (
    _known_shape, _normalize_axis, _same_shape, _tag, _to_tensor)
from minikeras.backend.theano import math as _m


def relu(x, alpha=0., max_value=None, threshold=0.):
    x = _to_tensor(x)
    out_shape = _known_shape(x)
    source = _nchw_source(x)
    if source is not None:    # on the NCHW result of a convolution (see layout.py)
        return _tag(_nhwc(relu(source, alpha, max_value, threshold)), out_shape)
    if alpha != 0.:
        negative_part = T.maximum(threshold - x, 0.)
    if threshold != 0.:
        y = x * T.cast(T.gt(x, threshold), x.dtype)
    else:
        y = _relu(x)
    if max_value is not None:
        y = T.clip(y, 0., max_value)
    if alpha != 0.:
        y = y - alpha * negative_part
    return _tag(T.cast(y, x.dtype) if y.dtype != x.dtype else y, out_shape)


def elu(x, alpha=1.):
    x = _to_tensor(x)
    neg = alpha * (T.exp(T.minimum(x, 0.)) - 1.)
    return _same_shape(T.switch(T.gt(x, 0.), x, neg), x)


def selu(x):
    alpha = 1.6732632423543772848170429916717
    scale = 1.0507009873554804934193349852946
    return _same_shape(scale * elu(x, alpha), x)


def sigmoid(x):
    x = _to_tensor(x)
    return _same_shape(_impl._sigmoid(x), x)


def hard_sigmoid(x):
    x = _to_tensor(x)
    return _same_shape(T.clip(0.2 * x + 0.5, 0., 1.), x)


def tanh(x):
    x = _to_tensor(x)
    return _same_shape(T.tanh(x), x)


def softmax(x, axis=-1):
    x = _to_tensor(x)
    ax = _normalize_axis(axis, x.ndim)
    if x.ndim == 2 and ax == 1:
        return _same_shape(_impl._softmax_lastaxis_2d(x), x)
    e = T.exp(x - T.max(x, axis=ax, keepdims=True))
    return _same_shape(e / T.sum(e, axis=ax, keepdims=True), x)


def log_softmax(x, axis=-1):
    x = _to_tensor(x)
    ax = _normalize_axis(axis, x.ndim)
    shifted = x - _impl.zero_grad(T.max(x, axis=ax, keepdims=True))
    return _same_shape(shifted - T.log(T.sum(T.exp(shifted), axis=ax, keepdims=True)), x)


def softplus(x):
    x = _to_tensor(x)
    return _same_shape(T.maximum(x, 0.) + T.log1p(T.exp(-_impl._abs(x))), x)


def softsign(x):
    x = _to_tensor(x)
    return _same_shape(x / (1. + _impl._abs(x)), x)


def _move_axis_last(target, output, axis):
    nd = output.ndim
    ax = _normalize_axis(axis, nd)
    if ax == nd - 1:
        return target, output
    perm = [i for i in range(nd) if i != ax] + [ax]
    return _m.permute_dimensions(target, perm), _m.permute_dimensions(output, perm)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _to_tensor(output)
    target = _to_tensor(target)
    if target.dtype != output.dtype:
        target = T.cast(target, output.dtype)
    target, output = _move_axis_last(target, output, axis)
    shape = _known_shape(output)[:-1]
    if from_logits:
        logp = log_softmax(output, -1)
    else:
        output = output / T.sum(output, axis=-1, keepdims=True)
        eps = state.epsilon()
        logp = T.log(T.clip(output, eps, 1. - eps))
    return _tag(-T.sum(target * logp, axis=-1), shape)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _to_tensor(output)
    target = _to_tensor(target)
    nd = output.ndim
    ax = _normalize_axis(axis, nd)
    if target.ndim == nd:
        target = _m.squeeze(target, -1 if ax == nd - 1 else ax)
    if not str(target.dtype).startswith(('int', 'uint')):
        target = T.cast(target, 'int64')
    classes = T.arange(output.shape[ax], dtype=target.dtype)
    pattern = ['x'] * nd
    pattern[ax] = 0
    expanded = list(range(target.ndim))
    expanded.insert(ax, 'x')
    onehot = T.cast(T.eq(target.dimshuffle(expanded), classes.dimshuffle(pattern)),
                    output.dtype)
    return categorical_crossentropy(onehot, output, from_logits=from_logits, axis=ax)


def binary_crossentropy(target, output, from_logits=False):
    output = _to_tensor(output)
    target = _to_tensor(target)
    if target.dtype != output.dtype:
        target = T.cast(target, output.dtype)
    shape = _known_shape(output)
    if from_logits:
        out = T.maximum(output, 0.) - output * target + T.log1p(T.exp(-_impl._abs(output)))
    else:
        eps = state.epsilon()
        p = T.clip(output, eps, 1. - eps)
        out = -(target * T.log(p) + (1. - target) * T.log(1. - p))
    return _tag(out, shape)


def l2_normalize(x, axis=None):
    x = _to_tensor(x)
    ax = _normalize_axis(axis, x.ndim)
    if isinstance(ax, list):
        ax = tuple(ax)
    square_sum = T.sum(T.sqr(x), axis=ax, keepdims=True)
    norm = T.sqrt(T.maximum(square_sum, state.epsilon()))
    return _same_shape(x / norm, x)


def in_top_k(predictions, targets, k):
    predictions = _to_tensor(predictions)
    targets = _to_tensor(targets)
    if targets.ndim == 2:
        targets = _m.squeeze(targets, 1)
    if not str(targets.dtype).startswith(('int', 'uint')):
        targets = T.cast(targets, 'int64')
    target_values = predictions[T.arange(targets.shape[0]), targets]
    n_greater = T.sum(T.gt(predictions, target_values.dimshuffle(0, 'x')), axis=1)
    out = T.lt(n_greater, k)
    return _tag(out, _known_shape(predictions)[:1])


def dropout(x, level, noise_shape=None, seed=None):
    from minikeras.backend.theano import random as _random
    x = _to_tensor(x)
    level = float(level)
    if level < 0. or level >= 1.:
        raise ValueError('dropout: level must be in [0, 1), received %r' % level)
    if level == 0.:
        return x
    retain = 1. - level
    if noise_shape is None:
        size = x.shape
        pattern = None
    else:
        noise_shape = tuple(noise_shape)
        if len(noise_shape) != x.ndim:
            raise ValueError('dropout: noise_shape %s must have one entry per axis of x '
                             '(%d axes)' % (noise_shape, x.ndim))
        size = T.stack([x.shape[i] if d is None else T.constant(int(d), dtype='int64')
                        for i, d in enumerate(noise_shape)])
        pattern = [d == 1 for d in noise_shape]
    keep = _random._draw_uniform(size, x.ndim, x.dtype, seed)
    mask = T.cast(T.lt(keep, retain), x.dtype)
    if pattern is not None:
        mask = _impl._set_broadcastable(mask, pattern)
    return _same_shape(x * mask / np.asarray(retain, dtype=x.dtype), x)


def _broadcast_param(p, x_ndim, axis):
    p = _to_tensor(p)
    if p.ndim == x_ndim or x_ndim <= 1:
        return p
    if p.ndim != 1:
        raise ValueError('expected a 1-D parameter (or one with %d axes), received %d axes'
                         % (x_ndim, p.ndim))
    pattern = ['x'] * x_ndim
    pattern[axis] = 0
    return p.dimshuffle(pattern)


def bias_add(x, bias, data_format=None):
    x = _to_tensor(x)
    bias = _to_tensor(bias)
    data_format = state.normalize_data_format(data_format)
    if x.dtype != bias.dtype and str(x.dtype).startswith('float'):
        bias = T.cast(bias, x.dtype)
    if data_format == 'channels_first' and x.ndim > 2:
        if bias.ndim == 1:
            out = _plus_vector(x, bias, 1)
        else:
            out = x + bias.dimshuffle(['x'] + list(range(bias.ndim)))
    elif _nchw_source(x) is not None and bias.ndim == 1:
        # on the NCHW result of a convolution (see layout.py)
        out = _nhwc(_plus_vector(_nchw_source(x), bias, 1))
    elif bias.ndim == 1 and x.ndim >= 2:
        out = _plus_vector(x, bias, x.ndim - 1)
    else:
        out = x + bias
    return _same_shape(out, x)


def _plus_vector(x, bias, axis):
    """``x`` plus the vector ``bias`` along ``axis``; for floats through ``_add_bias``,
    whose gradient sums by a matrix-vector product (see bias.py)."""
    if x.dtype == bias.dtype and str(x.dtype).startswith('float'):
        return _add_bias(x, bias, axis)
    return x + _broadcast_param(bias, x.ndim, axis)


def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):
    x = _to_tensor(x)
    ax = _normalize_axis(axis, x.ndim)
    mean = _broadcast_param(mean, x.ndim, ax)
    var = _broadcast_param(var, x.ndim, ax)
    out = (x - mean) / T.sqrt(var + epsilon)
    if gamma is not None:
        out = out * _broadcast_param(gamma, x.ndim, ax)
    if beta is not None:
        out = out + _broadcast_param(beta, x.ndim, ax)
    if out.dtype != x.dtype:
        out = T.cast(out, x.dtype)
    return _same_shape(out, x)
