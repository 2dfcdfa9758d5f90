"""Theano: CTC loss and decoding written once with contract ops (``ctc_ops``)."""
from minikeras.backend.ctc_ops import ctc_batch_cost, ctc_decode, no_sparse_labels  # noqa: F401

ctc_label_dense_to_sparse = no_sparse_labels('Theano')
