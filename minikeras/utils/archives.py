"""Extracting downloaded tar/zip archives without letting them write outside the target.

Every member is checked just before it is extracted, against what is on disk by then
(``realpath`` resolves links extracted earlier): its path, and for symlinks and hardlinks
their target, must stay inside the target folder; device files and FIFOs are refused. The
same checks run on every Python (3.6 has no ``tarfile`` data filter); where the data filter
exists it is applied as well.
"""
import os


class ArchiveError(ValueError):
    """An archive member that would escape the extraction folder (nothing of it is
    written)."""


def _inside(root, target):
    return target == root or target.startswith(root + os.sep)


def _check_path(root, name, archive, what='member'):
    if not name or os.path.isabs(name) or name.startswith(('/', '\\')):
        raise ArchiveError('%s: archive %s %r has an absolute or empty path; refusing to '
                           'extract it' % (archive, what, name))
    target = os.path.realpath(os.path.join(root, name))
    if not _inside(root, target):
        raise ArchiveError('%s: archive %s %r would be written to %s, outside %s; refusing'
                           % (archive, what, name, target, root))
    return target


def _check_tar_member(root, member, archive):
    _check_path(root, member.name, archive)
    if member.issym():
        if os.path.isabs(member.linkname):
            raise ArchiveError('%s: symlink %r points to the absolute path %r; refusing'
                               % (archive, member.name, member.linkname))
        link_dir = os.path.dirname(member.name)
        target = os.path.realpath(os.path.join(root, link_dir, member.linkname))
        if not _inside(root, target):
            raise ArchiveError('%s: symlink %r points to %r, outside %s; refusing'
                               % (archive, member.name, member.linkname, root))
    elif member.islnk():
        _check_path(root, member.linkname, archive, 'hardlink target of %r' % member.name)
    elif not (member.isfile() or member.isdir()):
        raise ArchiveError('%s: member %r is a device file or FIFO; refusing' % (archive,
                                                                                  member.name))


def extract_tar(file_path, path):
    import tarfile
    root = os.path.realpath(path)
    with tarfile.open(file_path) as archive:
        data_filter = getattr(tarfile, 'data_filter', None)
        members = archive.getmembers()
        for member in members:      # refuse the archive before writing anything ...
            _check_tar_member(root, member, file_path)
        for member in members:      # ... and again against links extracted meanwhile
            _check_tar_member(root, member, file_path)
            if data_filter is not None:
                archive.extract(member, root, filter='data')
            else:
                archive.extract(member, root)


def extract_zip(file_path, path):
    import zipfile
    root = os.path.realpath(path)
    with zipfile.ZipFile(file_path) as archive:
        infos = archive.infolist()
        for info in infos:
            _check_path(root, info.filename, file_path)
        for info in infos:
            _check_path(root, info.filename, file_path)
            archive.extract(info, root)


def extract_archive(file_path, path='.', archive_format='auto'):
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
        if fmt not in ('tar', 'zip'):
            raise ValueError("archive_format must be 'auto', 'tar', 'zip', a list of these or "
                             "None, received %r" % (fmt,))
        if fmt == 'tar' and tarfile.is_tarfile(file_path):
            extract_tar(file_path, path)
            return True
        if fmt == 'zip' and zipfile.is_zipfile(file_path):
            extract_zip(file_path, path)
            return True
    return False
