"""Every contract op on the active engine, compared with the NumPy reference.

Ops run inside ``K.compiled_function`` with numpy inputs, the way symbolic engines
(Theano, CNTK) must be exercised. To keep the number of compiled functions small
(Theano compiles C for each), the cases are grouped: one group is one compiled function
with several outputs, each output one op call. When a group cannot be compiled or run,
it is halved until the report names the ops at fault.
"""
import numpy as np
import pytest

import minikeras.backend as K
from minikeras.backend import numpy as R
from minikeras.backend.contract import CONTRACT
from minikeras.utils import nest
from tests.backend import volume_cases

ENGINE = K.backend()
UNSUPPORTED = set(K.unsupported_ops())
FLOATS = ('float32', 'float64')
TOLERANCE = {'float32': dict(rtol=1e-5, atol=1e-5), 'float64': dict(rtol=1e-7, atol=1e-9)}

# Ops checked by a direct test in this file (not by a group).
DIRECTLY_TESTED = set()


def covers(*ops):
    """Mark a test as the check of contract ``ops``."""
    DIRECTLY_TESTED.update(ops)

    def mark(fn):
        return fn
    return mark


# --- inputs -------------------------------------------------------------------------

def uniform(seed, shape, low=-1., high=1., dtype='float32'):
    return np.random.RandomState(seed).uniform(low, high, shape).astype(dtype)


def integers(seed, shape, high, dtype='int32'):
    return np.random.RandomState(seed).randint(0, high, shape).astype(dtype)


def probabilities(seed, shape, dtype, axis=-1):
    p = uniform(seed, shape, 0.05, 1., 'float64')
    return (p / p.sum(axis=axis, keepdims=True)).astype(dtype)


class Group(object):
    """One compiled function: ``make(dtype)`` gives the input arrays, each entry
    ``(op, fn)`` computes ``fn(ops, *inputs)`` with ``ops`` the engine (K) or the
    reference (R). ``op`` is the contract op the entry checks (text after ':' tells
    cases apart)."""

    def __init__(self, name, make, entries, dtypes=FLOATS, dynamic_batch=False, tol=None):
        self.name = name
        self.make = make
        self.entries = entries
        self.dtypes = dtypes
        self.dynamic_batch = dynamic_batch
        self.tol = tol or {}

    def ops(self):
        return set(op.split(':')[0] for op, _ in self.entries)


def _elementwise_inputs(dtype):
    x = uniform(1, (3, 4), dtype=dtype)
    y = uniform(2, (3, 4), dtype=dtype)
    y[0, :2] = x[0, :2]  # some equal entries for the comparisons
    p = uniform(3, (3, 4), 0.1, 2., dtype)
    halves = np.array([[-2.5, -1.5, -0.5, 0.5], [1.5, 2.5, 0.4, -0.6], [0., 3.7, -3.2, 1.]],
                      dtype=dtype)
    return [x, y, p, halves, uniform(4, (4,), dtype=dtype), np.array([1., -1., 1.], dtype)]


ELEMENTWISE = Group('elementwise', _elementwise_inputs, [
    ('add', lambda o, x, y, p, h, r, c: o.add(x, y)),
    ('add:scalar', lambda o, x, y, p, h, r, c: o.add(x, 2.)),
    ('add:broadcast', lambda o, x, y, p, h, r, c: o.add(x, r)),
    ('subtract', lambda o, x, y, p, h, r, c: o.subtract(x, y)),
    ('multiply', lambda o, x, y, p, h, r, c: o.multiply(x, y)),
    ('multiply:scalar', lambda o, x, y, p, h, r, c: o.multiply(3., x)),
    ('divide', lambda o, x, y, p, h, r, c: o.divide(x, p)),
    ('negative', lambda o, x, y, p, h, r, c: o.negative(x)),
    ('exp', lambda o, x, y, p, h, r, c: o.exp(x)),
    ('log', lambda o, x, y, p, h, r, c: o.log(p)),
    ('sqrt', lambda o, x, y, p, h, r, c: o.sqrt(p)),
    ('square', lambda o, x, y, p, h, r, c: o.square(x)),
    ('abs', lambda o, x, y, p, h, r, c: o.abs(x)),
    ('sign', lambda o, x, y, p, h, r, c: o.sign(h)),
    ('round', lambda o, x, y, p, h, r, c: o.round(h)),
    ('sin', lambda o, x, y, p, h, r, c: o.sin(h)),
    ('cos', lambda o, x, y, p, h, r, c: o.cos(h)),
    ('clip', lambda o, x, y, p, h, r, c: o.clip(x, -0.3, 0.5)),
    ('maximum', lambda o, x, y, p, h, r, c: o.maximum(x, y)),
    ('minimum', lambda o, x, y, p, h, r, c: o.minimum(x, y)),
    ('pow:2', lambda o, x, y, p, h, r, c: o.pow(x, 2)),
    ('pow:-1.5', lambda o, x, y, p, h, r, c: o.pow(p, -1.5)),
    ('equal', lambda o, x, y, p, h, r, c: o.equal(x, y)),
    ('not_equal', lambda o, x, y, p, h, r, c: o.not_equal(x, y)),
    ('greater', lambda o, x, y, p, h, r, c: o.greater(x, y)),
    ('greater_equal', lambda o, x, y, p, h, r, c: o.greater_equal(x, y)),
    ('less', lambda o, x, y, p, h, r, c: o.less(x, y)),
    ('less_equal', lambda o, x, y, p, h, r, c: o.less_equal(x, y)),
    ('switch', lambda o, x, y, p, h, r, c: o.switch(o.greater(x, y), x, p)),
    ('switch:condition with fewer axes', lambda o, x, y, p, h, r, c: o.switch(
        o.greater(c, 0.), x, y)),
])


def _reduction_inputs(dtype):
    return [uniform(4, (2, 3, 4), dtype=dtype), uniform(5, (3, 5), 0.5, 1.5, dtype)]


