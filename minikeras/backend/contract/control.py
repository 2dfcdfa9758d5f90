"""Contract: loops over a leading axis (map_fn / foldl / foldr), and small tensor
utilities of Keras 2.3.1 (size, print_tensor, control_dependencies, sparse checks)."""

__all__ = ['map_fn', 'foldl', 'foldr', 'size', 'print_tensor', 'control_dependencies',
           'is_sparse', 'to_dense']


def map_fn(fn, elems, name=None, dtype=None):
    """``stack([fn(elems[i]) for i in range(n)])`` over axis 0 of ``elems`` (a compiled
    loop where the engine has one). ``dtype``: the dtype of fn's results (default:
    that of ``elems``)."""


def foldl(fn, elems, initializer=None, name=None):
    """Reduce ``elems`` along axis 0 from the first element: ``acc = fn(acc, x)``;
    ``initializer`` None starts from ``elems[0]``. Returns the final ``acc``."""


def foldr(fn, elems, initializer=None, name=None):
    """Like ``foldl`` from the last element of axis 0 to the first."""


def size(x, name=None):
    """The number of entries of ``x`` as a scalar int32 tensor."""


def print_tensor(x, message=''):
    """``x`` unchanged; prints ``message`` and the value of ``x`` when it is computed."""


def control_dependencies(control_inputs):
    """A context manager: ops made inside run after ``control_inputs`` (TensorFlow);
    engines that run ops in program order make it a no-op."""


def is_sparse(tensor):
    """True if ``tensor`` is a sparse tensor of the engine."""


def to_dense(tensor):
    """A dense tensor of ``tensor`` (sparse tensors converted, others unchanged)."""
