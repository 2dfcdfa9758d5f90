"""Theano / PyTensor: map_fn / foldl / foldr as ``scan`` loops (through ``rnn``),
``Print`` for print_tensor; ops run in data-flow order, so control_dependencies orders
nothing."""
from minikeras.backend.loops import (  # noqa: F401  (contract ops written once)
    control_dependencies, foldl, foldr, is_sparse, map_fn, size, to_dense)
from minikeras.backend.theano._impl import th


def print_tensor(x, message=''):
    return th.printing.Print(message)(x)