REDUCTIONS = Group('reductions', _reduction_inputs, [
    ('sum', lambda o, x, p: o.sum(x)),
    ('sum:axis', lambda o, x, p: o.sum(x, axis=1)),
    ('sum:axes keepdims', lambda o, x, p: o.sum(x, axis=[0, 2], keepdims=True)),
    ('prod', lambda o, x, p: o.prod(p, axis=-1)),
    ('prod:all', lambda o, x, p: o.prod(p)),
    ('mean', lambda o, x, p: o.mean(x)),
    ('mean:axis keepdims', lambda o, x, p: o.mean(x, axis=-1, keepdims=True)),
    ('var', lambda o, x, p: o.var(x, axis=1)),
    ('var:all', lambda o, x, p: o.var(x)),
    ('std', lambda o, x, p: o.std(x, axis=(1, 2))),
    ('std:keepdims', lambda o, x, p: o.std(x, axis=0, keepdims=True)),
    ('max', lambda o, x, p: o.max(x, axis=1)),
    ('max:all', lambda o, x, p: o.max(x)),
    ('min', lambda o, x, p: o.min(x, axis=-1, keepdims=True)),
    ('argmax', lambda o, x, p: o.argmax(x)),
    ('argmax:axis 1', lambda o, x, p: o.argmax(x, axis=1)),
    ('argmin', lambda o, x, p: o.argmin(x, axis=0)),
    ('any', lambda o, x, p: o.any(o.greater(x, 0.8), axis=1)),
    ('any:all', lambda o, x, p: o.any(o.greater(x, 0.8))),
    ('all', lambda o, x, p: o.all(o.greater(x, -0.8), axis=-1, keepdims=True)),
    ('cumsum', lambda o, x, p: o.cumsum(x)),
    ('cumsum:axis 2', lambda o, x, p: o.cumsum(x, axis=2)),
    ('cumprod', lambda o, x, p: o.cumprod(p, axis=1)),
    ('logsumexp', lambda o, x, p: o.logsumexp(x, axis=1)),
    ('logsumexp:all keepdims', lambda o, x, p: o.logsumexp(x * 50., keepdims=True)),
    ('l2_normalize', lambda o, x, p: o.l2_normalize(x, axis=-1)),
    ('l2_normalize:axes', lambda o, x, p: o.l2_normalize(x, axis=[1, 2])),
])


def _products_inputs(dtype):
    return [uniform(6, (3, 4), dtype=dtype), uniform(7, (4, 5), dtype=dtype),
            uniform(8, (3, 2, 4), dtype=dtype), uniform(9, (2, 4, 5), dtype=dtype),
            uniform(10, (3, 4, 5), dtype=dtype), uniform(11, (3, 5), dtype=dtype)]


PRODUCTS = Group('products', _products_inputs, [
    ('dot', lambda o, a, b, c, d, e, f: o.dot(a, b)),
    ('dot:3-D x 2-D', lambda o, a, b, c, d, e, f: o.dot(c, b)),
    ('dot:2-D x 3-D', lambda o, a, b, c, d, e, f: o.dot(a, d)),
    ('batch_dot', lambda o, a, b, c, d, e, f: o.batch_dot(c, e)),
    ('batch_dot:2-D x 2-D', lambda o, a, b, c, d, e, f: o.batch_dot(a, a)),
    ('batch_dot:3-D x 2-D', lambda o, a, b, c, d, e, f: o.batch_dot(e, f)),
    ('batch_dot:axes pair', lambda o, a, b, c, d, e, f: o.batch_dot(e, c, axes=(1, 2))),
    ('batch_dot:axes int', lambda o, a, b, c, d, e, f: o.batch_dot(e, e, axes=2)),
    ('transpose', lambda o, a, b, c, d, e, f: o.transpose(a)),
    ('transpose:3-D', lambda o, a, b, c, d, e, f: o.transpose(c)),
])


def _shape_inputs(dtype):
    return [uniform(12, (2, 3, 4), dtype=dtype), uniform(13, (2, 3, 4), dtype=dtype),
            integers(14, (2, 3), 4), uniform(15, (3, 1), dtype=dtype),
            uniform(16, (4, 5), dtype=dtype), integers(17, (3,), 4), uniform(18, (3,), dtype=dtype)]


SHAPES = Group('shapes', _shape_inputs, [
    ('reshape', lambda o, x, y, i, c, m, j, v: o.reshape(x, (4, 6))),
    ('reshape:-1', lambda o, x, y, i, c, m, j, v: o.reshape(x, (2, -1, 2))),
    ('concatenate', lambda o, x, y, i, c, m, j, v: o.concatenate([x, y])),
    ('concatenate:axis 1', lambda o, x, y, i, c, m, j, v: o.concatenate([x, y, x], axis=1)),
    ('stack', lambda o, x, y, i, c, m, j, v: o.stack([x, y])),
    ('stack:axis -1', lambda o, x, y, i, c, m, j, v: o.stack([x, y], axis=-1)),
    ('expand_dims', lambda o, x, y, i, c, m, j, v: o.expand_dims(x)),
    ('expand_dims:axis 1', lambda o, x, y, i, c, m, j, v: o.expand_dims(x, 1)),
    ('squeeze', lambda o, x, y, i, c, m, j, v: o.squeeze(c, 1)),
    ('squeeze:axis -1', lambda o, x, y, i, c, m, j, v: o.squeeze(o.expand_dims(x, -1), -1)),
    ('tile', lambda o, x, y, i, c, m, j, v: o.tile(x, (1, 2, 3))),
    ('tile:int on 1-D', lambda o, x, y, i, c, m, j, v: o.tile(v, 3)),
    ('repeat', lambda o, x, y, i, c, m, j, v: o.repeat(m, 3)),
    ('repeat_elements', lambda o, x, y, i, c, m, j, v: o.repeat_elements(x, 2, axis=1)),
    ('repeat_elements:last axis', lambda o, x, y, i, c, m, j, v: o.repeat_elements(x, 3, axis=-1)),
    ('gather', lambda o, x, y, i, c, m, j, v: o.gather(m, j)),
    ('gather:2-D indices', lambda o, x, y, i, c, m, j, v: o.gather(x, o.minimum(i, 1))),
    ('one_hot', lambda o, x, y, i, c, m, j, v: o.one_hot(i, 5)),
    ('permute_dimensions', lambda o, x, y, i, c, m, j, v: o.permute_dimensions(x, (2, 0, 1))),
    ('flatten', lambda o, x, y, i, c, m, j, v: o.flatten(x)),
    ('batch_flatten', lambda o, x, y, i, c, m, j, v: o.batch_flatten(x)),
    ('reverse', lambda o, x, y, i, c, m, j, v: o.reverse(x, 1)),
    ('reverse:axes', lambda o, x, y, i, c, m, j, v: o.reverse(x, (0, 2))),
    ('slice', lambda o, x, y, i, c, m, j, v: o.slice(x, [0, 1, 1], [2, 2, 3])),
    ('slice:-1 size', lambda o, x, y, i, c, m, j, v: o.slice(x, [1, 0, 2], [1, -1, -1])),
    ('arange', lambda o, x, y, i, c, m, j, v: o.arange(5)),
    ('arange:start stop step', lambda o, x, y, i, c, m, j, v: o.arange(2, 11, 3)),
    ('arange:float', lambda o, x, y, i, c, m, j, v: o.arange(1, 3, 0.5, dtype='float32')),
    ('temporal_padding', lambda o, x, y, i, c, m, j, v: o.temporal_padding(x)),
    ('temporal_padding:asymmetric', lambda o, x, y, i, c, m, j, v: o.temporal_padding(x, (2, 0))),
    ('shape', lambda o, x, y, i, c, m, j, v: o.shape(x)),
    ('cast', lambda o, x, y, i, c, m, j, v: o.cast(x, 'int32')),
    ('cast:int to float', lambda o, x, y, i, c, m, j, v: o.cast(i, 'float32')),
    ('cast:bool to float', lambda o, x, y, i, c, m, j, v: o.cast(o.greater(x, 0.), 'float64')),
    ('zeros_like', lambda o, x, y, i, c, m, j, v: o.zeros_like(x)),
    ('zeros_like:dtype', lambda o, x, y, i, c, m, j, v: o.zeros_like(x, dtype='int32')),
    ('ones_like', lambda o, x, y, i, c, m, j, v: o.ones_like(i)),
    ('identity', lambda o, x, y, i, c, m, j, v: o.identity(x)),
    ('stop_gradient', lambda o, x, y, i, c, m, j, v: o.stop_gradient(x)),
    ('stop_gradient:list', lambda o, x, y, i, c, m, j, v: o.stop_gradient([x, y])),
    ('constant', lambda o, x, y, i, c, m, j, v: o.add(x, o.constant(np.arange(4.)))),
    ('constant:shape', lambda o, x, y, i, c, m, j, v: o.add(x, o.constant(2., shape=(3, 4)))),
], dtypes=('float32',))


