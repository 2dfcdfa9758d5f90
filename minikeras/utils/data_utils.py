"""Data helpers (Keras 2 ``keras.utils.data_utils``): ``Sequence`` and ``get_file``."""
import hashlib
import os
import sys
import tempfile


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


class _DownloadProgress(object):
    """Download progress on stderr: redrawn in place on a terminal, else start/end lines."""

    def __init__(self, origin):
        self.origin = origin
        stream = sys.stderr
        try:
            self.dynamic = bool(stream.isatty())
        except (AttributeError, ValueError, OSError):
            self.dynamic = False
        stream.write('Downloading data from %s\n' % origin)
        stream.flush()

    def update(self, done, total):
        if not self.dynamic:
            return
        if total:
            text = '\r%10d/%d bytes (%3d%%)' % (done, total, 100 * done // max(1, total))
        else:
            text = '\r%10d bytes' % done
        sys.stderr.write(text)
        sys.stderr.flush()

    def finish(self, done):
        if self.dynamic:
            sys.stderr.write('\n')
        sys.stderr.write('Downloaded %d bytes\n' % done)
        sys.stderr.flush()


def _download(origin, fpath, file_hash, algorithm):
    """Stream ``origin`` to a temporary file beside ``fpath``, check its hash, then rename
    it to ``fpath``. Nothing is left behind on failure."""
    import urllib.error
    import urllib.request
    directory = os.path.dirname(fpath) or '.'
    fd, tmp_path = tempfile.mkstemp(dir=directory, prefix='.' + os.path.basename(fpath) + '.',
                                    suffix='.part')
    hasher = None
    if file_hash is not None:
        hasher = hashlib.sha256() if algorithm == 'sha256' else hashlib.md5()
    try:
        with os.fdopen(fd, 'wb') as out:
            try:
                response = urllib.request.urlopen(origin)
            except urllib.error.HTTPError as e:
                raise IOError('URL fetch failure on %s: %s -- %s' % (origin, e.code, e.msg))
            except urllib.error.URLError as e:
                raise IOError('URL fetch failure on %s: %s' % (origin, e.reason))
            except ValueError as e:
                raise ValueError('cannot download %r: %s' % (origin, e))
            with response:
                total = response.headers.get('Content-Length') if response.headers else None
                total = int(total) if total and str(total).isdigit() else None
                progress = _DownloadProgress(origin)
                done = 0
                while True:
                    chunk = response.read(1 << 16)
                    if not chunk:
                        break
                    out.write(chunk)
                    if hasher is not None:
                        hasher.update(chunk)
                    done += len(chunk)
                    progress.update(done, total)
                progress.finish(done)
        if total is not None and done != total:
            raise IOError('download of %s is incomplete: received %d of %d bytes'
                          % (origin, done, total))
        if hasher is not None and hasher.hexdigest() != str(file_hash).lower():
            raise ValueError('checksum mismatch for %s downloaded from %s: expected %s %s, '
                             'received %s. The downloaded file was removed.'
                             % (os.path.basename(fpath), origin, algorithm, file_hash,
                                hasher.hexdigest()))
        os.replace(tmp_path, fpath)
    except BaseException:
        if os.path.exists(tmp_path):
            os.remove(tmp_path)
        raise


def _safe_members(names, path):
    root = os.path.realpath(path)
    for name in names:
        target = os.path.realpath(os.path.join(root, name))
        if target != root and not target.startswith(root + os.sep):
            raise ValueError('archive member %r would be extracted outside %s; refusing'
                             % (name, path))


def _extract_archive(file_path, path='.', archive_format='auto'):
    """Extract a tar(.gz/.bz2) or zip archive into ``path``; True if it was one."""
    import tarfile
    import zipfile
    if archive_format is None:
        return False
    if archive_format == 'auto':
        archive_format = ['tar', 'zip']
    if isinstance(archive_format, str):
        archive_format = [archive_format]
    for fmt in archive_format:
        if fmt == 'tar' and tarfile.is_tarfile(file_path):
            with tarfile.open(file_path) as archive:
                _safe_members(archive.getnames(), path)
                if hasattr(tarfile, 'data_filter'):  # Python 3.12+ (and 3.8-3.11 updates)
                    archive.extractall(path, filter='data')
                else:
                    archive.extractall(path)
            return True
        if fmt == 'zip' and zipfile.is_zipfile(file_path):
            with zipfile.ZipFile(file_path) as archive:
                _safe_members(archive.namelist(), path)
                archive.extractall(path)
            return True
        if fmt not in ('tar', 'zip'):
            raise ValueError("archive_format must be 'auto', 'tar', 'zip', a list of these or "
                             "None, received %r" % (fmt,))
    return False


def get_file(fname, origin, untar=False, md5_hash=None, file_hash=None,
             cache_subdir='datasets', hash_algorithm='auto', extract=False,
             archive_format='auto', cache_dir=None):
    """Download ``origin`` (http(s), ftp or file URL) to
    ``<cache_dir>/<cache_subdir>/<fname>`` unless already there, and return that path.

    ``cache_dir`` defaults to ``$MINIKERAS_HOME`` (``~/.minikeras``). With ``file_hash``
    (sha256, or md5 when ``hash_algorithm='md5'`` or the hash has 32 digits) a cached
    file with another hash is downloaded again, and a download with another hash raises
    ``ValueError`` and is removed. Downloads go to a temporary file that is renamed when
    complete. ``extract=True`` unpacks a tar or zip archive beside the file;
    ``untar=True`` (Keras 1 style) treats ``fname`` as the folder of ``fname.tar.gz``.
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
        _download(origin, fpath, file_hash, algorithm)

    if untar:
        if not os.path.exists(untar_fpath):
            _extract_archive(fpath, datadir, archive_format='tar')
        return untar_fpath
    if extract:
        if not _extract_archive(fpath, datadir, archive_format):
            raise ValueError('get_file(extract=True): %s is not a %s archive'
                             % (fpath, archive_format))
    return fpath


from minikeras.utils.enqueuers import (  # noqa: F401,E402
    GeneratorEnqueuer, OrderedEnqueuer, SequenceEnqueuer, iter_sequence_infinite)
