"""JAX: CTC loss and decoding written once with contract ops (``ctc_ops``); dense labels
become a ``jax.experimental.sparse.BCOO`` (built eagerly: how many entries it holds
depends on the label lengths' values)."""
from minikeras.backend.ctc_ops import ctc_batch_cost, ctc_decode  # noqa: F401
from minikeras.backend.jax._jax import jax, jnp, np


def ctc_label_dense_to_sparse(labels, label_lengths):
    from jax.experimental import sparse
    try:
        lengths = np.asarray(label_lengths).reshape(-1).astype('int64')
    except jax.errors.TracerArrayConversionError:
        raise NotImplementedError(
            'JAX backend: ctc_label_dense_to_sparse needs concrete label lengths (a sparse '
            "tensor's size depends on them); call it outside a compiled function")
    labels = jnp.asarray(labels)
    if labels.ndim != 2 or lengths.shape[0] != labels.shape[0]:
        raise ValueError('ctc_label_dense_to_sparse: expected labels (batch, max_length) and '
                         'one length per row, received shapes %s and %s'
                         % (tuple(labels.shape), tuple(np.shape(label_lengths))))
    rows = np.repeat(np.arange(labels.shape[0]), lengths)
    cols = np.concatenate([np.arange(n) for n in lengths] + [np.zeros(0, 'int64')])
    indices = np.stack([rows, cols], axis=1).astype('int64')
    return sparse.BCOO((labels[rows, cols], jnp.asarray(indices)), shape=labels.shape)