def _image_inputs(dtype):
    return [uniform(16, (2, 4, 5, 3), dtype=dtype)]


IMAGES = Group('image shapes', _image_inputs, [
    ('spatial_2d_padding', lambda o, x: o.spatial_2d_padding(x, data_format='channels_last')),
    ('spatial_2d_padding:asymmetric channels_first', lambda o, x: o.spatial_2d_padding(
        x, ((0, 2), (1, 0)), 'channels_first')),
    ('resize_images', lambda o, x: o.resize_images(x, 2, 3, 'channels_last')),
    ('resize_images:channels_first', lambda o, x: o.resize_images(x, 1, 2, 'channels_first')),
    ('resize_images:bilinear', lambda o, x: o.resize_images(x, 2, 3, 'channels_last',
                                                            'bilinear')),
], dynamic_batch=True)


def _activation_inputs(dtype):
    return [uniform(17, (4, 6), -3., 3., dtype), uniform(18, (2, 3, 4), -3., 3., dtype),
            uniform(19, (6,), dtype=dtype), uniform(20, (3,), dtype=dtype),
            uniform(21, (4,), dtype=dtype)]


ACTIVATIONS = Group('activations', _activation_inputs, [
    ('relu', lambda o, x, z, b6, b3, b4: o.relu(x)),
    ('relu:alpha', lambda o, x, z, b6, b3, b4: o.relu(x, alpha=0.1)),
    ('relu:max_value', lambda o, x, z, b6, b3, b4: o.relu(x, max_value=1.5)),
    ('relu:threshold', lambda o, x, z, b6, b3, b4: o.relu(x, alpha=0.2, max_value=2.,
                                                          threshold=0.5)),
    ('elu', lambda o, x, z, b6, b3, b4: o.elu(x)),
    ('elu:alpha', lambda o, x, z, b6, b3, b4: o.elu(x, 0.5)),
    ('selu', lambda o, x, z, b6, b3, b4: o.selu(x)),
    ('sigmoid', lambda o, x, z, b6, b3, b4: o.sigmoid(x)),
    ('sigmoid:large', lambda o, x, z, b6, b3, b4: o.sigmoid(x * 40.)),
    ('hard_sigmoid', lambda o, x, z, b6, b3, b4: o.hard_sigmoid(x)),
    ('tanh', lambda o, x, z, b6, b3, b4: o.tanh(x)),
    ('softmax', lambda o, x, z, b6, b3, b4: o.softmax(x)),
    ('softmax:axis 1 of 3-D', lambda o, x, z, b6, b3, b4: o.softmax(z, axis=1)),
    ('softmax:large', lambda o, x, z, b6, b3, b4: o.softmax(x * 100.)),
    ('log_softmax', lambda o, x, z, b6, b3, b4: o.log_softmax(x)),
    ('log_softmax:axis 1 of 3-D', lambda o, x, z, b6, b3, b4: o.log_softmax(z, axis=1)),
    ('softplus', lambda o, x, z, b6, b3, b4: o.softplus(x)),
    ('softsign', lambda o, x, z, b6, b3, b4: o.softsign(x)),
    ('bias_add', lambda o, x, z, b6, b3, b4: o.bias_add(x, b6)),
    ('bias_add:channels_first 3-D', lambda o, x, z, b6, b3, b4: o.bias_add(z, b3,
                                                                          'channels_first')),
    ('bias_add:channels_last 3-D', lambda o, x, z, b6, b3, b4: o.bias_add(z, b4, 'channels_last')),
], dynamic_batch=True)


def _loss_inputs(dtype):
    return [probabilities(19, (4, 5), dtype), uniform(20, (4, 5), 0.05, 1., dtype),
            uniform(21, (4, 5), -3., 3., dtype), integers(22, (4,), 5),
            probabilities(23, (4, 5, 3), dtype, axis=1), uniform(24, (4, 5, 3), -2., 2., dtype),
            integers(25, (4, 3), 5), integers(26, (4, 1), 5)]


LOSSES = Group('losses', _loss_inputs, [
    ('categorical_crossentropy', lambda o, t, p, z, i, t3, z3, i3, i1:
        o.categorical_crossentropy(t, p)),
    ('categorical_crossentropy:from_logits', lambda o, t, p, z, i, t3, z3, i3, i1:
        o.categorical_crossentropy(t, z, from_logits=True)),
    ('categorical_crossentropy:axis 1', lambda o, t, p, z, i, t3, z3, i3, i1:
        o.categorical_crossentropy(t3, o.softmax(z3, axis=1), axis=1)),
    ('categorical_crossentropy:logits axis 1', lambda o, t, p, z, i, t3, z3, i3, i1:
        o.categorical_crossentropy(t3, z3, from_logits=True, axis=1)),
    ('sparse_categorical_crossentropy', lambda o, t, p, z, i, t3, z3, i3, i1:
        o.sparse_categorical_crossentropy(i, p)),
    ('sparse_categorical_crossentropy:from_logits', lambda o, t, p, z, i, t3, z3, i3, i1:
        o.sparse_categorical_crossentropy(i, z, from_logits=True)),
    ('sparse_categorical_crossentropy:trailing 1', lambda o, t, p, z, i, t3, z3, i3, i1:
        o.sparse_categorical_crossentropy(i1, z, from_logits=True)),
    ('sparse_categorical_crossentropy:axis 1', lambda o, t, p, z, i, t3, z3, i3, i1:
        o.sparse_categorical_crossentropy(i3, z3, from_logits=True, axis=1)),
    ('binary_crossentropy', lambda o, t, p, z, i, t3, z3, i3, i1:
        o.binary_crossentropy(t, p)),
    ('binary_crossentropy:from_logits', lambda o, t, p, z, i, t3, z3, i3, i1:
        o.binary_crossentropy(t, z, from_logits=True)),
    ('in_top_k', lambda o, t, p, z, i, t3, z3, i3, i1: o.in_top_k(z, i, 1)),
    ('in_top_k:k 3', lambda o, t, p, z, i, t3, z3, i3, i1: o.in_top_k(z, i, 3)),
], dynamic_batch=True)


def _conv1d_inputs(dtype):
    return [uniform(27, (2, 9, 3), dtype=dtype), uniform(28, (3, 3, 4), dtype=dtype),
            uniform(29, (2, 3, 9), dtype=dtype)]


