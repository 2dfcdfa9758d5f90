"""NumPy reference: CTC loss (the forward algorithm in log space), best-path and
prefix beam search decoding, dense labels as a sparse value."""
import collections

import numpy as np

from minikeras.backend import state
from minikeras.backend.numpy.core import _as_array

SparseValue = collections.namedtuple('SparseValue', 'indices values dense_shape')


def ctc_label_dense_to_sparse(labels, label_lengths):
    labels = _as_array(labels)
    lengths = _as_array(label_lengths).reshape(-1).astype('int64')
    indices = [(b, j) for b in range(labels.shape[0]) for j in range(lengths[b])]
    indices = np.array(indices, dtype='int64').reshape(-1, 2)
    values = labels[indices[:, 0], indices[:, 1]] if len(indices) else labels[:0, 0]
    return SparseValue(indices, values, np.array(labels.shape, dtype='int64'))


def _log_softmax(x):
    x = x - x.max(axis=-1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))


def _logaddexp(*terms):
    return np.logaddexp.reduce(np.array(terms))


def _ctc_log_likelihood(logp, labels):
    """log p(labels | logp) for one sample: logp (time, classes), blank = last class."""
    blank = logp.shape[1] - 1
    ext = [blank]
    for c in labels:
        ext += [int(c), blank]
    alpha = np.full(len(ext), -np.inf)
    alpha[0] = logp[0, blank]
    if len(ext) > 1:
        alpha[1] = logp[0, ext[1]]
    for t in range(1, logp.shape[0]):
        new = np.full(len(ext), -np.inf)
        for s in range(len(ext)):
            terms = [alpha[s]] + ([alpha[s - 1]] if s >= 1 else [])
            if s >= 2 and ext[s] != blank and ext[s] != ext[s - 2]:
                terms.append(alpha[s - 2])
            new[s] = _logaddexp(*terms) + logp[t, ext[s]]
        alpha = new
    return _logaddexp(*alpha[-2:]) if len(ext) > 1 else alpha[-1]


def ctc_batch_cost(y_true, y_pred, input_length, label_length):
    y_true, y_pred = _as_array(y_true), _as_array(y_pred)
    input_length = _as_array(input_length).reshape(-1).astype(int)
    label_length = _as_array(label_length).reshape(-1).astype(int)
    logp = _log_softmax(np.log(y_pred.astype('float64') + state.epsilon()))
    losses = [-_ctc_log_likelihood(logp[b, :input_length[b]], y_true[b, :label_length[b]])
              for b in range(y_pred.shape[0])]
    return np.array(losses, dtype=y_pred.dtype).reshape(-1, 1)


def _greedy(logits, length):
    best = logits[:length].argmax(axis=-1)
    blank = logits.shape[1] - 1
    decoded = [int(c) for i, c in enumerate(best)
               if c != blank and (i == 0 or c != best[i - 1])]
    return [decoded], [-logits[:length].max(axis=-1).sum()]


def _beam(logits, length, beam_width, top_paths):
    """Prefix beam search (probabilities of blank- and label-ending paths per prefix);
    repeated labels in a result are merged as TensorFlow 1's decoder does by default."""
    logp = _log_softmax(logits[:length].astype('float64'))
    blank = logp.shape[1] - 1
    beams = {(): (0., -np.inf)}  # prefix -> (log p ending in blank, ending in a label)
    for t in range(length):
        nxt = collections.defaultdict(lambda: [-np.inf, -np.inf])
        for prefix, (pb, pnb) in beams.items():
            total = np.logaddexp(pb, pnb)
            nxt[prefix][0] = np.logaddexp(nxt[prefix][0], total + logp[t, blank])
            for c in range(blank):
                if prefix and prefix[-1] == c:
                    nxt[prefix][1] = np.logaddexp(nxt[prefix][1], pnb + logp[t, c])
                    extend = pb + logp[t, c]
                else:
                    extend = total + logp[t, c]
                key = prefix + (c,)
                nxt[key][1] = np.logaddexp(nxt[key][1], extend)
        ranked = sorted(nxt.items(), key=lambda kv: -np.logaddexp(*kv[1]))
        beams = dict((k, tuple(v)) for k, v in ranked[:beam_width])
    ranked = sorted(beams.items(), key=lambda kv: -np.logaddexp(*kv[1]))[:top_paths]
    paths = [[c for i, c in enumerate(p) if i == 0 or c != p[i - 1]] for p, _ in ranked]
    return paths, [np.logaddexp(*v) for _, v in ranked]


def ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1):
    y_pred = _as_array(y_pred)
    lengths = _as_array(input_length).reshape(-1).astype(int)
    batch, steps = y_pred.shape[:2]
    logits = np.log(y_pred + state.epsilon())
    paths = 1 if greedy else int(top_paths)
    decoded = [np.full((batch, steps), -1, dtype='int64') for _ in range(paths)]
    log_prob = np.zeros((batch, paths), dtype=y_pred.dtype)
    for b in range(batch):
        if greedy:
            seqs, scores = _greedy(logits[b], lengths[b])
        else:
            seqs, scores = _beam(logits[b], lengths[b], int(beam_width), paths)
        for k, (seq, score) in enumerate(zip(seqs, scores)):
            decoded[k][b, :len(seq)] = seq
            log_prob[b, k] = score
    return decoded, log_prob
