"""JAX: map_fn / foldl / foldr as ``lax.scan`` loops (through ``rnn``);
``jax.debug.print`` for print_tensor; traced code keeps data-flow order, so
control_dependencies orders nothing."""
from minikeras.backend.jax._jax import jax
from minikeras.backend.loops import (  # noqa: F401  (contract ops written once)
    control_dependencies, foldl, foldr, map_fn, size)


def print_tensor(x, message=''):
    jax.debug.print(message.replace('{', '{{').replace('}', '}}') + ' {}', x)
    return x


def is_sparse(tensor):
    """True for ``jax.experimental.sparse`` arrays (what ``ctc_label_dense_to_sparse``
    returns)."""
    sparse = _sparse()
    return sparse is not None and isinstance(tensor, sparse.JAXSparse)


def to_dense(tensor):
    return tensor.todense() if is_sparse(tensor) else tensor


def _sparse():
    import sys
    return sys.modules.get('jax.experimental.sparse')   # never imported: nothing is sparse