CONV1D = Group('conv1d', _conv1d_inputs, [
    ('conv1d', lambda o, x, k, xf: o.conv1d(x, k, data_format='channels_last')),
    ('conv1d:same stride 2', lambda o, x, k, xf: o.conv1d(x, k, 2, 'same', 'channels_last')),
    ('conv1d:causal dilation 2', lambda o, x, k, xf: o.conv1d(x, k, 1, 'causal',
                                                              'channels_last', 2)),
    ('conv1d:same dilation 3', lambda o, x, k, xf: o.conv1d(x, k[:2], 1, 'same',
                                                            'channels_last', 3)),
    ('conv1d:channels_first', lambda o, x, k, xf: o.conv1d(xf, k, 1, 'valid',
                                                           'channels_first')),
], dynamic_batch=True, tol={'float32': dict(rtol=1e-5, atol=2e-5)})


def _conv2d_inputs(dtype):
    return [uniform(30, (2, 7, 6, 3), dtype=dtype), uniform(31, (3, 2, 3, 4), dtype=dtype),
            uniform(32, (2, 3, 7, 6), dtype=dtype), uniform(33, (3, 3, 3, 2), dtype=dtype),
            uniform(34, (1, 1, 6, 5), dtype=dtype)]


CONV2D = Group('conv2d', _conv2d_inputs, [
    ('conv2d', lambda o, x, k, xf, dk, pk: o.conv2d(x, k, data_format='channels_last')),
    ('conv2d:default data_format', lambda o, x, k, xf, dk, pk: o.conv2d(x, k)),
    ('conv2d:same strides', lambda o, x, k, xf, dk, pk: o.conv2d(
        x, k, (2, 2), 'same', 'channels_last')),
    ('conv2d:unequal strides', lambda o, x, k, xf, dk, pk: o.conv2d(
        x, k, (2, 1), 'valid', 'channels_last')),
    ('conv2d:dilation', lambda o, x, k, xf, dk, pk: o.conv2d(
        x, k, (1, 1), 'same', 'channels_last', (2, 2))),
    ('conv2d:channels_first', lambda o, x, k, xf, dk, pk: o.conv2d(
        xf, k, (1, 1), 'same', 'channels_first')),
    ('depthwise_conv2d', lambda o, x, k, xf, dk, pk: o.depthwise_conv2d(
        x, dk, data_format='channels_last')),
    ('depthwise_conv2d:same strides', lambda o, x, k, xf, dk, pk: o.depthwise_conv2d(
        x, dk, (2, 2), 'same', 'channels_last')),
    ('depthwise_conv2d:dilation', lambda o, x, k, xf, dk, pk: o.depthwise_conv2d(
        x, dk, (1, 1), 'valid', 'channels_last', (2, 2))),
    ('depthwise_conv2d:channels_first', lambda o, x, k, xf, dk, pk: o.depthwise_conv2d(
        xf, dk, (1, 1), 'same', 'channels_first')),
    ('separable_conv2d', lambda o, x, k, xf, dk, pk: o.separable_conv2d(
        x, dk, pk, data_format='channels_last')),
    ('separable_conv2d:same strides', lambda o, x, k, xf, dk, pk: o.separable_conv2d(
        x, dk, pk, (2, 2), 'same', 'channels_last')),
    ('separable_conv2d:channels_first', lambda o, x, k, xf, dk, pk: o.separable_conv2d(
        xf, dk, pk, (1, 1), 'valid', 'channels_first')),
], dynamic_batch=True, tol={'float32': dict(rtol=1e-5, atol=2e-5)})


def _conv2d_transpose_inputs(dtype):
    return [uniform(35, (2, 5, 4, 4), dtype=dtype), uniform(36, (3, 3, 2, 4), dtype=dtype),
            uniform(37, (2, 4, 5, 4), dtype=dtype), uniform(38, (2, 3, 3, 4), dtype=dtype),
            uniform(39, (2, 3, 2, 4), dtype=dtype)]


CONV2D_TRANSPOSE = Group('conv2d_transpose', _conv2d_transpose_inputs, [
    ('conv2d_transpose', lambda o, x, k, xf, xs, xu: o.conv2d_transpose(
        x, k, (2, 7, 6, 2), data_format='channels_last')),
    ('conv2d_transpose:None batch', lambda o, x, k, xf, xs, xu: o.conv2d_transpose(
        x, k, (None, 5, 4, 2), (1, 1), 'same', 'channels_last')),
    ('conv2d_transpose:batch tensor', lambda o, x, k, xf, xs, xu: o.conv2d_transpose(
        x, k, (o.shape(x)[0], 5, 4, 2), (1, 1), 'same', 'channels_last')),
    ('conv2d_transpose:same strides', lambda o, x, k, xf, xs, xu: o.conv2d_transpose(
        xs, k, (2, 6, 5, 2), (2, 2), 'same', 'channels_last')),
    ('conv2d_transpose:valid strides', lambda o, x, k, xf, xs, xu: o.conv2d_transpose(
        xu, k, (2, 7, 5, 2), (2, 2), 'valid', 'channels_last')),
    ('conv2d_transpose:dilation', lambda o, x, k, xf, xs, xu: o.conv2d_transpose(
        x, k, (2, 9, 8, 2), (1, 1), 'valid', 'channels_last', (2, 2))),
    ('conv2d_transpose:channels_first', lambda o, x, k, xf, xs, xu: o.conv2d_transpose(
        xf, k, (2, 2, 7, 6), (1, 1), 'valid', 'channels_first')),
], tol={'float32': dict(rtol=1e-5, atol=2e-5)})


def _pool_inputs(dtype):
    return [uniform(40, (2, 7, 6, 3), dtype=dtype), uniform(41, (2, 3, 5, 5), dtype=dtype),
            uniform(42, (3,), dtype=dtype), uniform(43, (3,), 0.1, 2., dtype),
            uniform(44, (3,), dtype=dtype), uniform(45, (3,), 0.5, 1.5, dtype)]


POOLING = Group('pool2d and batch_normalization', _pool_inputs, [
    ('pool2d', lambda o, x, xf, *_: o.pool2d(x, (2, 2), (2, 2), data_format='channels_last')),
    ('pool2d:avg', lambda o, x, xf, *_: o.pool2d(x, (2, 2), (2, 2),
                                                 data_format='channels_last', pool_mode='avg')),
    ('pool2d:max same', lambda o, x, xf, *_: o.pool2d(x, (3, 3), (2, 2), 'same',
                                                      'channels_last')),
    ('pool2d:avg same', lambda o, x, xf, *_: o.pool2d(x, (3, 3), (2, 2), 'same',
                                                      'channels_last', 'avg')),
    ('pool2d:avg same stride 1', lambda o, x, xf, *_: o.pool2d(x, (2, 3), (1, 1), 'same',
                                                               'channels_last', 'avg')),
    ('pool2d:max valid unequal', lambda o, x, xf, *_: o.pool2d(x, (3, 2), (1, 2), 'valid',
                                                               'channels_last')),
    ('pool2d:channels_first', lambda o, x, xf, *_: o.pool2d(xf, (2, 2), (2, 2), 'same',
                                                            'channels_first', 'avg')),
    ('batch_normalization', lambda o, x, xf, m, v, b, g: o.batch_normalization(
        x, m, v, b, g)),
    ('batch_normalization:axis 1 no beta gamma', lambda o, x, xf, m, v, b, g:
        o.batch_normalization(xf, m, v, None, None, axis=1, epsilon=0.01)),
], dynamic_batch=True)


