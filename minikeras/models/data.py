"""Checking and slicing the numpy data given to fit / evaluate / predict."""
import numpy as np

import minikeras.backend as K
from minikeras.models import input_checks
from minikeras.utils import nest


def standardize_arrays(data, names, shapes, what, check_shapes=True):
    """``data`` (array, list of arrays, or dict by name) as a list of float/int numpy
    arrays in the order of ``names``; checks their shapes against ``shapes`` (batch axis
    excluded from the comparison). ``what`` is 'input' or 'target'."""
    if data is None:
        return [None] * len(names)
    if isinstance(data, dict):
        missing = [n for n in names if n not in data]
        if missing:
            raise ValueError('Error when checking %s: no data given for %s; the dict has '
                             'keys %s' % (what, ', '.join(missing), ', '.join(sorted(data))))
        arrays = [data[n] for n in names]
    else:
        arrays = nest.to_list(data) if isinstance(data, (list, tuple)) else [data]
        if len(arrays) != len(names):
            raise ValueError('Error when checking model %s: the model expects %d array(s) '
                             '(for %s), but received %d' % (what, len(names), ', '.join(names),
                                                            len(arrays)))
    out = []
    for name, shape, array in zip(names, shapes, arrays):
        array = input_checks.check_value(name, array, what)
        if array.ndim == 1 and shape is not None and len(shape) == 2:
            array = np.expand_dims(array, 1)
        if check_shapes and shape is not None:
            _check_shape(name, shape, array, what)
        out.append(array)
    return out


def _check_shape(name, shape, array, what):
    if array.ndim != len(shape):
        raise ValueError('Error when checking %s: expected %s to have %d dimensions, but got '
                         'array with shape %s' % (what, name, len(shape), array.shape))
    for want, got in zip(shape[1:], array.shape[1:]):
        if want is not None and want != got:
            raise ValueError('Error when checking %s: expected %s to have shape %s but got '
                             'array with shape %s' % (what, name, tuple(shape[1:]),
                                                      array.shape[1:]))


def check_lengths(inputs, targets, weights=()):
    lengths = set(len(a) for a in inputs if a is not None)
    if len(lengths) > 1:
        raise ValueError('All input arrays should have the same number of samples; got '
                         'lengths %s' % sorted(lengths))
    t_lengths = set(len(a) for a in targets if a is not None)
    if len(t_lengths) > 1:
        raise ValueError('All target arrays should have the same number of samples; got '
                         'lengths %s' % sorted(t_lengths))
    if lengths and t_lengths and lengths != t_lengths:
        raise ValueError('Input arrays should have the same number of samples as target '
                         'arrays. Found %d input samples and %d target samples.'
                         % (list(lengths)[0], list(t_lengths)[0]))
    for w in weights:
        if w is not None and lengths and len(w) != list(lengths)[0]:
            raise ValueError('sample_weight has %d entries but there are %d samples'
                             % (len(w), list(lengths)[0]))


class UnitWeights(np.ndarray):
    """Sample weights that are all ones because none were given (no ``sample_weight``,
    no ``class_weight``). The training step leaves them out of the compiled function: its
    loss and metrics are then plain means, the same values as weighting by ones, without
    the weighting ops. Slices and indexing keep the class (batches stay marked); any
    computation with them gives a plain array."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        def plain(values):
            return tuple(np.asarray(v) if isinstance(v, UnitWeights) else v for v in values)
        if 'out' in kwargs:
            kwargs['out'] = plain(kwargs['out'])
        return getattr(ufunc, method)(*plain(inputs), **kwargs)


def sample_weights(y, sample_weight, class_weight):
    """One weight per sample (float array) from ``sample_weight`` and/or ``class_weight``;
    ``UnitWeights`` when neither is given."""
    n = len(y)
    w = np.ones((n,), dtype=K.floatx())
    if sample_weight is None and class_weight is None:
        return w.view(UnitWeights)
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=K.floatx())
        if sample_weight.ndim != 1:
            raise ValueError('sample_weight must be 1-D (one weight per sample), received '
                             'shape %s' % (sample_weight.shape,))
        w = w * sample_weight
    if class_weight is not None:
        if y.ndim == 2 and y.shape[1] > 1:
            classes = np.argmax(y, axis=1)
        else:
            classes = np.reshape(y, (n, -1))[:, 0].astype('int64')
        missing = sorted(set(classes.tolist()) - set(class_weight))
        if missing:
            raise ValueError('class_weight has no entry for class(es) %s' % missing)
        w = w * np.asarray([class_weight[c] for c in classes], dtype=K.floatx())
    return w
