"""Conformance cases of the 3-D / separable 1-D / locally-connected ops (contract
volumes.py), kept here so the shared test files only list them: ``VALUE_GROUPS`` are
``(name, make(dtype) -> arrays, [(op, fn(o, *arrays))], options)`` for test_ops.py,
``GRADIENT_CASES`` are ``(name, float64 inputs, fn(o, *inputs))`` for test_gradients.py.
Shapes are tiny: the Theano lanes run the suite with the Python linker."""
import numpy as np


def _u(seed, shape, dtype='float64'):
    return np.random.RandomState(seed).uniform(-1., 1., shape).astype(dtype)


def _conv3d_inputs(dtype):
    return [_u(200, (2, 4, 5, 3, 2), dtype), _u(201, (2, 3, 2, 2, 3), dtype),
            _u(202, (2, 2, 4, 5, 3), dtype), _u(203, (3, 2, 2, 3, 2), dtype),
            _u(204, (2, 2, 2, 2, 3), dtype), _u(205, (3, 2, 2, 2, 2), dtype)]


CONV3D = ('conv3d', _conv3d_inputs, [
    ('conv3d', lambda o, x, k, xf, kt, *r: o.conv3d(x, k, data_format='channels_last')),
    ('conv3d:same strides', lambda o, x, k, xf, kt, *r: o.conv3d(
        x, k, (2, 2, 1), 'same', 'channels_last')),
    ('conv3d:dilation', lambda o, x, k, xf, kt, *r: o.conv3d(
        x, r[0], (1, 1, 1), 'valid', 'channels_last', (1, 2, 1))),
    ('conv3d:channels_first', lambda o, x, k, xf, kt, *r: o.conv3d(
        xf, k, (1, 1, 1), 'same', 'channels_first')),
    ('conv3d_transpose', lambda o, x, k, xf, kt, *r: o.conv3d_transpose(
        x, kt, (2, 6, 6, 4, 3), data_format='channels_last')),
    ('conv3d_transpose:None batch same strides', lambda o, x, k, xf, kt, *r: o.conv3d_transpose(
        x, kt, (None, 8, 10, 6, 3), (2, 2, 2), 'same', 'channels_last')),
    ('conv3d_transpose:channels_first', lambda o, x, k, xf, kt, *r: o.conv3d_transpose(
        xf, r[1], (2, 2, 6, 6, 4), (1, 1, 1), 'valid', 'channels_first')),
    ('pool3d', lambda o, x, k, xf, kt, *r: o.pool3d(x, (2, 2, 2), (2, 2, 2),
                                                data_format='channels_last')),
    ('pool3d:avg same', lambda o, x, k, xf, kt, *r: o.pool3d(x, (2, 3, 2), (2, 2, 1), 'same',
                                                         'channels_last', 'avg')),
    ('pool3d:max same', lambda o, x, k, xf, kt, *r: o.pool3d(x, (3, 2, 2), (1, 2, 2), 'same',
                                                         'channels_last', 'max')),
    ('pool3d:channels_first avg', lambda o, x, k, xf, kt, *r: o.pool3d(
        xf, (2, 2, 2), (1, 2, 2), 'valid', 'channels_first', 'avg')),
    ('resize_volumes', lambda o, x, k, xf, kt, *r: o.resize_volumes(x, 2, 1, 3, 'channels_last')),
    ('resize_volumes:channels_first', lambda o, x, k, xf, kt, *r: o.resize_volumes(
        xf, 1, 2, 2, 'channels_first')),
    ('spatial_3d_padding', lambda o, x, k, xf, kt, *r: o.spatial_3d_padding(x)),
    ('spatial_3d_padding:channels_first', lambda o, x, k, xf, kt, *r: o.spatial_3d_padding(
        xf, ((0, 1), (2, 0), (1, 1)), 'channels_first')),
], dict(dynamic_batch=False, tol={'float32': dict(rtol=1e-5, atol=3e-5)}))


def _local_inputs(dtype):
    return [_u(210, (2, 7, 3), dtype), _u(211, (2, 3, 2), dtype), _u(212, (1, 6, 4), dtype),
            _u(213, (3, 6, 4), dtype), _u(214, (2, 5, 4, 2), dtype),
            _u(215, (4, 12, 3), dtype), _u(216, (2, 2, 5, 4), dtype)]