GROUPS = [ELEMENTWISE, REDUCTIONS, PRODUCTS, SHAPES, IMAGES, ACTIVATIONS, LOSSES, CONV1D,
          CONV2D, CONV2D_TRANSPOSE, POOLING]
GROUPS += [Group(name, make, entries, **options)  # 3-D, separable 1-D, local convolutions
           for name, make, entries, options in volume_cases.VALUE_GROUPS]


# --- running a group ----------------------------------------------------------------

def _specs(arrays, dynamic_batch):
    """Input specs; with ``dynamic_batch`` the first axis of every input with 2 or more
    axes is None (1-D inputs such as biases stay static)."""
    return [(((None,) + a.shape[1:]) if dynamic_batch and a.ndim > 1 else a.shape,
             a.dtype.name) for a in arrays]


def run_on_engine(entries, arrays, dynamic_batch=False):
    """Outputs of ``entries`` computed by the active engine in one compiled function."""
    def fn(*tensors):
        outputs = []
        for _, f in entries:
            outputs.extend(nest.flatten(f(K, *tensors)))
        return outputs, []
    return K.compiled_function(fn, _specs(arrays, dynamic_batch))(*arrays)


def run_on_reference(entries, arrays):
    """One list of flat outputs per entry, from the NumPy reference."""
    with np.errstate(all='ignore'):
        return [[np.asarray(v) for v in nest.flatten(f(R, *arrays))] for _, f in entries]


def compare(got, want, tol, what):
    """None if ``got`` (an engine output) matches the reference ``want``, else why not."""
    got, want = np.asarray(got), np.asarray(want)
    if got.shape != want.shape:
        return '%s: shape %s, reference %s' % (what, got.shape, want.shape)
    kind = want.dtype.kind
    if kind == 'f' and got.dtype != want.dtype:
        return '%s: dtype %s, reference %s' % (what, got.dtype, want.dtype)
    if kind == 'b' and got.dtype.kind != 'b':
        return '%s: dtype %s, expected bool' % (what, got.dtype)
    if kind in 'iu' and got.dtype.kind not in 'iu':
        return '%s: dtype %s, expected an integer dtype' % (what, got.dtype)
    if not np.allclose(got.astype('float64'), want.astype('float64'), equal_nan=True, **tol):
        err = np.max(np.abs(got.astype('float64') - want.astype('float64')))
        return '%s: values differ (max abs error %.3g)\n  engine:    %s\n  reference: %s' % (
            what, err, np.array2string(got.ravel()[:8]), np.array2string(want.ravel()[:8]))
    return None


def check_entries(entries, arrays, tol, dynamic_batch):
    expected = run_on_reference(entries, arrays)
    got = run_on_engine(entries, arrays, dynamic_batch)
    if len(got) != sum(len(e) for e in expected):
        return ['%d outputs, reference has %d' % (len(got), sum(len(e) for e in expected))]
    problems, i = [], 0
    for (op, _), want in zip(entries, expected):
        for j, w in enumerate(want):
            problem = compare(got[i], w, tol, op if len(want) == 1 else '%s[%d]' % (op, j))
            if problem:
                problems.append(problem)
            i += 1
    return problems


def _group_params():
    params = []
    for group in GROUPS:
        for dtype in group.dtypes:
            params.append(pytest.param(group, dtype, id='%s-%s' % (group.name, dtype)))
    return params


def check_or_bisect(entries, arrays, tol, dynamic_batch):
    """``check_entries``; if the compiled function fails to build or run, halve the
    entries until the ops at fault are found (few extra compilations on Theano)."""
    try:
        return check_entries(entries, arrays, tol, dynamic_batch)
    except Exception as e:
        if len(entries) == 1:
            return ['%s raised %s: %s' % (entries[0][0], type(e).__name__, e)]
        middle = len(entries) // 2
        return (check_or_bisect(entries[:middle], arrays, tol, dynamic_batch)
                + check_or_bisect(entries[middle:], arrays, tol, dynamic_batch))


@pytest.mark.parametrize('group,dtype', _group_params())
def test_group_matches_reference(group, dtype):
    arrays = group.make(dtype)
    entries = [e for e in group.entries if e[0].split(':')[0] not in UNSUPPORTED]
    tol = group.tol.get(dtype, TOLERANCE[dtype])
    problems = check_or_bisect(entries, arrays, tol, group.dynamic_batch)
    assert not problems, '%d mismatches on %s:\n%s' % (len(problems), ENGINE,
                                                      '\n'.join(problems))


# --- recurrent loop -----------------------------------------------------------------

def _rnn_weights(dtype):
    return uniform(50, (3, 4), dtype=dtype), uniform(51, (4, 4), -0.5, 0.5, dtype)


def _simple_step(o, w, u):
    def step(x_t, states):
        h = o.tanh(o.dot(x_t, w) + o.dot(states[0], u))
        return h, [h]
    return step


def _two_state_step(o, w, u):
    def step(x_t, states):
        h, c = states[0], states[1]
        c_new = o.sigmoid(o.dot(x_t, w)) * c + o.tanh(o.dot(h, u))
        h_new = o.tanh(c_new) * states[2]  # states[2] is the constant
        return h_new, [h_new, c_new]
    return step


RNN_CASES = [
    ('plain', dict()),
    ('go_backwards', dict(go_backwards=True)),
    ('mask', dict(mask=True)),
    ('mask go_backwards', dict(mask=True, go_backwards=True)),
    ('unroll', dict(unroll=True)),
    ('unroll mask', dict(unroll=True, mask=True)),
    ('two states constants', dict(two_states=True)),
]


def _rnn_call(o, x, h0, mask, w, u, options):
    kwargs = dict(go_backwards=options.get('go_backwards', False),
                  unroll=options.get('unroll', False),
                  input_length=5 if options.get('unroll') else None)
    if options.get('mask'):
        kwargs['mask'] = mask
    if options.get('two_states'):
        return o.rnn(_two_state_step(o, w, u), x, [h0, h0 * 0.5],
                     constants=[o.ones_like(h0) * 0.9], **kwargs)
    return o.rnn(_simple_step(o, w, u), x, [h0], **kwargs)


