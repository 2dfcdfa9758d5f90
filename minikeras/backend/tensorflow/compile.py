"""TensorFlow adapter: ``compiled_function``, the training primitive.

``fn`` is traced once by ``tf.function`` with an ``input_signature`` built from the
specs (``None`` dimensions stay unknown, so a smaller last batch does not retrace).
Updates are applied with ``assign`` after every output and every new value has been
computed (Keras 2 semantics: all new values are computed from pre-update values).
"""
import re

import numpy as np

from minikeras.backend import adapter
from minikeras.backend.tensorflow._tf import tf, _tf_dtype, _to_tensor
from minikeras.backend.tensorflow.fused import _written_in_place


def _spec(i, spec):
    shape, dtype = adapter.input_spec(i, spec)
    return shape, _tf_dtype(dtype)


def _graph_name(name):
    cleaned = re.sub(r'[^A-Za-z0-9_]', '_', str(name or 'minikeras_function'))
    if not cleaned or not (cleaned[0].isalpha() or cleaned[0] == '_'):
        cleaned = 'f_' + cleaned
    return cleaned


def _as_output(x, i):
    if isinstance(x, tf.Variable):
        return tf.identity(x)
    try:
        return _to_tensor(x)
    except (TypeError, ValueError) as e:
        raise TypeError('compiled_function: output %d is not a tensor (%r): %s' % (i, x, e))


def _as_update(i, update):
    var, value = adapter.update_pair('compiled_function', i, update)
    if not isinstance(var, tf.Variable):
        raise TypeError('compiled_function: update %d targets %r, which is not a variable '
                        'made by K.variable' % (i, var))
    if isinstance(value, tf.Variable):
        value = tf.identity(value)
    elif isinstance(value, tf.Tensor):
        if value.dtype.base_dtype != var.dtype.base_dtype:
            raise TypeError('compiled_function: update of variable %s (dtype %s) received a '
                            'new value of dtype %s; cast it with K.cast'
                            % (var.name, var.dtype.name, value.dtype.name))
    else:
        value = _to_tensor(value, var.dtype.base_dtype)
    if not value.shape.is_compatible_with(var.shape):
        raise ValueError('compiled_function: update of variable %s (shape %s) received a new '
                         'value of shape %s' % (var.name, var.shape, value.shape))
    return var, value


class CompiledFunction(object):
    """``f(*arrays) -> list of numpy arrays``: one call of a traced ``tf.function``."""

    def __init__(self, fn, input_specs, name=None):
        if not callable(fn):
            raise TypeError('compiled_function: fn must be callable, received %r' % (fn,))
        self.specs = [_spec(i, s) for i, s in enumerate(input_specs)]
        self.name = name
        self._np_dtypes = [dt.as_numpy_dtype for _, dt in self.specs]
        self._fn = fn

        def step(*tensors):
            result = fn(*tensors)
            try:
                outputs, updates = result
            except (TypeError, ValueError):
                raise TypeError('compiled_function: fn must return (outputs, updates), '
                                'received %r' % (result,))
            if outputs is None:
                outputs = []
            elif not isinstance(outputs, (list, tuple)):
                raise TypeError('compiled_function: fn must return a list of outputs, '
                                'received %r' % (outputs,))
            outs = [_as_output(x, i) for i, x in enumerate(outputs)]
            pairs = [_as_update(i, u) for i, u in enumerate(updates or [])]
            # values that a fused optimizer kernel has already written (fused.py)
            pairs = [(var, value) for var, value in pairs
                     if not _written_in_place(var, value)]
            if pairs:
                with tf.control_dependencies(outs + [v for _, v in pairs]):
                    for var, value in pairs:
                        var.assign(value, read_value=False)
            return outs

        step.__name__ = _graph_name(name)
        signature = [tf.TensorSpec(shape, dt, name='input_%d' % i)
                     for i, (shape, dt) in enumerate(self.specs)]
        self.tf_function = tf.function(step, input_signature=signature, autograph=False,
                                       jit_compile=False)
        self._concrete = None

    def _check(self, i, a):
        shape, dt = self.specs[i]
        a = np.asarray(a)
        if a.dtype != self._np_dtypes[i]:
            a = a.astype(self._np_dtypes[i])
        if a.ndim != len(shape) or any(d is not None and d != n for d, n in zip(shape, a.shape)):
            raise ValueError('compiled function %s: input %d should have shape %s, received '
                             'an array of shape %s'
                             % (self.name or '', i, shape, a.shape))
        return a

    def __call__(self, *arrays):
        if len(arrays) != len(self.specs):
            raise ValueError('compiled function %s expects %d inputs, received %d'
                             % (self.name or '', len(self.specs), len(arrays)))
        args = [a if isinstance(a, tf.Tensor) else self._check(i, a)
                for i, a in enumerate(arrays)]
        return self.unchecked(*args)

    def unchecked(self, *arrays):
        """The call for arrays already of the specs' dtypes and shapes (no checks)."""
        if self._concrete is None:
            self._concrete = self.tf_function.get_concrete_function()
        return [o.numpy() for o in self._concrete(*arrays)]


def compiled_function(fn, input_specs, name=None):
    return CompiledFunction(fn, input_specs, name)
