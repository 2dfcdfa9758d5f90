"""Theano: CTC loss and decoding written once with contract ops (``ctc_ops``)."""
from minikeras.backend.ctc_ops import ctc_batch_cost, ctc_decode  # noqa: F401
from minikeras.backend.unsupported import unsupported

ctc_label_dense_to_sparse = unsupported('Theano', 'ctc_label_dense_to_sparse',
                                        'the engine has no sparse tensors')