@covers('rnn')
@pytest.mark.parametrize('dtype', FLOATS)
def test_rnn_matches_reference(dtype):
    x = uniform(52, (3, 5, 3), dtype=dtype)
    h0 = uniform(53, (3, 4), dtype=dtype)
    mask = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1], [0, 0, 1, 1, 1]], dtype=dtype)
    w, u = _rnn_weights(dtype)
    entries = []
    for name, options in RNN_CASES:
        def f(o, x, h0, mask, options=options):
            wt, ut = (w, u) if o is R else (K.constant(w, dtype), K.constant(u, dtype))
            return _rnn_call(o, x, h0, mask, wt, ut, options)
        entries.append(('rnn:' + name, f))
    problems = check_or_bisect(entries, [x, h0, mask], TOLERANCE[dtype], dynamic_batch=True)
    assert not problems, '\n'.join(problems)


def test_reference_rnn_mask_semantics():
    """The oracle itself: masked steps repeat the previous output and keep the states."""
    x = np.arange(1., 7.).reshape(1, 6, 1)
    mask = np.array([[0, 1, 1, 0, 1, 0]])

    def step(x_t, states):
        total = states[0] + x_t
        return total * 10., [total]
    last, outputs, states = R.rnn(step, x, [np.zeros((1, 1))], mask=mask)
    assert outputs[0, :, 0].tolist() == [0., 20., 50., 50., 100., 100.]
    assert last.tolist() == [[100.]] and states[0].tolist() == [[10.]]
    last, outputs, states = R.rnn(step, x, [np.zeros((1, 1))], mask=mask, go_backwards=True)
    assert outputs[0, :, 0].tolist() == [0., 50., 50., 80., 100., 100.]


@pytest.mark.parametrize('strides,padding,dilation', [
    ((1, 1), 'valid', (1, 1)), ((2, 2), 'same', (1, 1)), ((2, 1), 'valid', (1, 1)),
    ((1, 1), 'same', (2, 2)), ((3, 2), 'same', (1, 1))])
def test_reference_conv2d_transpose_is_the_adjoint_of_conv2d(strides, padding, dilation):
    """The oracle itself: <conv2d(a, k), b> == <a, conv2d_transpose(b, k)>."""
    a = uniform(70, (2, 7, 6, 3), dtype='float64')
    k = uniform(71, (3, 2, 3, 4), dtype='float64')
    y = R.conv2d(a, k, strides, padding, 'channels_last', dilation)
    b = uniform(72, y.shape, dtype='float64')
    back = R.conv2d_transpose(b, k, a.shape, strides, padding, 'channels_last', dilation)
    assert back.shape == a.shape
    np.testing.assert_allclose(np.sum(y * b), np.sum(a * back), rtol=1e-12)


def test_reference_small_values_by_hand():
    """The oracle itself on inputs small enough to check by hand."""
    x = np.arange(9.).reshape(1, 3, 3, 1)
    k = np.array([[1., 0.], [0., -1.]]).reshape(2, 2, 1, 1)  # x[i, j] - x[i+1, j+1]
    np.testing.assert_array_equal(R.conv2d(x, k, data_format='channels_last')[0, :, :, 0],
                                  [[-4., -4.], [-4., -4.]])
    # 'same' average pooling divides by the entries inside the image only
    pooled = R.pool2d(x, (2, 2), (2, 2), 'same', 'channels_last', 'avg')[0, :, :, 0]
    np.testing.assert_array_equal(pooled, [[2., 3.5], [6.5, 8.]])
    pooled = R.pool2d(x - 10., (2, 2), (2, 2), 'same', 'channels_last', 'max')[0, :, :, 0]
    np.testing.assert_array_equal(pooled, [[-6., -5.], [-3., -2.]])
    np.testing.assert_array_equal(R.round(np.array([0.5, 1.5, 2.5, -0.5])), [0., 2., 2., -0.])
    np.testing.assert_array_equal(R.relu(np.array([-1., 0.2, 0.7, 3.]), 0.5, 2., 0.5),
                                  [-0.75, -0.15, 0.7, 2.])
    np.testing.assert_array_equal(R.batch_dot(np.ones((2, 3)), np.ones((2, 3))), [[3.], [3.]])


# --- random ops ---------------------------------------------------------------------

RANDOM_CASES = [
    ('random_normal', lambda o, shape, seed: o.random_normal(shape, 1.5, 2., seed=seed),
     dict(mean=1.5, std=2.)),
    ('random_uniform', lambda o, shape, seed: o.random_uniform(shape, -1., 3., seed=seed),
     dict(mean=1., std=4. / np.sqrt(12.), low=-1., high=3.)),
    ('truncated_normal', lambda o, shape, seed: o.truncated_normal(shape, 1., 0.5, seed=seed),
     dict(mean=1., std=0.5 * 0.8796, low=0., high=2.)),
    ('random_binomial', lambda o, shape, seed: o.random_binomial(shape, 0.3, seed=seed),
     dict(mean=0.3, std=np.sqrt(0.21), values=(0., 1.))),
]
RANDOM_SHAPE = (100, 100)


def _random_function(f, seed, dtype=None):
    """A compiled function drawing one sample of RANDOM_SHAPE; the shape is given as an
    int tensor (K.shape of the input) to check run-time shapes work too."""
    def fn(x):
        shape = K.shape(x)
        if dtype is None:
            return [f(K, shape, seed)], []
        return [K.cast(f(K, shape, seed), dtype)], []
    return K.compiled_function(fn, [((None, RANDOM_SHAPE[1]), 'float32')])


@covers(*[name for name, _, _ in RANDOM_CASES])
@pytest.mark.parametrize('name,f,stats', RANDOM_CASES, ids=[c[0] for c in RANDOM_CASES])
def test_random_statistics_and_seed(name, f, stats):
    feed = np.zeros(RANDOM_SHAPE, 'float32')
    draw = _random_function(f, seed=1234)
    first, second = draw(feed)[0], draw(feed)[0]
    assert first.shape == RANDOM_SHAPE and first.dtype == np.dtype(K.floatx())
    assert abs(first.mean() - stats['mean']) < 5 * stats['std'] / 100., first.mean()
    assert abs(first.std() - stats['std']) < 0.05 * stats['std'], first.std()
    if 'low' in stats:
        assert first.min() >= stats['low'] and first.max() <= stats['high']
    if 'values' in stats:
        assert set(np.unique(first).tolist()) == set(stats['values'])
    assert not np.array_equal(first, second), \
        'two calls of a compiled function drew the same values'
    again = _random_function(f, seed=1234)
    assert np.array_equal(again(feed)[0], first), 'the same seed gave other values'
    other = _random_function(f, seed=99)
    assert not np.array_equal(other(feed)[0], first), 'another seed gave the same values'


@pytest.mark.parametrize('name,f', [(c[0], c[1]) for c in RANDOM_CASES],
                         ids=[c[0] for c in RANDOM_CASES])
def test_random_static_shape_and_dtype(name, f):
    op = getattr(K, name)

    def fn(x):
        return [op((2, 3), dtype='float64', seed=5) + K.cast(x, 'float64'),
                op((4,), seed=None)], []
    a, b = K.compiled_function(fn, [((2, 3), 'float32')])(np.zeros((2, 3), 'float32'))
    assert a.shape == (2, 3) and a.dtype == np.float64
    assert b.shape == (4,) and b.dtype == np.dtype(K.floatx())


