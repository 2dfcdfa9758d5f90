"""NumPy reference: map_fn / foldl / foldr as Python loops over axis 0, and the small
tensor utilities (size, print_tensor, control_dependencies, sparse checks)."""
import sys

import numpy as np

from minikeras.backend.numpy.core import _as_array


def _value(x):
    """``fn``'s result as a numpy array (``fn`` may call K ops of the active engine)."""
    from minikeras.backend import symbolic
    return np.asarray(symbolic._engine_to_numpy()(x))


def _leading(elems, op):
    elems = _as_array(elems)
    if elems.ndim == 0:
        raise ValueError('%s: elems must have a leading axis to iterate over, received a '
                         'scalar' % op)
    return elems


def map_fn(fn, elems, name=None, dtype=None):
    elems = _leading(elems, 'map_fn')
    results = [_value(fn(e)) for e in elems]
    if not results:
        raise ValueError('map_fn: elems has no entries along axis 0 (shape %s)'
                         % (elems.shape,))
    return np.stack(results).astype(dtype or results[0].dtype)


def _fold(fn, elems, initializer, op):
    elems = _leading(elems, op)
    if initializer is None:
        if elems.shape[0] == 0:
            raise ValueError('%s: elems is empty and no initializer was given' % op)
        acc, rest = elems[0], elems[1:]
    else:
        acc, rest = _as_array(initializer), elems
    for e in rest:
        acc = _value(fn(acc, e))
    return acc


def foldl(fn, elems, initializer=None, name=None):
    return _fold(fn, elems, initializer, 'foldl')


def foldr(fn, elems, initializer=None, name=None):
    return _fold(fn, _leading(elems, 'foldr')[::-1], initializer, 'foldr')


def size(x, name=None):
    return np.asarray(_as_array(x).size, dtype='int32')


def print_tensor(x, message=''):
    x = _as_array(x)
    sys.stdout.write('%s %s\n' % (message, x))
    return x


def control_dependencies(control_inputs):
    from minikeras.backend.loops import ProgramOrder
    return ProgramOrder(control_inputs)


def is_sparse(tensor):
    from minikeras.backend.numpy.ctc import SparseValue
    return isinstance(tensor, SparseValue) or (hasattr(tensor, 'tocoo')
                                               and hasattr(tensor, 'nnz'))


def to_dense(tensor):
    from minikeras.backend.numpy.ctc import SparseValue
    if isinstance(tensor, SparseValue):
        dense = np.zeros(tuple(tensor.dense_shape), dtype=np.asarray(tensor.values).dtype)
        for (i, j), v in zip(tensor.indices, tensor.values):
            dense[i, j] = v
        return dense
    if is_sparse(tensor):
        return np.asarray(tensor.todense())
    return _as_array(tensor)
