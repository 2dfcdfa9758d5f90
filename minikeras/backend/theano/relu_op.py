"""Theano adapter: ReLU as one elementwise scalar op whose gradient reads the output.

``maximum(x, 0)`` differentiates through ``eq(maximum(x, 0), x)``, so the training graph
keeps ``x`` alive next to the output, cannot compute in place, and Theano leaves the
ReLU (and often the bias add before it) as separate passes over fresh buffers: 12 of a
175 ms MNIST CNN step went to one such pass. ``_relu(x)`` is one scalar op: it fuses with
the bias add into a single in-place loop, and its gradient ``y > 0 ? g : 0`` reads only the
output ``y`` and fuses with whatever consumes it. The gradient at exactly 0 is 0, as on
TensorFlow; NaN stays NaN.
"""
import importlib

import numpy as np

from minikeras.backend.theano._impl import T, th

_S = importlib.import_module(th.__name__ + '.scalar')


def _relu_numpy(x):
    """What the Python linker (``mode=FAST_COMPILE``) runs instead of the C code."""
    x = np.asarray(x)
    return np.where(x < 0, np.zeros((), dtype=x.dtype), x)


class _ReluScalar(_S.UnaryScalarOp):
    """``x < 0 ? 0 : x`` on one scalar; Elemwise broadcasts and fuses it."""
    nfunc_spec = (__name__ + '._relu_numpy', 1, 1)

    def impl(self, x):
        return _relu_numpy(x)[()]

    def L_op(self, inputs, outputs, output_grads):
        (x,), (y,), (gz,) = inputs, outputs, output_grads
        if not x.type.dtype.startswith(('float', 'complex')):
            return [x.zeros_like(dtype=th.config.floatX)]
        return [_relu_grad_scalar(gz, y)]

    def c_code(self, node, name, inputs, outputs, sub):
        (x,), (z,) = inputs, outputs
        return '%(z)s = %(x)s < 0 ? 0 : %(x)s;' % {'x': x, 'z': z}

    def c_code_cache_version(self):
        return (1,)


def _relu_grad_numpy(gz, y):
    gz = np.asarray(gz)
    return np.where(np.asarray(y) > 0, gz, np.zeros((), dtype=gz.dtype))


class _ReluGradScalar(_S.BinaryScalarOp):
    """``y > 0 ? gz : 0``: the ReLU's gradient from the upstream gradient and the output
    (no broadcast constant, so Theano's contiguous loop applies)."""
    nfunc_spec = (__name__ + '._relu_grad_numpy', 2, 1)

    def impl(self, gz, y):
        return _relu_grad_numpy(gz, y)[()]

    def c_code(self, node, name, inputs, outputs, sub):
        (gz, y), (z,) = inputs, outputs
        return '%(z)s = %(y)s > 0 ? %(gz)s : 0;' % {'gz': gz, 'y': y, 'z': z}

    def c_code_cache_version(self):
        return (1,)


_relu_grad_scalar = _ReluGradScalar(_S.upcast_out, name='minikeras_relu_grad')
_relu_elemwise = T.elemwise.Elemwise(_ReluScalar(_S.same_out, name='minikeras_relu'))


def _relu(x):
    """max(x, 0) elementwise, differentiated from its output."""
    return _relu_elemwise(x)