@covers('dropout')
def test_dropout():
    x = np.ones((200, 50), 'float32')

    def fn(x):
        return [K.dropout(x, 0.3, seed=7), K.dropout(x, 0.5, noise_shape=(None, 1), seed=8),
                K.dropout(x, 0.)], []
    f = K.compiled_function(fn, [((None, 50), 'float32')])
    plain, rows, none = f(x)
    assert plain.dtype == np.float32
    kept = plain != 0
    assert abs(kept.mean() - 0.7) < 0.02
    np.testing.assert_allclose(plain[kept], 1. / 0.7, rtol=1e-6)
    assert np.all((rows == 0) | np.isclose(rows, 2.)), 'kept entries are scaled by 1/(1-level)'
    assert np.all(rows == rows[:, :1]), 'noise_shape (None, 1) shares the mask along axis 1'
    assert 0.35 < (rows[:, 0] != 0).mean() < 0.65
    np.testing.assert_array_equal(none, x)
    assert not np.array_equal(f(x)[0], plain), 'dropout must draw a fresh mask on every call'
    g = K.compiled_function(fn, [((None, 50), 'float32')])
    np.testing.assert_array_equal(g(x)[0], plain)


# --- variables, values, shapes, compiled functions ------------------------------------

@covers('variable', 'get_value', 'set_value', 'is_variable', 'is_tensor', 'count_params',
        'int_shape', 'ndim', 'dtype')
def test_variable_round_trip():
    value = uniform(60, (3, 4), dtype='float64')
    constraint = lambda t: t  # noqa: E731
    v = K.variable(value, name='kernel', constraint=constraint)
    assert K.is_variable(v) and K.is_tensor(v)
    assert v.constraint is constraint
    got = K.get_value(v)
    assert isinstance(got, np.ndarray) and got.dtype == np.dtype(K.floatx())
    np.testing.assert_allclose(got, value.astype(K.floatx()))
    got[0, 0] = 100.  # a copy: changing it leaves the variable alone
    assert K.get_value(v)[0, 0] != 100.
    assert K.int_shape(v) == (3, 4) and K.ndim(v) == 2 and K.count_params(v) == 12
    assert K.dtype(v) == K.floatx()
    K.set_value(v, np.ones((3, 4)))
    np.testing.assert_array_equal(K.get_value(v), np.ones((3, 4)))
    assert K.get_value(v).dtype == np.dtype(K.floatx())
    with pytest.raises(ValueError):
        K.set_value(v, np.ones((4, 3)))
    v64 = K.variable([1, 2, 3], dtype='float64')
    assert K.dtype(v64) == 'float64' and K.get_value(v64).dtype == np.float64
    vi = K.variable(np.arange(3), dtype='int32')
    assert K.dtype(vi) == 'int32' and K.get_value(vi).tolist() == [0, 1, 2]
    assert not K.is_variable(np.ones(3)) and not K.is_tensor([1., 2.])
    assert K.is_tensor(np.ones(3)) == (ENGINE == 'numpy'), \
        'only the NumPy engine treats numpy arrays as its tensors'


@covers('constant', 'eval', 'zeros', 'ones', 'eye')
def test_constants_and_filled_variables():
    c = K.constant([[1, 2], [3, 4]])
    assert not K.is_variable(c) and K.dtype(c) == K.floatx() and K.int_shape(c) == (2, 2)
    np.testing.assert_array_equal(K.eval(c), [[1, 2], [3, 4]])
    np.testing.assert_array_equal(K.eval(K.constant(2.5, shape=(2, 3))), np.full((2, 3), 2.5))
    assert K.eval(K.constant(3, dtype='int32')).dtype == np.int32
    for make, want in [(lambda: K.zeros((2, 3)), np.zeros((2, 3))),
                       (lambda: K.ones((4,), dtype='float64'), np.ones(4)),
                       (lambda: K.eye(3), np.eye(3))]:
        v = make()
        assert K.is_variable(v)
        np.testing.assert_array_equal(K.get_value(v), want)
        np.testing.assert_array_equal(K.eval(v), want)
    assert K.dtype(K.ones((4,), dtype='float64')) == 'float64'
    assert K.dtype(K.zeros((2,))) == K.floatx()


@covers('compiled_function')
def test_compiled_function_outputs_then_updates():
    v = K.variable(np.zeros(3))
    count = K.variable(0.)
    seen = {}

    def fn(x, n):
        seen['int_shape'], seen['ndim'] = K.int_shape(x), K.ndim(x)
        seen['dtype'], seen['is_tensor'] = K.dtype(n), K.is_tensor(x)
        return [K.identity(v) * 1., K.sum(x, axis=0), K.cast(n, 'float32') * 2.], [
            (v, v + K.sum(x, axis=0)), (count, count + 1.)]
    f = K.compiled_function(fn, [((None, 3), 'float32'), ((2,), 'int32')], name='step')
    x = np.arange(6, dtype='float32').reshape(2, 3)
    old, total, doubled = f(x, np.array([1, 2], 'int32'))
    # fn has run by now (traced, or eagerly on eager engines, which see the real batch)
    assert seen['int_shape'] in ((None, 3), (2, 3)) and seen['ndim'] == 2
    assert seen['dtype'] == 'int32' and seen['is_tensor']
    assert all(isinstance(a, np.ndarray) for a in (old, total, doubled))
    np.testing.assert_array_equal(old, [0., 0., 0.])  # outputs are computed before updates
    np.testing.assert_array_equal(total, [3., 5., 7.])
    np.testing.assert_array_equal(doubled, [2., 4.])
    np.testing.assert_array_equal(K.get_value(v), [3., 5., 7.])
    old, _, _ = f(x[:1], np.array([0, 0], 'int32'))  # another batch size
    np.testing.assert_array_equal(old, [3., 5., 7.])
    np.testing.assert_array_equal(K.get_value(v), [3., 6., 9.])
    assert K.get_value(count) == 2.


@covers('gradients')
@pytest.mark.xfail(ENGINE == 'numpy', raises=NotImplementedError, strict=True,
                   reason='NumPy reference has no gradients')
def test_gradients_of_a_quadratic():
    v = K.variable(np.array([1., -2., 3.]))
    w = K.variable(np.array([[1., 2.], [0., 1.], [3., 0.]]))

    def fn(x):
        loss = K.sum(K.square(v)) + K.sum(K.dot(x, w) * 2.)
        grads = K.gradients(loss, [v, w])
        return list(grads), []
    gv, gw = K.compiled_function(fn, [((1, 3), 'float32')])(np.array([[1., 1., 2.]], 'float32'))
    np.testing.assert_allclose(gv, [2., -4., 6.], rtol=1e-6)
    np.testing.assert_allclose(gw, [[2., 2.], [2., 2.], [4., 4.]], rtol=1e-6)


