"""CNTK 2.7 adapter: tensors, variables, dtypes and the core contract ops.

Design (see docs/DESIGN.md): CNTK graphs are built with *static* shapes only. Compiled
functions create ``input_variable``s without dynamic axes, with the concrete shape of the
arrays they receive (one graph per distinct input-shape tuple), so every op here is an
ordinary tensor op on fully known shapes; ``shape(x)`` is a constant.

Engine values are wrapped in ``CntkTensor`` (a CNTK Function/Variable plus the minikeras
dtype, since CNTK computes in float only: integer and bool tensors are stored as floats
and converted back when values leave the engine) and ``CntkVariable`` (a ``C.parameter``
with ``name``, ``constraint`` and ``trainable``). The wrappers give CNTK values numpy
semantics for Python operators and indexing (``x[:, 0]`` drops the axis; CNTK's own
indexing keeps it).
"""
import os
import sys
import warnings

import numpy as np

from minikeras.backend import adapter, state


def _silenced_stderr(fn):
    """Run ``fn`` with file descriptor 2 sent to /dev/null (CNTK's C++ side prints
    'Selected CPU as the process wide default device.' when it first picks a device)."""
    try:
        sys.stderr.flush()
    except Exception:  # stderr may be closed or replaced
        pass
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        return fn()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _import_cntk():
    with warnings.catch_warnings():
        # CNTK warns at import about the Linux distribution and missing GPU libraries.
        warnings.simplefilter('ignore')
        import cntk
    _silenced_stderr(cntk.device.use_default_device)
    return cntk


C = _import_cntk()

_FLOAT_STORAGE = ('float32', 'float64')
_TENSOR_NODES = (C.Function, C.variables.Variable, C.variables.Parameter,
                 C.variables.Constant)


# --- dtypes ---------------------------------------------------------------------------

def _dtype_name(dtype):
    """A numpy dtype name from a dtype-like (None means floatx)."""
    if dtype is None:
        return state.floatx()
    try:
        return np.dtype(dtype).name
    except TypeError:
        raise TypeError('CNTK backend: %r is not a dtype (expected a name such as '
                        "'float32' or 'int32')" % (dtype,))


def _storage_of(dtype):
    """The float dtype CNTK computes a minikeras dtype in (CNTK is float-only: integer and
    bool tensors live in floatx, or float32 when floatx is float16)."""
    name = _dtype_name(dtype)
    if name in _FLOAT_STORAGE:
        return name
    fx = state.floatx()
    return fx if fx in _FLOAT_STORAGE else 'float32'


def _is_float(dtype):
    return _dtype_name(dtype).startswith('float')


def _is_int(dtype):
    return np.dtype(dtype).kind in 'iu'


# --- wrappers -------------------------------------------------------------------------

def _math_method(op, reflected=False):
    """A CntkTensor operator: ``cntk.math.<op>(self, other)`` (reflected: (other, self)).
    The math module is looked up at call time: it imports this one."""
    def method(self, other):
        fn = getattr(_math(), op)
        return fn(other, self) if reflected else fn(self, other)
    method.__name__ = method.__qualname__ = '%s%s' % ('r' if reflected else '', op)
    return method


class CntkTensor(object):
    """A CNTK graph value with a minikeras dtype and numpy-style operators."""

    __array_priority__ = 1000  # numpy defers binary operators to us

    def __init__(self, node, dtype=None, keras_shape=None):
        self.node = node
        self._dtype = _dtype_name(dtype if dtype is not None else
                                 np.dtype(node.dtype).name)
        self._keras_shape = keras_shape

    @property
    def shape(self):
        if self._keras_shape is not None:
            return self._keras_shape
        return tuple(int(d) for d in self.node.shape)

    @property
    def static_shape(self):
        return tuple(int(d) for d in self.node.shape)

    @property
    def dtype(self):
        return np.dtype(self._dtype)

    @property
    def ndim(self):
        return len(self.node.shape)

    @property
    def name(self):
        return getattr(self.node, 'name', '')

    def __len__(self):
        return self.static_shape[0]

    def __bool__(self):
        raise TypeError('a CNTK tensor has no truth value; evaluate it first')

    __nonzero__ = __bool__

    def __repr__(self):
        return '<CntkTensor shape=%s dtype=%s>' % (self.shape, self._dtype)

    # operators, with numpy semantics: the math module's ops
    __add__, __radd__ = _math_method('add'), _math_method('add', reflected=True)
    __sub__, __rsub__ = _math_method('subtract'), _math_method('subtract', reflected=True)
    __mul__, __rmul__ = _math_method('multiply'), _math_method('multiply', reflected=True)
    __truediv__ = _math_method('divide')
    __rtruediv__ = _math_method('divide', reflected=True)
    __div__, __rdiv__ = __truediv__, __rtruediv__
    __pow__ = _math_method('pow')
    __lt__, __le__ = _math_method('less'), _math_method('less_equal')
    __gt__, __ge__ = _math_method('greater'), _math_method('greater_equal')
    __matmul__ = _math_method('dot')
    __getitem__ = _math_method('_getitem')

    def __rpow__(self, base):
        return _math().exp(_math().multiply(self, float(np.log(base))))

    def __neg__(self):
        return _math().negative(self)

    def __abs__(self):
        return _math().abs(self)

    __hash__ = object.__hash__


