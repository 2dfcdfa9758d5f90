"""Contract: connectionist temporal classification (Keras 2.3.1's CTC helpers).

Classes are the last axis of ``y_pred`` and the blank is the last class, as with
TensorFlow's CTC ops that Keras 2.3.1 calls.
"""

__all__ = ['ctc_label_dense_to_sparse', 'ctc_batch_cost', 'ctc_decode']


def ctc_label_dense_to_sparse(labels, label_lengths):
    """Dense labels (batch, max_len) and lengths (batch,) as the engine's sparse tensor
    of the first ``label_lengths[b]`` entries of each row."""


def ctc_batch_cost(y_true, y_pred, input_length, label_length):
    """CTC loss of each sample, shape (batch, 1): ``y_true`` (batch, max_label_len)
    labels, ``y_pred`` (batch, time, classes) softmax outputs, ``input_length`` and
    ``label_length`` (batch, 1). As Keras 2.3.1 on TensorFlow: the logits are
    ``log(y_pred + epsilon())`` (renormalized by a softmax)."""


def ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1):
    """Decode ``y_pred`` (batch, time, classes) with ``input_length`` (batch,): best path
    (``greedy``) or beam search. Returns ``([decoded], log_prob)``: ``top_paths`` int
    tensors (batch, time) padded with -1, and log_prob (batch, top_paths)."""
