"""TensorFlow adapter: variables, tensors, shapes, gradients, engine info."""
import numpy as np

from minikeras.backend import adapter
from minikeras.backend.symbolic import KerasTensor as _KerasTensor
from minikeras.backend.tensorflow._tf import tf, _tf_dtype, _is_tf, _to_tensor, _static_shape
from tensorflow.python.ops.resource_variable_ops import ResourceVariable as _ResourceVariable


class _Variable(_ResourceVariable):
    """The variables ``K.variable`` makes: a ``tf.Variable`` whose operators let
    KerasTensors handle ``variable <op> keras_tensor`` (so the op is recorded
    symbolically). TensorFlow's own operators would compute it at once with a snapshot
    of the variable's current value, freezing that value into the recorded graph."""


def _deferring(name):
    base = getattr(_ResourceVariable, name)

    def method(self, other, *args, **kwargs):
        if isinstance(other, _KerasTensor):
            return NotImplemented
        return base(self, other, *args, **kwargs)
    method.__name__ = name
    method.__doc__ = base.__doc__
    return method


for _name in ('__add__', '__radd__', '__sub__', '__rsub__', '__mul__', '__rmul__',
              '__truediv__', '__rtruediv__', '__floordiv__', '__rfloordiv__', '__mod__',
              '__rmod__', '__pow__', '__rpow__', '__matmul__', '__rmatmul__', '__lt__',
              '__le__', '__gt__', '__ge__', '__and__', '__rand__', '__or__', '__ror__',
              '__xor__', '__rxor__'):
    setattr(_Variable, _name, _deferring(_name))
del _name


def _variable_name(name):
    if name is None:
        return None
    # tf.Variable appends ':0'; keep the rest of the user's name as it is.
    return str(name)


def variable(value, dtype=None, name=None, constraint=None):
    if constraint is not None and not callable(constraint):
        raise TypeError('variable: constraint must be callable or None, received %r'
                        % (constraint,))
    dt = _tf_dtype(dtype)
    if _is_tf(value):
        if not tf.executing_eagerly() and not isinstance(value, tf.Variable):
            raise ValueError('variable: the initial value %r is a symbolic tensor of a traced '
                             'function; give a numpy array (variables hold concrete values '
                             'and are created outside compiled functions)' % (value,))
        with tf.init_scope():
            initial = _numpy(value, 'variable').astype(dt.as_numpy_dtype)
    else:
        initial = np.asarray(value, dtype=dt.as_numpy_dtype)
    # init_scope: a variable made while a function is being traced still lives outside
    # it (created eagerly, captured by the graph), like one made before.
    with tf.init_scope():
        v = _Variable(initial, dtype=dt, name=_variable_name(name), constraint=constraint,
                      trainable=True)
    return v


def constant(value, dtype=None, shape=None, name=None):
    dt = _tf_dtype(dtype)
    if _is_tf(value):
        value = tf.cast(value, dt)
        return tf.broadcast_to(value, shape) if shape is not None else tf.identity(value)
    if shape is not None:
        arr = np.asarray(value, dtype=dt.as_numpy_dtype)
        if arr.size == 1:
            arr = np.full(tuple(shape), arr.reshape(()), dtype=dt.as_numpy_dtype)
        elif arr.shape != tuple(shape):
            try:
                arr = np.broadcast_to(arr, tuple(shape)).copy()
            except ValueError:
                raise ValueError('constant: value of shape %s cannot fill shape %s'
                                 % (arr.shape, tuple(shape)))
        return tf.constant(arr, dtype=dt)
    return tf.constant(np.asarray(value, dtype=dt.as_numpy_dtype), dtype=dt)


def is_tensor(x):
    return _is_tf(x)


def is_variable(x):
    return isinstance(x, tf.Variable)


def _numpy(x, what):
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, tf.Variable):
        with tf.init_scope():
            return x.numpy()
    if _is_tf(x):
        try:
            return x.numpy()
        except (AttributeError, NotImplementedError, TypeError):
            raise RuntimeError('%s: %r is a symbolic TensorFlow tensor (inside a traced '
                               'function); it has no value outside K.compiled_function'
                               % (what, x))
    return np.asarray(x)