class CntkVariable(CntkTensor):
    """A mutable variable: a ``C.parameter`` plus ``name``, ``constraint``, ``trainable``."""

    def __init__(self, node, dtype, name, constraint=None):
        CntkTensor.__init__(self, node, dtype)
        self._name = name
        self.constraint = constraint
        self.trainable = True

    @property
    def name(self):
        return self._name

    def __repr__(self):
        return '<CntkVariable %r shape=%s dtype=%s>' % (self._name, self.shape, self._dtype)


def _math():
    from minikeras.backend.cntk import math
    return math


# --- conversions ----------------------------------------------------------------------

def _to_tensor(x, dtype=None):
    """``x`` as a CntkTensor: engine tensors pass through; numpy arrays, Python numbers and
    lists become constants (of ``dtype`` if given, else their own dtype, with Python
    floats as floatx)."""
    if isinstance(x, CntkTensor):
        return x
    if isinstance(x, _TENSOR_NODES):
        return CntkTensor(x)
    if hasattr(x, 'shape') and hasattr(x, 'dtype') and not isinstance(x, np.ndarray) \
            and not isinstance(x, np.generic):
        raise TypeError('CNTK backend: expected a CNTK tensor, numpy array or number, '
                        'received %r' % (x,))
    array = np.asarray(x)
    if dtype is None:
        if array.dtype.kind == 'f' and not isinstance(x, (np.ndarray, np.generic)):
            dtype = state.floatx()
        elif array.dtype.kind in 'iub' or array.dtype.kind == 'f':
            dtype = array.dtype.name
        else:
            raise TypeError('CNTK backend: cannot make a tensor from %r (dtype %s)'
                            % (x, array.dtype))
    dtype = _dtype_name(dtype)
    return CntkTensor(C.constant(array.astype(_storage_of(dtype))), dtype)


def _to_numpy(value, dtype):
    """A value that left the engine, in minikeras dtype ``dtype``."""
    value = np.asarray(value)
    name = _dtype_name(dtype)
    if name == 'bool':
        return value != 0
    if _is_int(name):
        return np.round(value).astype(name)
    return value.astype(name, copy=False)


def _eval_node(node, feed=None):
    """Evaluate a CNTK Function or Variable that needs no (other) inputs."""
    if isinstance(node, (C.variables.Parameter, C.variables.Constant)):
        return np.array(node.value)
    if not isinstance(node, C.Function):
        node = C.combine([node])
    if node.arguments and not feed:
        raise ValueError('CNTK backend: the tensor depends on inputs %s; it can only be '
                         'computed inside K.function / K.compiled_function'
                         % ', '.join(a.name or str(a) for a in node.arguments))
    result = node.eval(feed or {})
    if isinstance(result, dict):
        result = list(result.values())[0]
    return np.array(result)


def _static_int_values(x, what):
    """Python ints from a shape-like ``x``: ints, a list/tuple of ints (or of scalar
    tensors), or an int tensor that depends on no input (shapes are static here)."""
    if isinstance(x, (int, np.integer)):
        return (int(x),)
    if isinstance(x, (list, tuple)):
        out = []
        for d in x:
            if isinstance(d, (CntkTensor,) + _TENSOR_NODES):
                out.extend(int(round(v)) for v in np.ravel(_eval_node(_to_tensor(d).node)))
            elif d is None:
                raise ValueError('CNTK backend: %s contains None; expected known sizes, '
                                 'received %r' % (what, x))
            else:
                out.append(int(d))
        return tuple(out)
    if isinstance(x, (CntkTensor,) + _TENSOR_NODES):
        return tuple(int(round(v)) for v in np.ravel(_eval_node(_to_tensor(x).node)))
    return tuple(int(v) for v in np.ravel(np.asarray(x)))


# --- core contract ops ----------------------------------------------------------------

def variable(value, dtype=None, name=None, constraint=None):
    if isinstance(value, CntkTensor):
        value = get_value(value) if isinstance(value, CntkVariable) else eval(value)
    name_dtype = _dtype_name(dtype)
    array = np.array(value, dtype=name_dtype)
    if name is None:
        name = 'variable_%d' % state.get_uid('cntk_variable')
    storage = _storage_of(name_dtype)
    node = C.parameter(shape=array.shape, init=array.astype(storage), dtype=np.dtype(storage),
                       name=str(name))
    return CntkVariable(node, name_dtype, str(name), constraint)


