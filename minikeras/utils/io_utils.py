"""HDF5 datasets as arrays (Keras 2 ``keras.utils.io_utils.HDF5Matrix``)."""
import numpy as np

from minikeras.utils.h5dict import H5Dict, ask_to_proceed_with_overwrite  # noqa: F401


class HDF5Matrix(object):
    """A read-only view of the HDF5 dataset ``datapath[dataset]`` (rows ``start:end``) that
    ``fit``/``predict`` can take in place of a numpy array: rows are read on demand;
    ``normalizer`` is applied to every slice read. Files stay open, shared by path."""

    refs = {}

    def __init__(self, datapath, dataset, start=0, end=None, normalizer=None):
        import h5py
        if datapath not in HDF5Matrix.refs:
            HDF5Matrix.refs[datapath] = h5py.File(datapath, 'r')
        f = HDF5Matrix.refs[datapath]
        if dataset not in f:
            raise KeyError('HDF5Matrix: %s has no dataset %r; it has %s'
                           % (datapath, dataset, sorted(f.keys())))
        self.data = f[dataset]
        self.start = start
        self.end = self.data.shape[0] if end is None else end
        if not 0 <= self.start <= self.end <= self.data.shape[0]:
            raise ValueError('HDF5Matrix: rows %d:%d are outside the %d rows of %r'
                             % (self.start, self.end, self.data.shape[0], dataset))
        self.normalizer = normalizer
        if normalizer is not None:
            first = normalizer(self.data[0:1])
            self._base_shape, self._base_dtype = first.shape[1:], first.dtype
        else:
            self._base_shape, self._base_dtype = self.data.shape[1:], self.data.dtype

    def __len__(self):
        return self.end - self.start

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, step = key.indices(len(self))
            if step != 1:
                idx = np.arange(start, stop, step) + self.start
                return self._normalize(self.data[idx.tolist()])
            rows = self.data[self.start + start:self.start + stop]
        elif isinstance(key, (int, np.integer)):
            if not -len(self) <= key < len(self):
                raise IndexError('HDF5Matrix index %d out of range for %d rows'
                                 % (key, len(self)))
            rows = self.data[self.start + (key % len(self))]
        elif isinstance(key, (list, np.ndarray)):
            idx = np.asarray(key) % len(self) + self.start
            order = np.argsort(idx)                  # h5py needs increasing indices
            picked = self.data[idx[order].tolist()] if len(set(idx.tolist())) == len(idx) \
                else np.stack([self.data[i] for i in idx[order]])
            rows = np.empty_like(picked)
            rows[order] = picked
        else:
            raise IndexError('HDF5Matrix: unsupported index %r (use an int, a slice or a '
                             'list/array of ints)' % (key,))
        return self._normalize(rows)

    def _normalize(self, rows):
        return self.normalizer(rows) if self.normalizer is not None else rows

    @property
    def shape(self):
        return (self.end - self.start,) + tuple(self._base_shape)

    @property
    def dtype(self):
        return self._base_dtype

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return int(np.prod(self.shape))

    def __array__(self, dtype=None, copy=None):
        rows = self[0:len(self)]
        return rows if dtype is None else rows.astype(dtype)
