"""NumPy helpers (Keras 2 ``keras.utils.np_utils``)."""
import numpy as np

from minikeras.utils.generic_utils import LabelRangeError


def to_categorical(y, num_classes=None, dtype='float32'):
    """Integer class vector ``y`` (any shape; a trailing axis of 1 is dropped) to a one-hot
    array of shape ``y.shape + (num_classes,)``."""
    y_in = np.asarray(y)
    if y_in.size and not np.issubdtype(y_in.dtype, np.integer):
        if not np.issubdtype(y_in.dtype, np.number) or np.any(y_in != np.round(y_in)):
            raise ValueError('to_categorical expects integer class labels, received values '
                             'of dtype %s such as %r' % (y_in.dtype, y_in.ravel()[:3].tolist()))
    y = np.array(y_in, dtype='int64')
    input_shape = y.shape
    if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
        input_shape = tuple(input_shape[:-1])
    y = y.ravel()
    if y.size and y.min() < 0:
        raise ValueError('to_categorical: class labels must be >= 0, received %d' % y.min())
    if not num_classes:
        num_classes = int(np.max(y)) + 1 if y.size else 0
    elif y.size and y.max() >= num_classes:
        raise LabelRangeError('to_categorical: label %d is out of range for num_classes=%d '
                         '(labels must be in [0, %d])' % (y.max(), num_classes, num_classes - 1))
    n = y.shape[0]
    categorical = np.zeros((n, num_classes), dtype=dtype)
    categorical[np.arange(n), y] = 1
    return np.reshape(categorical, input_shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    """``x`` divided by its ``order``-norm along ``axis`` (zero norms left as is)."""
    x = np.asarray(x)
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)