def get_value(x):
    return _numpy(x, 'get_value')


def set_value(x, value):
    if not isinstance(x, tf.Variable):
        raise TypeError('set_value: expected a variable made by K.variable, received %r'
                        % (x,))
    value = np.asarray(value, dtype=x.dtype.as_numpy_dtype)
    want = tuple(x.shape.as_list())
    if value.shape != want:
        raise ValueError('set_value: variable %s has shape %s, received a value of shape %s'
                         % (x.name, want, value.shape))
    x.assign(value)


def eval(x):
    return _numpy(x, 'eval')


def int_shape(x):
    if _is_tf(x):
        shape = _static_shape(x)
        if shape is None:
            raise ValueError('int_shape: tensor %r has unknown rank' % (x,))
        return shape
    return tuple(np.shape(x))


def ndim(x):
    if _is_tf(x):
        return x.shape.rank
    return np.ndim(x)


def dtype(x):
    if _is_tf(x):
        return x.dtype.base_dtype.name
    return np.asarray(x).dtype.name


def shape(x):
    return tf.shape(x, out_type=tf.int32)


def count_params(x):
    shp = int_shape(x)
    if any(d is None for d in shp):
        raise ValueError('count_params: shape %s is not fully known' % (shp,))
    return int(np.prod(shp, dtype=np.int64))


def cast(x, dtype):
    return tf.cast(x, _tf_dtype(dtype))


def _known_shape(shape, op):
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    if _is_tf(shape):
        shape = _numpy(shape, op)
    shape = tuple(np.asarray(shape).reshape(-1).tolist()) if isinstance(shape, np.ndarray) \
        else tuple(shape)
    if any(d is None for d in shape):
        raise ValueError('%s: a variable needs a fully known shape, received %s' % (op, shape))
    return tuple(int(d) for d in shape)


def zeros(shape, dtype=None, name=None):
    dt = _tf_dtype(dtype)
    return variable(np.zeros(_known_shape(shape, 'zeros'), dtype=dt.as_numpy_dtype), dt, name)


def ones(shape, dtype=None, name=None):
    dt = _tf_dtype(dtype)
    return variable(np.ones(_known_shape(shape, 'ones'), dtype=dt.as_numpy_dtype), dt, name)


def eye(size, dtype=None, name=None):
    dt = _tf_dtype(dtype)
    return variable(np.eye(int(size), dtype=dt.as_numpy_dtype), dt, name)


def zeros_like(x, dtype=None, name=None):
    x = _to_tensor(x)
    return tf.zeros_like(x, dtype=_tf_dtype(dtype) if dtype is not None else x.dtype)


def ones_like(x, dtype=None, name=None):
    x = _to_tensor(x)
    return tf.ones_like(x, dtype=_tf_dtype(dtype) if dtype is not None else x.dtype)


def identity(x, name=None):
    return tf.identity(x)


def gradients(loss, variables):
    if tf.executing_eagerly():
        raise RuntimeError('gradients: TensorFlow gradients must be computed inside a '
                           'traced function (K.compiled_function or K.function); '
                           'received an eager loss outside any traced function')
    variables = list(variables)
    grads = tf.gradients(loss, variables,
                         unconnected_gradients=tf.UnconnectedGradients.ZERO)
    out = []
    for g, v in zip(grads, variables):
        if g is None:
            g = tf.zeros_like(v)
        elif isinstance(g, tf.IndexedSlices):
            g = tf.convert_to_tensor(g)
        out.append(g)
    return out


def stop_gradient(variables):
    if isinstance(variables, (list, tuple)):
        return [tf.stop_gradient(v) for v in variables]
    return tf.stop_gradient(variables)


def engine_info():
    return adapter.describe(__package__, 'tensorflow', 'tensorflow', tf.__version__)
