"""Data helpers (Keras 2 ``keras.utils.data_utils``): ``Sequence`` and ``get_file``."""
import hashlib
import os
import sys

from minikeras.utils import archives
from minikeras.utils.download import download as _fetch


class Sequence(object):
    """Base class for batch sources given to ``fit_generator``/``fit``: implement
    ``__getitem__(index)`` (one batch, ``index`` in ``[0, len(self))``) and ``__len__``
    (number of batches per epoch); ``on_epoch_end`` is called after every epoch."""

    use_sequence_api = True

    def __getitem__(self, index):
        raise NotImplementedError('%s must implement __getitem__(index) returning one batch'
                                  % type(self).__name__)

    def __len__(self):
        raise NotImplementedError('%s must implement __len__() returning the number of '
                                  'batches' % type(self).__name__)

    def on_epoch_end(self):
        """Called at the end of every epoch (e.g. to shuffle)."""

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]


def minikeras_home():
    """``$MINIKERAS_HOME``, default ``~/.minikeras``: where downloads are cached."""
    return os.environ.get('MINIKERAS_HOME') or os.path.join(os.path.expanduser('~'),
                                                            '.minikeras')


def _resolve_algorithm(file_hash, algorithm):
    if algorithm not in ('auto', 'sha256', 'md5'):
        raise ValueError("hash_algorithm must be 'auto', 'sha256' or 'md5', received %r"
                         % (algorithm,))
    if algorithm == 'auto':
        return 'sha256' if len(file_hash) == 64 else 'md5'
    return algorithm


def _hash_file(fpath, algorithm='sha256', chunk_size=65535):
    hasher = hashlib.sha256() if algorithm == 'sha256' else hashlib.md5()
    with open(fpath, 'rb') as f:
        for chunk in iter(lambda: f.read(chunk_size), b''):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm='auto', chunk_size=65535):
    """Whether the file's sha256 (or md5) hex digest equals ``file_hash``."""
    algorithm = _resolve_algorithm(file_hash, algorithm)
    return _hash_file(fpath, algorithm, chunk_size) == str(file_hash).lower()


def get_file(fname, origin, untar=False, md5_hash=None, file_hash=None,
             cache_subdir='datasets', hash_algorithm='auto', extract=False,
             archive_format='auto', cache_dir=None, timeout=60, retries=3):
    """Download ``origin`` (http(s), ftp or file URL) to
    ``<cache_dir>/<cache_subdir>/<fname>`` unless already there, and return that path.

    ``cache_dir`` defaults to ``$MINIKERAS_HOME`` (``~/.minikeras``). With ``file_hash``
    (sha256, or md5 when ``hash_algorithm='md5'`` or the hash has 32 digits) a cached
    file with another hash is downloaded again, and a download with another hash raises
    ``ValueError`` and is removed. Downloads go to a temporary file that is renamed when
    complete. ``extract=True`` unpacks a tar or zip archive beside the file;
    ``untar=True`` (Keras 1 style) treats ``fname`` as the folder of ``fname.tar.gz``.
    Archive members that would land outside that folder (paths, symlinks or hardlinks
    escaping it, device files) are refused with ``ArchiveError`` before anything is written.

    Without ``file_hash`` the download is NOT verified: whatever the server (or anyone on
    the way, for http) sends is cached and used. Give a sha256 for anything you execute or
    load. Each connection attempt and read waits at most ``timeout`` seconds; network
    errors and HTTP 5xx are retried up to ``retries`` attempts in all, then an ``IOError``
    names the URL and the last error.
    """
    if not isinstance(fname, str) or not fname:
        raise ValueError('get_file: fname must be a non-empty file name, received %r' % (fname,))
    if not isinstance(origin, str) or not origin:
        raise ValueError('get_file: origin must be a URL string, received %r' % (origin,))
    if cache_dir is None:
        cache_dir = minikeras_home()
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, 'md5'
    algorithm = _resolve_algorithm(file_hash, hash_algorithm) if file_hash is not None else None
    datadir = os.path.join(os.path.expanduser(cache_dir), cache_subdir)
    if untar:
        untar_fpath = os.path.join(datadir, fname)
        fpath = untar_fpath + '.tar.gz'
    else:
        fpath = os.path.join(datadir, fname)
    try:
        os.makedirs(os.path.dirname(fpath), exist_ok=True)
    except OSError as e:
        raise IOError('get_file: cannot create the cache folder %s: %s (set MINIKERAS_HOME or '
                      'pass cache_dir= to use another folder)' % (os.path.dirname(fpath), e))

    download = not os.path.exists(fpath)
    if not download and file_hash is not None and not validate_file(fpath, file_hash,
                                                                     algorithm):
        sys.stderr.write('A local file was found at %s, but its %s hash does not match the '
                         'expected one, so it will be removed and downloaded again.\n'
                         % (fpath, algorithm))
        os.remove(fpath)
        download = True
    if download:
        _fetch(origin, fpath, file_hash, algorithm, timeout, retries)

    if untar:
        if not os.path.exists(untar_fpath):
            archives.extract_archive(fpath, datadir, archive_format='tar')
        return untar_fpath
    if extract:
        if not archives.extract_archive(fpath, datadir, archive_format):
            raise ValueError('get_file(extract=True): %s is not a %s archive'
                             % (fpath, archive_format))
    return fpath


from minikeras.utils.enqueuers import (  # noqa: F401,E402
    GeneratorEnqueuer, OrderedEnqueuer, SequenceEnqueuer, iter_sequence_infinite)
