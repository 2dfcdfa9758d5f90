"""TensorFlow: map_fn / foldl / foldr on ``tf.map_fn`` / ``tf.foldl`` / ``tf.foldr``
(``tf.while_loop``), ``tf.size``, ``tf.print``, ``tf.control_dependencies``, sparse
tensors."""
import sys

from minikeras.backend.tensorflow._tf import _tf_dtype, _to_tensor, tf


def map_fn(fn, elems, name=None, dtype=None):
    signature = None if dtype is None else tf.TensorSpec(None, _tf_dtype(dtype))
    return tf.map_fn(fn, _to_tensor(elems), name=name, fn_output_signature=signature)


def foldl(fn, elems, initializer=None, name=None):
    init = None if initializer is None else _to_tensor(initializer)
    return tf.foldl(fn, _to_tensor(elems), initializer=init, name=name)


def foldr(fn, elems, initializer=None, name=None):
    init = None if initializer is None else _to_tensor(initializer)
    return tf.foldr(fn, _to_tensor(elems), initializer=init, name=name)


def size(x, name=None):
    return tf.size(_to_tensor(x), name=name, out_type=tf.int32)


def print_tensor(x, message=''):
    x = _to_tensor(x)
    printed = tf.print(message, x, output_stream=sys.stdout)
    with tf.control_dependencies([printed]):
        return tf.identity(x)


def control_dependencies(control_inputs):
    ops = [x for x in (control_inputs or [])
           if isinstance(x, (tf.Tensor, tf.Operation, tf.Variable))]
    return tf.control_dependencies(ops)


def is_sparse(tensor):
    return isinstance(tensor, tf.SparseTensor)


def to_dense(tensor):
    if is_sparse(tensor):
        return tf.sparse.to_dense(tensor)
    return tensor
