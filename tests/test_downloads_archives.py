"""get_file's network waits are bounded and retried; archives cannot write outside the
folder they are extracted to (checked by minikeras itself, so also on Python 3.6)."""
import io
import os
import pathlib
import socket
import tarfile
import threading
import time
import zipfile

import pytest

from minikeras.utils import download, get_file
from minikeras.utils.archives import ArchiveError, extract_archive


def _silent_server():
    """A TCP server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(('127.0.0.1', 0))
    server.listen(8)
    held = []

    def accept():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            held.append(conn)
    threading.Thread(target=accept, daemon=True).start()
    return server, held


def test_get_file_times_out_retries_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(download, 'RETRY_DELAY', 0.)
    server, held = _silent_server()
    url = 'http://127.0.0.1:%d/data.bin' % server.getsockname()[1]
    start = time.time()
    try:
        with pytest.raises(IOError) as e:
            get_file('data.bin', url, cache_dir=str(tmp_path), timeout=0.3, retries=2)
    finally:
        server.close()
        for conn in held:
            conn.close()
    assert time.time() - start < 10
    message = str(e.value)
    assert url in message and '2 attempt' in message and '0.3' in message, message
    assert os.listdir(str(tmp_path / 'datasets')) == []      # no partial file left


def _tar(path, members):
    with tarfile.open(str(path), 'w') as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)


def _member(name, data=b'x', kind=tarfile.REGTYPE, linkname=''):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    return info, (data if kind == tarfile.REGTYPE else None)


ESCAPES = {
    'dot-dot path': [_member('../escaped.txt')],
    'absolute path': [_member('/tmp/minikeras_escaped_abs.txt')],
    'symlink out': [_member('link', kind=tarfile.SYMTYPE, linkname='../..'),
                    _member('link/escaped.txt')],
    'absolute symlink': [_member('link', kind=tarfile.SYMTYPE, linkname='/tmp')],
    'hardlink out': [_member('hard', kind=tarfile.LNKTYPE, linkname='../outside/secret.txt')],
    'symlink chain': [_member('a', kind=tarfile.SYMTYPE, linkname='.'),
                      _member('b', kind=tarfile.SYMTYPE, linkname='a/../..')],
    'device': [_member('dev', kind=tarfile.CHRTYPE)],
}


@pytest.mark.parametrize('case', sorted(ESCAPES))
def test_tar_members_escaping_the_target_are_refused(tmp_path, case):
    outside = tmp_path / 'outside'
    outside.mkdir()
    (outside / 'secret.txt').write_text(u'secret')
    target = tmp_path / 'work' / 'target'
    target.mkdir(parents=True)
    archive = tmp_path / 'evil.tar'
    _tar(archive, [_member('fine.txt')] + ESCAPES[case])
    before = sorted(str(p) for p in tmp_path.rglob('*'))
    with pytest.raises(ArchiveError) as e:
        extract_archive(str(archive), str(target))
    assert str(archive) in str(e.value)
    after = sorted(str(p) for p in tmp_path.rglob('*'))
    assert after == before      # refused before anything was written
    assert not os.path.exists('/tmp/minikeras_escaped_abs.txt')


def test_zip_members_escaping_the_target_are_refused(tmp_path):
    target = tmp_path / 'target'
    target.mkdir()
    archive = tmp_path / 'evil.zip'
    with zipfile.ZipFile(str(archive), 'w') as z:
        z.writestr('fine.txt', 'ok')
        z.writestr('../escaped.txt', 'bad')
    with pytest.raises(ArchiveError):
        extract_archive(str(archive), str(target))
    assert sorted(p.name for p in tmp_path.iterdir()) == ['evil.zip', 'target']
    assert list(target.iterdir()) == []
    # an existing link inside the target does not let a member out either
    (target / 'out').symlink_to(tmp_path)
    with zipfile.ZipFile(str(archive), 'w') as z:
        z.writestr('out/escaped.txt', 'bad')
    with pytest.raises(ArchiveError):
        extract_archive(str(archive), str(target))
    assert not (tmp_path / 'escaped.txt').exists()


def test_links_inside_the_target_are_extracted(tmp_path):
    target = tmp_path / 'target'
    target.mkdir()
    archive = tmp_path / 'ok.tar'
    _tar(archive, [_member('dir/', kind=tarfile.DIRTYPE), _member('dir/data.txt', b'hi'),
                   _member('alias', kind=tarfile.SYMTYPE, linkname='dir/data.txt'),
                   _member('hard', kind=tarfile.LNKTYPE, linkname='dir/data.txt')])
    assert extract_archive(str(archive), str(target))
    assert pathlib.Path(str(target / 'alias')).read_bytes() == b'hi'
    assert pathlib.Path(str(target / 'hard')).read_bytes() == b'hi'