OPTIMIZER_RULES = [
    ('sgd', {'momentum': 0., 'nesterov': False}), ('sgd', {'momentum': 0.9, 'nesterov': False}),
    ('sgd', {'momentum': 0.9, 'nesterov': True}), ('rmsprop', {'rho': 0.9, 'epsilon': 1e-7}),
    ('adagrad', {'epsilon': 1e-7}), ('adadelta', {'rho': 0.95, 'epsilon': 1e-7}),
    ('adam', {'beta_1': 0.9, 'beta_2': 0.999, 'epsilon': 1e-7, 'amsgrad': False}),
    ('adam', {'beta_1': 0.9, 'beta_2': 0.999, 'epsilon': 1e-7, 'amsgrad': True})]


@covers('optimizer_step')
@pytest.mark.parametrize('method,config', OPTIMIZER_RULES,
                         ids=['%s-%d' % (m, i) for i, (m, _) in enumerate(OPTIMIZER_RULES)])
def test_optimizer_step_equals_the_generic_rule(method, config):
    """The engine's optimizer_step (maybe a fused fast path) gives the generic rule's
    values (same engine) to 1e-6, and the NumPy reference's, over two steps."""
    from minikeras.backend import generic
    rng = np.random.RandomState(7)
    shapes = [(5, 4), (4,)]
    p0 = [rng.randn(*s).astype('float32') for s in shapes]
    grads = [[rng.randn(*s).astype('float32') for s in shapes] for _ in range(2)]
    slot0 = [[np.abs(rng.randn(*s)).astype('float32') for s in shapes]
             for _ in range({'adam': 3, 'adadelta': 2}.get(method, 1))]

    def run(step):
        params = [K.variable(v) for v in p0]
        slots = [[K.variable(v) for v in kind] for kind in slot0]
        rate = K.variable(np.float32(0.01))

        def fn(*gs):
            new_p, new_s = step(method, params, list(gs), slots, rate * 2., config)
            updates = [(s, v) for kind, values in zip(slots, new_s)
                       for s, v in zip(kind, values) if v is not s]
            return list(new_p), updates + list(zip(params, new_p))
        f = K.compiled_function(fn, [(s, 'float32') for s in shapes])
        for g in grads:
            f(*g)
        return [K.get_value(p) for p in params] + [K.get_value(s) for kind in slots
                                                   for s in kind]
    fast = run(K.optimizer_step)
    plain = run(lambda *args: generic.optimizer_step(K._engine, *args))
    p, s = [v.copy() for v in p0], [[v.copy() for v in kind] for kind in slot0]
    for g in grads:
        p, s = generic.optimizer_step(R, method, p, g, s, np.float32(0.02), config)
    for got, same, want in zip(fast, plain, p + [v for kind in s for v in kind]):
        np.testing.assert_allclose(got, same, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@covers('lstm')
@pytest.mark.parametrize('go_backwards,use_bias', [(False, True), (True, False)])
def test_lstm_equals_the_generic_loop(go_backwards, use_bias):
    """K.lstm (maybe a fused kernel) gives the generic loop's outputs, states and (where
    the engine differentiates) gradients to 1e-5, and the NumPy reference's outputs."""
    from minikeras.backend import generic
    rng = np.random.RandomState(5)
    x = rng.randn(3, 6, 4).astype('float32')
    h0, c0 = [rng.randn(3, 5).astype('float32') * 0.5 for _ in range(2)]
    weights = [rng.randn(4, 20).astype('float32') * 0.4, rng.randn(5, 20).astype('float32') * 0.4,
               rng.randn(20).astype('float32') * 0.4]
    with_grads = ENGINE != 'numpy'     # the NumPy reference has no gradients

    def run(lstm):
        w = [K.variable(v) for v in weights]

        def fn(xs, h, c):
            last, seq, states = lstm(xs, [h, c], w[0], w[1], w[2] if use_bias else None,
                                     go_backwards)
            outs = [last, seq] + list(states)
            if with_grads:
                loss = K.sum(seq * seq) + K.sum(states[1])
                outs += K.gradients(loss, w[:3] if use_bias else w[:2])
            return outs, []
        return K.compiled_function(fn, [((3, 6, 4), 'float32'), ((3, 5), 'float32'),
                                        ((3, 5), 'float32')])(x, h0, c0)
    fast = run(K.lstm)
    plain = run(lambda *args: generic.lstm(K._engine, *args))
    want = generic.lstm(R, x, [h0, c0], weights[0], weights[1],
                        weights[2] if use_bias else None, go_backwards)
    for got, same in zip(fast, plain):
        np.testing.assert_allclose(got, same, rtol=1e-5, atol=1e-5)
    for got, ref in zip(fast, [want[0], want[1]] + list(want[2])):
        np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5)


@covers('engine_info')
def test_engine_info_lists_unsupported_ops():
    info = K.engine_info()
    assert info['name'] == ENGINE
    assert sorted(info['unsupported']) == K.unsupported_ops()


# --- data-parallel training (generic MPI defaults unless the engine has its own) --------

@covers('distributed_runtime', 'launch_plan', 'make_communicator')
def test_distributed_runtime_and_launch_plan():
    runtime = K.distributed_runtime()
    assert runtime in ('mpi', 'tf.distribute', 'cntk.mpi', 'mxnet.kvstore')
    plan = K.launch_plan(2, None, ['python', 'train.py'], {'MINIKERAS_DIST_WORLD_SIZE': '2'})
    assert plan and all(len(spec) == 3 for spec in plan)
    assert sorted(r for _, _, ranks in plan for r in ranks) == [0, 1]
    assert all(argv[-2:] == ['python', 'train.py'] for argv, _, _ in plan)
    assert callable(K.make_communicator)   # needs a started job: tests/distribute/


@covers('data_parallel_step')
def test_data_parallel_step_with_one_worker_applies_the_gradients():
    from minikeras.distribute import LocalCommunicator
    v = K.variable(np.array([1., 2.], dtype='float32'))

    def grad_step(x):
        return [K.sum(x)], [K.sum(x, axis=0) * 2.], []

    def apply_step(g):
        return [K.update(v, v - g)]
    step = K.data_parallel_step(grad_step, apply_step, [((None, 2), 'float32')],
                                LocalCommunicator())
    out = step(np.array([[1., 3.]], dtype='float32'))
    np.testing.assert_allclose(out[0], 4.)
    np.testing.assert_allclose(K.get_value(v), [-1., -4.])


@covers('device_replicas')
def test_device_replicas_answers_or_refuses_clearly():
    try:
        K.device_replicas(2, True, False)
    except (NotImplementedError, ValueError) as e:
        assert 'gpus' in str(e) or 'GPU' in str(e)


# --- coverage -----------------------------------------------------------------------

def test_every_contract_op_has_a_case():
    from tests.backend.test_ops_loops_ctc import COVERED as loops_ctc
    covered = set(DIRECTLY_TESTED) | loops_ctc
    for group in GROUPS:
        covered |= group.ops()
    unknown = sorted(covered - set(CONTRACT))
    assert not unknown, 'cases name ops that are not in the contract: %s' % unknown
    missing = [op for op in CONTRACT if op not in covered]
    assert not missing, 'contract ops without a test case: %s' % missing
