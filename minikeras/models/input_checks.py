"""Loud checks on the arrays given to fit / evaluate / predict (engine-free): missing
(None) or non-numeric inputs, inputs of different lengths, and targets whose shape does
not fit the output they go to. Every message names the input or output and the shapes."""
import numpy as np


def check_value(name, array, what='input'):
    """One input (or target) array, before its shape is checked: not None, numbers, with
    a batch axis. Returns it as a numpy array."""
    if array is None:
        raise ValueError('Error when checking %s: no data for %s (received None); pass a '
                         'numpy array of numbers' % (what, name))
    array = np.asarray(array)
    if array.dtype.kind not in 'biuf':
        raise ValueError('Error when checking %s: %s must hold numbers, received an array '
                         'of dtype %s%s' % (what, name, array.dtype, _first_value(array)))
    if array.ndim == 0:
        raise ValueError('Error when checking %s: %s is a scalar (%r); pass an array with '
                         'a batch axis' % (what, name, array.item()))
    return array


def check_inputs(arrays, names, what='input'):
    """``arrays``: one per model input (after ``standardize_arrays``), in ``names`` order."""
    for name, array in zip(names, arrays):
        check_value(name, array, what)
    lengths = [len(a) for a in arrays]
    if len(set(lengths)) > 1:
        raise ValueError('Error when checking %s: all %ss must have the same number of '
                         'samples, received %s' % (what, what, ', '.join(
                             '%s: %d' % (n, k) for n, k in zip(names, lengths))))


def _first_value(array):
    try:
        return ' (first value %r)' % (array.flat[0],) if array.size else ''
    except Exception:
        return ''


def check_targets(targets, names, output_shapes, loss_fns):
    """``targets``: one float array per output. Built-in losses need the output's shape
    (sparse categorical ones: the output's shape with a last axis of 1), as in Keras 2;
    custom losses are not checked."""
    for name, y, shape, loss_fn in zip(names, targets, output_shapes, loss_fns):
        want = _expected_target_shape(shape, loss_fn)
        if want is None:
            continue
        if 'sparse' in getattr(loss_fn, '__name__', '') and y.ndim == len(want) - 1:
            want = want[:-1]        # sparse labels may leave out the last axis of 1
        if y.ndim != len(want) or any(w is not None and w != g
                                      for w, g in zip(want[1:], y.shape[1:])):
            raise ValueError('Error when checking target: expected %s to have shape %s but got '
                             'array with shape %s (the loss %s compares it with the output %s '
                             'of shape %s)' % (name, tuple(want[1:]), tuple(y.shape[1:]),
                                               getattr(loss_fn, '__name__', loss_fn), name,
                                               tuple(shape)))


def _expected_target_shape(shape, loss_fn):
    from minikeras import losses
    if shape is None:
        return None
    fn = getattr(getattr(loss_fn, 'loss', None), 'fn', loss_fn)
    name = getattr(fn, '__name__', None)
    if not name or getattr(losses, name, None) is not fn:
        return None
    if 'sparse_categorical' in name:
        return tuple(shape[:-1]) + (1,)
    return tuple(shape)
