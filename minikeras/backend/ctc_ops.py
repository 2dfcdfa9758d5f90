"""CTC written once with contract ops, for the engines without CTC ops of their own.

``ctc_batch_cost`` is the forward algorithm over the labels with blanks interleaved, as
a ``K.rnn`` over time with the probabilities renormalized at each step (Graves et al.,
2006): every step is a batched matrix product with a per-sample transition matrix, so
gradients come from the engine's automatic differentiation. ``ctc_decode``: best path
with tensor ops; beam search on concrete values (the NumPy reference's prefix beam
search), since it is a data-dependent search.
"""
import numpy as np

from minikeras.backend import state


def _K():
    import minikeras.backend as K
    return K


def _static(K, x, axis, what, op):
    n = K.int_shape(x)[axis]
    if n is None:
        raise ValueError('%s needs a static %s (axis %d), received shape %s'
                         % (op, what, axis, K.int_shape(x)))
    return n


def _extended_labels(K, y_true, classes, dtype):
    """One-hot (batch, 2L+1, classes) of the labels with blanks around each label."""
    blank = classes - 1
    max_len = _static(K, y_true, 1, 'label length', 'ctc_batch_cost')
    labels = K.cast(K.clip(K.cast(y_true, dtype), 0, blank), 'int32')
    label_oh = K.cast(K.one_hot(labels, classes), dtype)
    blank_oh = K.zeros_like(label_oh) + K.constant(np.eye(classes)[blank], dtype=dtype)
    pairs = K.reshape(K.stack([blank_oh, label_oh], axis=2), (-1, 2 * max_len, classes))
    first_blank = K.slice(blank_oh, [0, 0, 0], [-1, 1, -1])
    return K.concatenate([pairs, first_blank], axis=1), max_len


def _transitions(K, ext, classes, dtype):
    """(batch, S, S): 1 where CTC may go from position s' to s in one step."""
    n = K.int_shape(ext)[1]
    shifted = K.concatenate([K.zeros_like(K.slice(ext, [0, 0, 0], [-1, 2, -1])),
                             K.slice(ext, [0, 0, 0], [-1, n - 2, -1])], axis=1)
    same = K.sum(ext * shifted, axis=-1)
    is_blank = K.sum(ext * K.constant(np.eye(classes)[classes - 1], dtype=dtype), axis=-1)
    skip = (1. - is_blank) * (1. - same)
    stay_or_next = np.eye(n) + np.eye(n, k=1)
    return (K.constant(stay_or_next[None], dtype=dtype)
            + K.constant(np.eye(n, k=2), dtype=dtype) * K.expand_dims(skip, 1))


def _time_positions(K, x):
    """(batch, time) step indices 0, 1, ... of ``x`` (batch, time, ...)."""
    ones = K.ones_like(K.sum(x, axis=-1))
    return K.cumsum(ones, axis=1) - 1.


def ctc_batch_cost(y_true, y_pred, input_length, label_length):
    K = _K()
    dtype = K.dtype(y_pred)
    classes = _static(K, y_pred, 2, 'number of classes', 'ctc_batch_cost')
    probs = K.softmax(K.log(y_pred + state.epsilon()))
    ext, max_len = _extended_labels(K, y_true, classes, dtype)
    trans = _transitions(K, ext, classes, dtype)
    input_length = K.cast(K.reshape(input_length, (-1, 1)), dtype)
    mask = K.less(_time_positions(K, probs), input_length)
    start = np.zeros(2 * max_len + 1)
    start[0] = 1.
    alpha0 = K.zeros_like(K.sum(ext, axis=-1)) + K.constant(start, dtype=dtype)
    loglik0 = K.sum(alpha0 * 0., axis=-1, keepdims=True)

    def step(p_t, states):
        alpha, loglik, trans_, ext_ = states
        emitted = K.batch_dot(p_t, ext_, axes=[1, 2])
        alpha = K.batch_dot(alpha, trans_, axes=[1, 1]) * emitted
        total = K.maximum(K.sum(alpha, axis=-1, keepdims=True), 1e-30)
        return alpha, [alpha / total, loglik + K.log(total)]

    _, _, (alpha, loglik) = K.rnn(step, probs, [alpha0, loglik0], mask=mask,
                                  constants=[trans, ext])
    ends = 2. * K.cast(K.reshape(label_length, (-1, 1)), dtype)
    positions = K.constant(np.arange(2 * max_len + 1)[None], dtype=dtype)
    final = (K.cast(K.equal(positions, ends), dtype)
             + K.cast(K.equal(positions, ends - 1.), dtype))
    return -(loglik + K.log(K.sum(alpha * final, axis=-1, keepdims=True)))


def _greedy(K, y_pred, input_length):
    dtype = K.dtype(y_pred)
    steps = _static(K, y_pred, 1, 'number of time steps', 'ctc_decode')
    classes = _static(K, y_pred, 2, 'number of classes', 'ctc_decode')
    logits = K.log(y_pred + state.epsilon())
    best = K.argmax(logits, axis=-1)
    valid = K.cast(K.less(_time_positions(K, logits),
                          K.cast(K.reshape(input_length, (-1, 1)), dtype)), dtype)
    log_prob = -K.sum(K.max(logits, axis=-1) * valid, axis=1, keepdims=True)
    best_oh = K.cast(K.one_hot(best, classes), dtype)
    previous = K.concatenate([K.zeros_like(K.slice(best_oh, [0, 0, 0], [-1, 1, -1])),
                              K.slice(best_oh, [0, 0, 0], [-1, steps - 1, -1])], axis=1)
    blank = K.constant(np.eye(classes)[classes - 1], dtype=dtype)
    keep = ((1. - K.sum(best_oh * blank, axis=-1))
            * (1. - K.sum(best_oh * previous, axis=-1)) * valid)
    slot = K.expand_dims(K.cumsum(keep, axis=1) - 1., -1)
    place = K.expand_dims(keep, -1) * K.cast(
        K.equal(slot, K.constant(np.arange(steps)[None, None], dtype=dtype)), dtype)
    values = K.sum(place * K.expand_dims(K.cast(best, dtype), -1), axis=1)
    filled = K.sum(place, axis=1)
    decoded = values * filled - (1. - filled)
    return [K.cast(decoded, 'int64')], log_prob


def no_sparse_labels(engine):
    """``ctc_label_dense_to_sparse`` of an engine without sparse tensors."""
    from minikeras.backend.unsupported import unsupported
    return unsupported(engine, 'ctc_label_dense_to_sparse', 'the engine has no sparse tensors')


def _concrete(K, x):
    if not K.is_tensor(x):
        return np.asarray(x)
    try:
        return np.asarray(K.eval(x))
    except Exception as e:
        raise NotImplementedError(
            '%s backend: ctc_decode(greedy=False) searches beams on concrete values; it '
            'received a tensor that depends on inputs (%s). Call it on arrays or model '
            'outputs, or use greedy=True inside a graph.' % (state.backend(), e))


def ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1):
    K = _K()
    if greedy:
        return _greedy(K, y_pred, input_length)
    from minikeras.backend.numpy import ctc as reference
    decoded, log_prob = reference.ctc_decode(_concrete(K, y_pred), _concrete(K, input_length),
                                             False, beam_width, top_paths)
    return ([K.constant(d, dtype='int64') for d in decoded],
            K.constant(log_prob, dtype=K.dtype(y_pred) if K.is_tensor(y_pred)
                       else state.floatx()))