LOCAL = ('separable_conv1d and local_conv', _local_inputs, [
    ('separable_conv1d', lambda o, x, dk, pk, k1, x2, k2, x2f: o.separable_conv1d(
        x, dk, pk, data_format='channels_last')),
    ('separable_conv1d:same stride 2', lambda o, x, dk, pk, k1, x2, k2, x2f:
        o.separable_conv1d(x, dk, pk, 2, 'same', 'channels_last')),
    ('separable_conv1d:dilation', lambda o, x, dk, pk, k1, x2, k2, x2f: o.separable_conv1d(
        x, dk, pk, 1, 'valid', 'channels_last', 2)),
    ('separable_conv1d:channels_first', lambda o, x, dk, pk, k1, x2, k2, x2f:
        o.separable_conv1d(o.permute_dimensions(x, (0, 2, 1)), dk, pk, 1, 'same',
                           'channels_first')),
    ('local_conv1d', lambda o, x, dk, pk, k1, x2, k2, x2f: o.local_conv1d(
        x, k1, (2,), (2,), 'channels_last')),
    ('local_conv2d', lambda o, x, dk, pk, k1, x2, k2, x2f: o.local_conv2d(
        x2, k2, (2, 3), (2, 1), (2, 2), 'channels_last')),
    ('local_conv2d:channels_first', lambda o, x, dk, pk, k1, x2, k2, x2f: o.local_conv2d(
        x2f, k2, (2, 3), (2, 1), (2, 2), 'channels_first')),
], dict(dynamic_batch=False, tol={'float32': dict(rtol=1e-5, atol=3e-5)}))

VALUE_GROUPS = [CONV3D, LOCAL]


GRADIENT_CASES = [
    ('conv3d same strides', [_u(220, (1, 3, 4, 3, 2)), _u(221, (2, 2, 2, 2, 2))],
     lambda o, x, k: o.conv3d(x, k, (2, 1, 2), 'same', 'channels_last')),
    ('conv3d channels_first', [_u(222, (1, 2, 3, 3, 3)), _u(223, (2, 2, 1, 2, 2))],
     lambda o, x, k: o.conv3d(x, k, (1, 1, 1), 'valid', 'channels_first')),
    ('conv3d_transpose', [_u(224, (1, 2, 2, 2, 2)), _u(225, (2, 2, 2, 2, 2))],
     lambda o, x, k: o.conv3d_transpose(x, k, (1, 4, 4, 3, 2), (2, 2, 2), 'same',
                                        'channels_last')),
    ('pool3d max', [_u(226, (1, 3, 4, 3, 2))],
     lambda o, x: o.pool3d(x, (2, 2, 2), (2, 2, 2), 'same', 'channels_last', 'max')),
    ('pool3d avg channels_first', [_u(227, (1, 2, 3, 4, 3))],
     lambda o, x: o.pool3d(x, (2, 2, 2), (1, 2, 2), 'same', 'channels_first', 'avg')),
    ('resize_volumes', [_u(228, (1, 2, 2, 2, 2))],
     lambda o, x: o.resize_volumes(x, 2, 1, 2, 'channels_last')),
    ('spatial_3d_padding', [_u(229, (1, 2, 2, 2, 2))],
     lambda o, x: o.spatial_3d_padding(x, ((1, 0), (0, 1), (1, 1)), 'channels_first')),
    ('separable_conv1d', [_u(230, (1, 5, 2)), _u(231, (2, 2, 2)), _u(232, (1, 4, 3))],
     lambda o, x, d, p: o.separable_conv1d(x, d, p, 1, 'same', 'channels_last')),
    ('local_conv1d', [_u(233, (2, 5, 2)), _u(234, (2, 4, 3))],
     lambda o, x, k: o.local_conv1d(x, k, (2,), (2,), 'channels_last')),
    ('local_conv2d channels_first', [_u(235, (1, 2, 3, 3)), _u(236, (4, 8, 2))],
     lambda o, x, k: o.local_conv2d(x, k, (2, 2), (1, 1), (2, 2), 'channels_first')),
]
