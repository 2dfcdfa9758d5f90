"""NumPy reference: variables, tensors, shapes, compiled functions.

Tensors are plain ``numpy.ndarray``; variables are ``NumpyVariable`` (a mutable holder
of an ndarray). Every op accepts ndarrays, variables, Python scalars and lists, since
the reference is also run on probe values for symbolic shape inference.
"""
import numpy as np

from minikeras.backend import numpy_like
from minikeras.backend import adapter, state
from minikeras.backend.unsupported import unsupported


class NumpyVariable(numpy_like.ValueHolder):
    """A mutable tensor: ``.value`` (ndarray), ``.name``, ``.constraint``.

    Arithmetic operators and ``numpy.asarray`` see the current value; results are plain
    ndarrays.
    """

    def __array__(self, dtype=None, copy=None):
        if dtype is None:
            return self.value
        return self.value.astype(dtype)

    def __getitem__(self, key):
        return np.asarray(self.value[key])

    def __repr__(self):
        return '<NumpyVariable %r shape=%s dtype=%s>' % (self.name, self.value.shape,
                                                         self.value.dtype.name)

    def __neg__(self):
        return np.asarray(-self.value)

    def __abs__(self):
        return np.asarray(np.abs(self.value))


def _binary(ufunc, reflected=False):
    if reflected:
        def method(self, other):
            return np.asarray(ufunc(_value_of(other), self.value))
    else:
        def method(self, other):
            return np.asarray(ufunc(self.value, _value_of(other)))
    return method


numpy_like.set_operators(NumpyVariable, np, _binary)


def _value_of(x):
    """``x`` ready for numpy: a variable's current value, a list as an array, anything
    else (ndarray, Python or numpy scalar) unchanged so numpy's type rules apply."""
    if isinstance(x, NumpyVariable):
        return x.value
    if isinstance(x, (list, tuple)):
        return np.asarray([_value_of(v) for v in x])
    return x


def _as_array(x):
    """``x`` as an ndarray (variables give their current value, not a copy)."""
    return np.asarray(_value_of(x))


def _float_dtype(dtype):
    return np.dtype(state.floatx() if dtype is None else dtype)


def _shape_tuple(shape):
    """A static shape from a tuple/list of ints or an int array."""
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d) for d in np.asarray(_value_of(shape)).reshape(-1))


def variable(value, dtype=None, name=None, constraint=None):
    if name is None:
        name = 'variable_%d' % state.get_uid('numpy_variable')
    array = np.array(_value_of(value), dtype=_float_dtype(dtype))
    return NumpyVariable(array, name, constraint)


def constant(value, dtype=None, shape=None, name=None):
    array = np.array(_value_of(value), dtype=_float_dtype(dtype))
    if shape is None:
        return array
    return adapter.constant_array(array, _shape_tuple(shape))


def is_tensor(x):
    # numpy arrays are this engine's tensors
    return isinstance(x, (np.ndarray, np.generic, NumpyVariable))


def is_variable(x):
    return isinstance(x, NumpyVariable)


def get_value(x):
    return np.array(_value_of(x))


def set_value(x, value):
    if not isinstance(x, NumpyVariable):
        raise TypeError('set_value: expected a variable made by K.variable, received %r'
                        % (x,))
    value = np.asarray(_value_of(value))
    if value.shape != x.value.shape:
        raise ValueError('set_value: variable %r has shape %s, received a value of shape %s'
                         % (x.name, x.value.shape, value.shape))
    x.value = value.astype(x.value.dtype, copy=True)


def eval(x):
    return np.array(_value_of(x))


def int_shape(x):
    return tuple(int(d) for d in np.shape(_value_of(x)))


def ndim(x):
    return len(np.shape(_value_of(x)))


def dtype(x):
    return _as_array(x).dtype.name


def shape(x):
    return np.array(np.shape(_value_of(x)), dtype='int32')


def count_params(x):
    return int(np.prod(np.shape(_value_of(x)), dtype=np.int64))


def cast(x, dtype):
    return _as_array(x).astype(dtype)


zeros, ones, eye = adapter.filled_variables(
    variable, lambda shape, op: _shape_tuple(shape))


def zeros_like(x, dtype=None, name=None):
    x = _as_array(x)
    return np.zeros(x.shape, dtype=x.dtype if dtype is None else dtype)


def ones_like(x, dtype=None, name=None):
    x = _as_array(x)
    return np.ones(x.shape, dtype=x.dtype if dtype is None else dtype)


def identity(x, name=None):
    return np.array(_value_of(x))


gradients = unsupported('NumPy', 'gradients', 'the reference has no autodiff')


def stop_gradient(variables):
    if isinstance(variables, (list, tuple)):
        return [np.array(_value_of(v)) for v in variables]
    return np.array(_value_of(variables))


# --- random streams -----------------------------------------------------------------
# Eagerly, a random op with a seed uses a fresh RandomState(seed), so the same call
# gives the same values. Inside a compiled function each seeded call site (counted in
# call order) keeps its own stream across calls: every call draws fresh values, and a new
# compiled function of the same code repeats the same sequence.

_unseeded = np.random.RandomState()
_active_streams = []


def _random_state(seed):
    """The RandomState a random op with ``seed`` draws from."""
    if seed is None:
        return _unseeded
    if not _active_streams:
        return np.random.RandomState(seed)
    streams = _active_streams[-1]
    streams['calls'] += 1
    key = (streams['calls'], seed)
    if key not in streams:
        streams[key] = np.random.RandomState(seed)
    return streams[key]


def compiled_function(fn, input_specs, name=None):
    specs = [(tuple(s), d) for s, d in input_specs]
    streams = {'calls': 0}

    def call(*arrays):
        adapter.check_arity(name or getattr(fn, '__name__', ''), specs, arrays)
        tensors = []
        for i, (array, spec) in enumerate(zip(arrays, specs)):
            array = np.asarray(_value_of(array))
            adapter.check_input(i, array, spec)
            tensors.append(array.astype(spec[1] or state.floatx(), copy=False))
        streams['calls'] = 0
        _active_streams.append(streams)
        try:
            outputs, updates = fn(*tensors)
        finally:
            _active_streams.pop()
        results = [np.array(_value_of(o)) for o in outputs]
        new_values = [(var, np.array(_value_of(value))) for var, value in updates]
        for var, value in new_values:
            set_value(var, value)
        return results
    call.__name__ = str(name or 'compiled_function')
    return call


def engine_info():
    return adapter.describe(__package__, 'numpy', 'numpy', np.__version__)
