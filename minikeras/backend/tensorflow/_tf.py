"""Import TensorFlow quietly, plus small helpers shared by the adapter's modules.

TensorFlow 2.21 writes C++ log lines to stderr while it is imported (oneDNN notice,
absl warnings) whatever ``TF_CPP_MIN_LOG_LEVEL`` says. Importing minikeras must print
nothing, so unless the user asked for TensorFlow's logs (``TF_CPP_MIN_LOG_LEVEL=0``),
file descriptor 2 points at /dev/null for the duration of ``import tensorflow``. Python
exceptions raised by the import still propagate normally.
"""
import os

import numpy as np

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')


def _import_tensorflow():
    quiet = os.environ.get('TF_CPP_MIN_LOG_LEVEL', '3') not in ('', '0')
    saved = null = None
    if quiet:
        try:
            saved = os.dup(2)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 2)
        except OSError:  # no usable stderr descriptor: import without silencing
            saved = null = None
    try:
        import tensorflow
    finally:
        if saved is not None:
            os.dup2(saved, 2)
            os.close(saved)
        if null is not None:
            os.close(null)
    return tensorflow


tf = _import_tensorflow()
if os.environ.get('TF_CPP_MIN_LOG_LEVEL', '3') not in ('', '0'):
    tf.get_logger().setLevel('ERROR')


def _floatx():
    from minikeras.backend.state import floatx
    return floatx()


def _epsilon():
    from minikeras.backend.state import epsilon
    return epsilon()


def _tf_dtype(dtype):
    """A tf.DType for a numpy-style name (None: floatx)."""
    if dtype is None:
        dtype = _floatx()
    if isinstance(dtype, tf.DType):
        return dtype
    try:
        return tf.as_dtype(np.dtype(dtype))
    except TypeError:
        raise TypeError('expected a dtype name such as \'float32\', received %r' % (dtype,))


def _is_tf(x):
    return isinstance(x, (tf.Tensor, tf.Variable)) or tf.is_tensor(x)


def _to_tensor(x, dtype=None):
    """``x`` as a tf tensor; numbers and numpy arrays get ``dtype`` (a tf.DType) when
    given. Tensors keep their own dtype."""
    if isinstance(x, tf.Tensor):
        return x
    if isinstance(x, tf.Variable):
        return tf.convert_to_tensor(x)
    if dtype is not None:
        if isinstance(x, np.ndarray) and x.dtype != dtype.as_numpy_dtype:
            x = x.astype(dtype.as_numpy_dtype)
        return tf.convert_to_tensor(x, dtype=dtype)
    return tf.convert_to_tensor(x)


def _pair(x, y):
    """Both operands as tensors of one dtype: a non-tensor operand takes the dtype of
    the tensor operand (Python numbers and numpy arrays behave like constants)."""
    if _is_tf(x):
        x = _to_tensor(x)
        y = _to_tensor(y, None if _is_tf(y) else x.dtype)
    elif _is_tf(y):
        y = _to_tensor(y)
        x = _to_tensor(x, y.dtype)
    else:
        common = tf.as_dtype(np.result_type(x, y))
        x, y = _to_tensor(np.asarray(x), common), _to_tensor(np.asarray(y), common)
    if x.dtype != y.dtype:
        raise TypeError('operands have different dtypes: %s and %s; cast one with '
                        'K.cast first' % (x.dtype.name, y.dtype.name))
    return x, y


def _axis_list(axis):
    if axis is None:
        return None
    if isinstance(axis, (list, tuple)):
        return [int(a) for a in axis]
    return int(axis)


def _static_shape(x):
    shape = x.shape
    if shape.rank is None:
        return None
    return tuple(shape.as_list())


def _normalize_format(data_format):
    from minikeras.backend.state import normalize_data_format
    return normalize_data_format(data_format)


def _t(x):
    return _to_tensor(x)


def _rank(x):
    r = x.shape.rank
    if r is None:
        raise ValueError('tensor %r has unknown rank' % (x,))
    return r
