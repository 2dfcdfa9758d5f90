"""MXNet: map_fn / foldl / foldr as Python loops over the leading axis (through
``rnn``); ops run eagerly in program order, so print_tensor prints at once and
control_dependencies orders nothing."""
import sys

from minikeras.backend.loops import (  # noqa: F401  (contract ops written once)
    control_dependencies, foldl, foldr, is_sparse, map_fn, size, to_dense)


def print_tensor(x, message=''):
    sys.stdout.write('%s %s\n' % (message, x.asnumpy() if hasattr(x, 'asnumpy') else x))
    return x
