"""JAX: map_fn / foldl / foldr as ``lax.scan`` loops (through ``rnn``);
``jax.debug.print`` for print_tensor; traced code keeps data-flow order, so
control_dependencies orders nothing."""
from minikeras.backend.jax._jax import jax
from minikeras.backend.loops import (  # noqa: F401  (contract ops written once)
    control_dependencies, foldl, foldr, is_sparse, map_fn, size, to_dense)


def print_tensor(x, message=''):
    jax.debug.print(message.replace('{', '{{').replace('}', '}}') + ' {}', x)
    return x
