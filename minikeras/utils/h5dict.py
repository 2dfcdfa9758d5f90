"""Keras 2.3.1's ``keras.utils.io_utils.H5Dict`` and ``ask_to_proceed_with_overwrite``.

``H5Dict`` is a dict-like view of an HDF5 group (or a plain dict): numpy arrays become
datasets, other values attributes (long lists of strings split into numbered chunks of
attributes, as Keras writes model configs), missing keys new sub-groups. A plain dict
keeps arrays as copies (Keras pickles them; minikeras never pickles).
"""
import os

import numpy as np

HDF5_OBJECT_HEADER_LIMIT = 64512


def _h5py():
    try:
        import h5py
    except ImportError:
        raise ImportError('H5Dict needs h5py: pip install h5py')
    return h5py


def ask_to_proceed_with_overwrite(filepath):
    """Ask on the terminal whether to overwrite ``filepath``; True for 'y', False for
    'n' (asks again on other answers)."""
    answer = input('[WARNING] %s already exists - overwrite? [y/n]' % (filepath,))
    while answer not in ('y', 'n'):
        answer = input('Enter "y" (overwrite) or "n" (cancel).')
    if answer == 'n':
        return False
    print('[TIP] Next time specify overwrite=True!')
    return True


def _is_path(path):
    return isinstance(path, str) or (hasattr(os, 'PathLike') and isinstance(path, os.PathLike))


class H5Dict(object):
    """A dict-like view of an HDF5 file or group (``path``: a file path, an
    ``h5py.Group`` or a dict); ``mode`` as ``h5py.File`` ('r' is read-only)."""

    def __init__(self, path, mode='a'):
        h5py = _h5py()
        self._is_file = False
        if isinstance(path, h5py.Group):
            self.data = path
        elif _is_path(path):
            self.data = h5py.File(str(path), mode=mode)
            self._is_file = True
        elif isinstance(path, dict):
            self.data = path
            if mode == 'w':
                self.data.clear()
            self.data['_is_group'] = True
        else:
            raise TypeError('Required Group, str, Path or dict. Received: %s.' % type(path))
        self.read_only = mode == 'r'

    @staticmethod
    def is_supported_type(path):
        return isinstance(path, (_h5py().Group, dict)) or _is_path(path)

    def _check_writable(self, what):
        if self.read_only:
            raise ValueError('Cannot %s in read-only mode.' % what)

    def __setitem__(self, attr, val):
        self._check_writable('set item')
        if isinstance(attr, bytes):
            attr = attr.decode('utf-8')
        if isinstance(self.data, dict):
            self.data[attr] = np.array(val) if isinstance(val, np.ndarray) else val
            return
        if attr in self.data:
            raise KeyError('Cannot set attribute. Group with name "%s" exists.' % attr)
        if isinstance(val, np.ndarray) or type(val).__module__ == np.__name__:
            val = np.asarray(val)
            dataset = self.data.create_dataset(attr, val.shape, dtype=val.dtype)
            dataset[()] = val
        elif isinstance(val, (list, tuple)):
            self._set_list(attr, val)
        else:
            self.data.attrs[attr] = val

    def _set_list(self, attr, val):
        too_long = [x for x in val if len(x) > HDF5_OBJECT_HEADER_LIMIT]
        if too_long:
            raise RuntimeError('The following attributes cannot be saved to HDF5 file '
                               'because they are larger than %d bytes: %s'
                               % (HDF5_OBJECT_HEADER_LIMIT, ', '.join(too_long)))
        array = np.asarray([x.encode('utf8') if isinstance(x, str) else x for x in val])
        chunks = 1
        split = np.array_split(array, chunks)
        while any(c.nbytes > HDF5_OBJECT_HEADER_LIMIT for c in split):
            chunks += 1
            split = np.array_split(array, chunks)
        if chunks == 1:
            self.data.attrs[attr] = val
            return
        for i, chunk in enumerate(split):
            self.data.attrs['%s%d' % (attr, i)] = chunk

    def __getitem__(self, attr):
        if isinstance(attr, bytes):
            attr = attr.decode('utf-8')
        if isinstance(self.data, dict):
            if attr not in self.data:
                self._check_writable('create group')
                self.data[attr] = {'_is_group': True}
            val = self.data[attr]
            return H5Dict(val) if isinstance(val, dict) and val.get('_is_group') else val
        if attr in self.data.attrs:
            val = self.data.attrs[attr]
            if isinstance(val, np.ndarray) and val.dtype.kind == 'S':
                val = val.tolist()
            return val
        if attr in self.data:
            val = self.data[attr]
            return np.asarray(val) if isinstance(val, _h5py().Dataset) else H5Dict(val)
        if '%s0' % attr in self.data.attrs:
            val, i = [], 0
            while '%s%d' % (attr, i) in self.data.attrs:
                val.extend(x.decode('utf8') if isinstance(x, bytes) else x
                           for x in self.data.attrs['%s%d' % (attr, i)])
                i += 1
            return val
        self._check_writable('create group')
        return H5Dict(self.data.create_group(attr))

    def __len__(self):
        return len(self.data)

    def __iter__(self):
        return iter(self.data)

    def iter(self):
        return iter(self.data)

    def __contains__(self, key):
        if isinstance(self.data, dict):
            return key in self.data
        return key in self.data or key in self.data.attrs

    def get(self, key, default=None):
        return self[key] if key in self else default

    def update(self, *args):
        if isinstance(self.data, dict):
            self.data.update(*args)
            return
        raise NotImplementedError('H5Dict.update is for dict-backed H5Dicts only')

    def close(self):
        if isinstance(self.data, _h5py().Group):
            self.data.file.flush()
            if self._is_file:
                self.data.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