def constant(value, dtype=None, shape=None, name=None):
    if isinstance(value, CntkTensor):
        value = eval(value)
    name_dtype = _dtype_name(dtype)
    array = np.array(value, dtype=name_dtype)
    if shape is not None:
        shape = _static_int_values(shape, 'constant shape')
        array = adapter.constant_array(array, shape)
    return CntkTensor(C.constant(array.astype(_storage_of(name_dtype)), name=str(name or '')),
                      name_dtype)


def is_tensor(x):
    return isinstance(x, CntkTensor)


def is_variable(x):
    return isinstance(x, CntkVariable)


def get_value(x):
    if isinstance(x, CntkTensor):
        return _to_numpy(_eval_node(x.node), x._dtype)
    raise TypeError('get_value: expected a CNTK variable or tensor, received %r' % (x,))


def set_value(x, value):
    if not isinstance(x, CntkVariable):
        raise TypeError('set_value: expected a variable made by K.variable, received %r'
                        % (x,))
    if isinstance(value, CntkTensor):
        value = eval(value)
    value = np.asarray(value)
    if value.shape != x.static_shape:
        raise ValueError('set_value: variable %r has shape %s, received a value of shape %s'
                         % (x.name, x.static_shape, value.shape))
    _write(x.node, value)


_SCALAR_WRITERS = {}   # parameter uid -> (input, assign graph) for 0-d writes


def _write(parameter, value):
    """Store numpy ``value`` in a ``C.parameter`` (CNTK turns a 0-d array into shape (1,)
    on the way in, so scalars go through a tiny assign graph, made once per parameter:
    a training step writes its metrics' running totals this way, 0.06 ms per write
    against 0.26 ms for a new graph)."""
    value = np.array(value, dtype=np.dtype(parameter.dtype), order='C')
    if value.ndim:
        parameter.value = value
        return
    writer = _SCALAR_WRITERS.get(parameter.uid)
    if writer is None:
        if len(_SCALAR_WRITERS) > 512:   # (each holds its parameter alive)
            _SCALAR_WRITERS.clear()
        source = C.input_variable(shape=(), dtype=value.dtype, dynamic_axes=[])
        writer = _SCALAR_WRITERS[parameter.uid] = (source, C.assign(parameter, source))
    writer[1].eval({writer[0]: value})


def eval(x):
    if isinstance(x, CntkTensor):
        return _to_numpy(_eval_node(x.node), x._dtype)
    raise TypeError('eval: expected a CNTK tensor, received %r' % (x,))


def int_shape(x):
    if isinstance(x, CntkTensor):
        return x.shape
    return tuple(int(d) for d in np.shape(x))


def ndim(x):
    return len(int_shape(x))


def dtype(x):
    if isinstance(x, CntkTensor):
        return x._dtype
    return np.asarray(x).dtype.name


def shape(x):
    dims = _to_tensor(x).static_shape
    return CntkTensor(C.constant(np.array(dims, dtype=_storage_of('int32'))), 'int32')


def count_params(x):
    return int(np.prod(_to_tensor(x).static_shape, dtype=np.int64))


def cast(x, dtype):
    x = _to_tensor(x)
    target = _dtype_name(dtype)
    storage = _storage_of(target)
    node = x.node
    if target == 'bool':
        node = C.not_equal(node, 0)
    elif _is_int(target) and not (_is_int(x._dtype) or x._dtype == 'bool'):
        node = C.element_times(_sign(node), C.floor(C.abs(node)))  # toward zero, like TF
    if np.dtype(node.dtype).name != storage:
        node = C.cast(node, np.dtype(storage))
    return CntkTensor(node, target)


def _sign(node):
    return C.minus(C.greater(node, 0), C.less(node, 0))


def _filled(shape_, value, dtype):
    name = _dtype_name(dtype)
    array = np.full(shape_, value, dtype=_storage_of(name))
    return array, name


zeros, ones, eye = adapter.filled_variables(
    variable, lambda shape, op: _static_int_values(shape, op + ' shape'))


def zeros_like(x, dtype=None, name=None):
    x = _to_tensor(x)
    array, name_dtype = _filled(x.static_shape, 0, dtype or x._dtype)
    return CntkTensor(C.constant(array), name_dtype)


def ones_like(x, dtype=None, name=None):
    x = _to_tensor(x)
    array, name_dtype = _filled(x.static_shape, 1, dtype or x._dtype)
    return CntkTensor(C.constant(array), name_dtype)


def identity(x, name=None):
    x = _to_tensor(x)
    return CntkTensor(C.alias(x.node), x._dtype)


def stop_gradient(variables):
    if isinstance(variables, (list, tuple)):
        return [stop_gradient(v) for v in variables]
    x = _to_tensor(variables)
    return CntkTensor(C.stop_gradient(x.node), x._dtype)


def engine_info():
    return adapter.describe(__package__, 'cntk', 'cntk', C.__version__)
