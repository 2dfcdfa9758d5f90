"""Sequence preprocessing (Keras 2 ``keras.preprocessing.sequence``). ``pad_sequences``
is our own; ``TimeseriesGenerator``, ``skipgrams`` and ``make_sampling_table`` delegate to
``keras_preprocessing`` 1.1.2 as Keras 2.3.1 did, imported on first use
(``pip install "minikeras[text]"``)."""
import numpy as np

from minikeras.utils.data_utils import Sequence


def _kp_sequence():
    from minikeras.preprocessing._delegate import kp
    return kp('sequence', 'text')


def make_sampling_table(size, sampling_factor=1e-5):
    """Word-rank sampling probabilities (Zipf approximation) for ``skipgrams``."""
    return _kp_sequence().make_sampling_table(size, sampling_factor=sampling_factor)


def skipgrams(sequence, vocabulary_size, window_size=4, negative_samples=1., shuffle=True,
              categorical=False, sampling_table=None, seed=None):
    """``(couples, labels)``: (word, context) pairs labelled 1 and random negatives 0."""
    return _kp_sequence().skipgrams(
        sequence, vocabulary_size, window_size=window_size,
        negative_samples=negative_samples, shuffle=shuffle, categorical=categorical,
        sampling_table=sampling_table, seed=seed)


class TimeseriesGenerator(Sequence):
    """Batches of (windows of ``length`` past steps, target) from a time series; a
    ``Sequence``, so ``fit``/``fit_generator`` take it. Attributes and ``get_config``/
    ``to_json`` are those of ``keras_preprocessing``'s generator it wraps."""

    def __init__(self, data, targets, length, sampling_rate=1, stride=1, start_index=0,
                 end_index=None, shuffle=False, reverse=False, batch_size=128):
        self._impl = _kp_sequence().TimeseriesGenerator(
            data, targets, length, sampling_rate=sampling_rate, stride=stride,
            start_index=start_index, end_index=end_index, shuffle=shuffle, reverse=reverse,
            batch_size=batch_size)

    def __len__(self):
        return len(self._impl)

    def __getitem__(self, index):
        return self._impl[index]

    def get_config(self):
        return self._impl.get_config()

    def to_json(self, **kwargs):
        return self._impl.to_json(**kwargs)

    def __getattr__(self, name):
        if name == '_impl':
            raise AttributeError(name)
        return getattr(self._impl, name)


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
