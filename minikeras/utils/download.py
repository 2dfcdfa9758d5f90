"""Downloading one URL to a file for ``get_file``: a temporary file beside the target,
hash checked while streaming, a timeout on every network wait, retries on network
errors and HTTP 5xx, and nothing left behind on failure."""
import hashlib
import os
import sys
import tempfile
import time

# seconds before the 2nd attempt (doubling after); tests set it to 0
RETRY_DELAY = 1.


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


class _Retry(Exception):
    """A failed attempt worth repeating (network error, timeout, HTTP 5xx, short read)."""


def _attempt(origin, out, hasher, timeout):
    """Stream ``origin`` into the open file ``out``; the number of bytes."""
    import socket
    import urllib.error
    import urllib.request
    try:
        response = urllib.request.urlopen(origin, timeout=timeout)
    except urllib.error.HTTPError as e:
        if e.code < 500:
            raise IOError('URL fetch failure on %s: %s -- %s' % (origin, e.code, e.msg))
        raise _Retry('%s -- %s' % (e.code, e.msg))
    except urllib.error.URLError as e:
        if origin.lower().startswith('file:'):      # a local file: nothing to wait for
            raise IOError('URL fetch failure on %s: %s' % (origin, e.reason))
        raise _Retry(str(e.reason))
    except ValueError as e:
        raise ValueError('cannot download %r: %s' % (origin, e))
    except (socket.timeout, OSError) as e:
        raise _Retry('%s: %s' % (type(e).__name__, e))
    try:
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
    except (socket.timeout, OSError) as e:
        raise _Retry('%s while reading: %s' % (type(e).__name__, e))
    if total is not None and done != total:
        raise _Retry('incomplete: received %d of %d bytes' % (done, total))
    return done


def download(origin, fpath, file_hash, algorithm, timeout=60, retries=3):
    """Fetch ``origin`` to ``fpath`` (see ``get_file``): up to ``retries`` attempts, each
    network wait bounded by ``timeout`` seconds."""
    directory = os.path.dirname(fpath) or '.'
    fd, tmp_path = tempfile.mkstemp(dir=directory, prefix='.' + os.path.basename(fpath) + '.',
                                    suffix='.part')
    attempts = max(1, int(retries))
    try:
        with os.fdopen(fd, 'wb') as out:
            for attempt in range(attempts):
                if attempt:
                    time.sleep(RETRY_DELAY * 2 ** (attempt - 1))
                out.seek(0)
                out.truncate()
                hasher = None
                if file_hash is not None:
                    hasher = hashlib.sha256() if algorithm == 'sha256' else hashlib.md5()
                try:
                    _attempt(origin, out, hasher, timeout)
                    break
                except _Retry as e:
                    last = e
            else:
                raise IOError('URL fetch failure on %s after %d attempt(s), each waiting at '
                              'most %ss: %s' % (origin, attempts, timeout, last))
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

