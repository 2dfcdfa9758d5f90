"""Sequence preprocessing (Keras 2 ``keras.preprocessing.sequence``)."""
import numpy as np


def pad_sequences(sequences, maxlen=None, dtype='int32', padding='pre', truncating='pre',
                  value=0.):
    """Lists of sequences -> a (num_samples, maxlen) array, padded with ``value`` and
    truncated at the start ('pre') or end ('post')."""
    if padding not in ('pre', 'post'):
        raise ValueError("padding must be 'pre' or 'post', received %r" % (padding,))
    if truncating not in ('pre', 'post'):
        raise ValueError("truncating must be 'pre' or 'post', received %r" % (truncating,))
    try:
        lengths = [len(s) for s in sequences]
    except TypeError:
        raise ValueError('pad_sequences expects a list of sequences (lists or arrays)')
    if maxlen is None:
        maxlen = max(lengths) if lengths else 0
    sample_shape = ()
    for s in sequences:
        if len(s):
            sample_shape = np.asarray(s).shape[1:]
            break
    out = np.full((len(sequences), maxlen) + sample_shape, value, dtype=dtype)
    for i, s in enumerate(sequences):
        if not len(s):
            continue
        s = np.asarray(s, dtype=dtype)
        trunc = s[-maxlen:] if truncating == 'pre' else s[:maxlen]
        if trunc.shape[1:] != sample_shape:
            raise ValueError('sequence %d has element shape %s, expected %s like the others'
                             % (i, trunc.shape[1:], sample_shape))
        if padding == 'post':
            out[i, :len(trunc)] = trunc
        else:
            out[i, maxlen - len(trunc):] = trunc
    return out
