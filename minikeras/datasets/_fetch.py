"""Shared by the dataset loaders: Keras's cache folder, downloads through ``get_file``
with a clear offline message, and loading of Keras's pickled formats without running
arbitrary pickled code."""
import io
import os
import pickle
import zipfile

import numpy as np


def keras_cache_dir():
    """Where Keras 2.3.1 caches downloads: ``$KERAS_HOME``, else ``~/.keras`` (falling back
    to ``/tmp/.keras`` when the home folder is not writable, as Keras does). Datasets go to
    its ``datasets`` subfolder, so files an installed Keras already downloaded are reused."""
    base = os.environ.get('KERAS_HOME')
    if base:
        return os.path.expanduser(base)
    base = os.path.join(os.path.expanduser('~'), '.keras')
    parent = base if os.path.isdir(base) else os.path.dirname(base)
    if not os.access(parent, os.W_OK):
        base = os.path.join('/tmp', '.keras')
    return base


def fetch(fname, origin, file_hash=None, cache_subdir='datasets', untar=False, **kwargs):
    """``get_file`` into the Keras cache; when the file is neither cached nor downloadable,
    an ``IOError`` names the URL and the exact path to put the file at. Other ``get_file``
    arguments (``md5_hash``, ``hash_algorithm``, ``extract``) pass through."""
    from http.client import HTTPException
    from minikeras.utils.data_utils import get_file
    cache_dir = keras_cache_dir()
    target = os.path.join(cache_dir, cache_subdir, fname + ('.tar.gz' if untar else ''))
    try:
        return get_file(fname, origin=origin, file_hash=file_hash, cache_subdir=cache_subdir,
                        untar=untar, cache_dir=cache_dir, **kwargs)
    except (IOError, OSError, HTTPException) as e:
        where = target
        if untar:
            where = '%s (or its extracted folder %s)' % (target, target[:-len('.tar.gz')])
        raise IOError('could not download %s (%s) and it is not in the Keras cache. To use '
                      'it offline, download that URL yourself and save it as %s '
                      '(set KERAS_HOME to use another cache folder).'
                      % (origin, str(e).splitlines()[0] if str(e) else type(e).__name__,
                         where))


_NUMPY_GLOBALS = {
    ('numpy.core.multiarray', '_reconstruct'), ('numpy._core.multiarray', '_reconstruct'),
    ('numpy.core.multiarray', 'scalar'), ('numpy._core.multiarray', 'scalar'),
    ('numpy', 'ndarray'), ('numpy', 'dtype'),
    ('_codecs', 'encode'),   # bytes in protocol-2 pickles written by Python 3
}


class _ArrayUnpickler(pickle.Unpickler):
    """Unpickles only plain containers and numpy arrays: a dataset file cannot run code."""

    def find_class(self, module, name):
        if (module, name) in _NUMPY_GLOBALS:
            if module.startswith('numpy._core') and not hasattr(np, '_core'):
                module = 'numpy.core.multiarray'
            return super(_ArrayUnpickler, self).find_class(module, name)
        raise pickle.UnpicklingError('dataset file refers to %s.%s; only numpy arrays and '
                                     'plain containers are allowed' % (module, name))


def load_pickle(stream, encoding='ASCII'):
    """A pickle of arrays, lists, dicts and numbers (CIFAR batches, object arrays)."""
    return _ArrayUnpickler(stream, encoding=encoding).load()


def load_npz(path):
    """All arrays of an ``.npz`` as a dict; object arrays (lists of word indices, as in
    Keras's imdb.npz and reuters.npz) are read with the restricted unpickler."""
    out = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            key = member[:-4] if member.endswith('.npy') else member
            raw = io.BytesIO(archive.read(member))
            version = np.lib.format.read_magic(raw)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(raw)
            else:
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(raw)
            if dtype.hasobject:
                out[key] = load_pickle(raw, encoding='latin1')
            else:
                raw.seek(0)
                out[key] = np.lib.format.read_array(raw)
    return out


def object_array(items):
    """A 1-D object array of lists (ragged sequences), as Keras 2.3.1 returned."""
    out = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        out[i] = item
    return out


def index_sequences(xs, labels, num_words, skip_top, maxlen, start_char, oov_char,
                    index_from, who):
    """Keras 2.3.1's word-index post-processing shared by imdb and reuters: shift indices by
    ``index_from``, prepend ``start_char``, keep sequences shorter than ``maxlen``, map
    words outside ``[skip_top, num_words)`` to ``oov_char`` (or drop them)."""
    if start_char is not None:
        xs = [[start_char] + [w + index_from for w in x] for x in xs]
    elif index_from:
        xs = [[w + index_from for w in x] for x in xs]
    if maxlen:
        kept = [(x, y) for x, y in zip(xs, labels) if len(x) < maxlen]
        if not kept:
            raise ValueError('%s: after filtering for sequences shorter than maxlen=%s, no '
                             'sequence was kept. Increase maxlen.' % (who, maxlen))
        xs = [x for x, _ in kept]
        labels = np.array([y for _, y in kept])
    if not num_words:
        num_words = max([max(x) for x in xs])
    if oov_char is not None:
        xs = [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    else:
        xs = [[w for w in x if skip_top <= w < num_words] for x in xs]
    return xs, labels


def legacy_num_words(num_words, kwargs, who):
    """Keras 2's ``nb_words`` alias; any other unknown keyword is an error."""
    if 'nb_words' in kwargs:
        import warnings
        warnings.warn('The `nb_words` argument in `load_data` has been renamed `num_words`.')
        num_words = kwargs.pop('nb_words')
    if kwargs:
        raise TypeError('%s.load_data: unrecognized keyword arguments: %s' % (who, kwargs))
    return num_words
