"""Theano / PyTensor: compile each C module in about half the time, with a precompiled
header of the includes every module starts with.

A first call on an empty compile cache runs g++ once per op (~35 times for the MNIST
MLP's training step), and each run spends most of its time on what every module shares:
parsing ``Python.h``, ``iostream``, the engine's helper header, ``math.h``, NumPy's
``arrayobject.h`` / ``arrayscalars.h``, ``vector`` and ``algorithm`` (0.41 s of a 0.66 s
Elemwise module even at -O0), and writing debug information (Theano passes ``-g`` to
every module; nothing reads it).

``_install`` runs before the adapter compiles its first function. Once per compile
directory it starts g++ building those includes into a GCC precompiled header (about 1 s,
42 MB, next to the engine's modules; written under a temporary name and renamed, so no
process reads a partial one) while the engine optimizes the graph, and appends
``-include <that header> -g0`` to the engine's ``gcc.cxxflags``. The same module then
compiles in 0.35 s instead of 0.66 s. A module compiled before the header is in place,
or one whose options it does not match, makes GCC read the text header of the same name
instead: it is compiled as before, never wrongly. Nothing is done for the Python-only
linkers (``mode=FAST_COMPILE``), for other compilers, when the user set ``-include``
themselves, or with ``MINIKERAS_THEANO_PCH=0``.

Modules are also linked with gold (``-fuse-ld=gold``, where binutils installed it): the
link step of a module takes 16 ms instead of 50 ms with the default linker
(``MINIKERAS_THEANO_GOLD=0`` turns it off).
"""
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

_LOG = logging.getLogger(__name__)

# Included, in this order, by nearly every module of a tensor op (the engine's own
# DynamicModule list comes first; TensorType and Elemwise add the rest).
_TENSOR_HEADERS = ['<math.h>', '<numpy/arrayobject.h>', '<numpy/arrayscalars.h>',
                   '<vector>', '<algorithm>']
# CLinker.compile_args's fixed part (every module gets it, before the ops' own).
_CLINKER_ARGS = ['-O3', '-fno-math-errno', '-Wno-unused-label', '-Wno-unused-variable',
                 '-Wno-write-strings']

_state = {'done': False, 'header': None, 'builder': None}


def _get_flags(th, impl):
    return th.config.gcc.cxxflags if impl == 'theano' else th.config.gcc__cxxflags


def _set_flags(th, impl, value):
    if impl == 'theano':
        th.config.gcc.cxxflags = value
    else:
        th.config.gcc__cxxflags = value


def _cmodule(impl):
    import importlib
    return importlib.import_module('theano.gof.cmodule' if impl == 'theano'
                                   else 'pytensor.link.c.cmodule')


def _install(th, impl):
    """Build (once per compile directory) and use the precompiled header, and link with
    gold; never raises: without them every module is simply compiled as the engine does."""
    if _state['header'] is not None:
        try:
            _keep_text_header(*_state['header'])
        except OSError as e:
            _LOG.debug('minikeras: could not write %s again: %s', _state['header'][0], e)
    if _state['done'] or not _compiles_c_modules(th):
        return
    _state['done'] = True
    try:
        flags = _get_flags(th, impl)
        if 'g++' not in os.path.basename(th.config.cxx):
            return
    except AttributeError:
        return
    extra = ['-fuse-ld=gold'] if _use_gold(flags) else []
    if os.environ.get('MINIKERAS_THEANO_PCH', '1').strip() != '0' and \
            '-include' not in flags.split():
        try:
            header = _build(th, impl, flags)
        except (OSError, ValueError, AttributeError, subprocess.SubprocessError) as e:
            _LOG.debug('minikeras: no precompiled header for %s modules: %s', impl, e)
            header = None
        if header is not None:
            extra += ['-include', header, '-g0']
    if extra:
        _set_flags(th, impl, ' '.join(part for part in [flags] + extra if part))


def _use_gold(flags):
    """Link modules with gold (binutils' other linker): a module's link step takes 16 ms
    instead of 50 with the default ld, about a tenth of a module's compile. Not when the
    user picked a linker or ``MINIKERAS_THEANO_GOLD=0``, or where ld.gold is missing."""
    return (os.environ.get('MINIKERAS_THEANO_GOLD', '1').strip() != '0'
            and '-fuse-ld' not in flags and shutil.which('ld.gold') is not None)


def _compiles_c_modules(th):
    """False for the Python-only linkers (``mode=FAST_COMPILE``, ``linker=py``)."""
    linker = th.compile.mode.get_default_mode().linker
    return (type(linker).__name__ != 'PerformLinker'
            and getattr(linker, 'c_thunks', True) is not False)


def _build(th, impl, flags):
    cmodule = _cmodule(impl)
    includes = list(cmodule.DynamicModule().includes) + _TENSOR_HEADERS
    args = (_CLINKER_ARGS + list(cmodule.GCC_compiler.compile_args())
            + ['-g0', '-fvisibility=hidden']
            + ['-I%s' % d for d in cmodule.std_include_dirs() if d])
    source = ''.join('#include %s\n' % name for name in includes)
    digest = hashlib.sha256('\0'.join(
        [_compiler_identity(th.config.cxx), th.__version__, np.__version__, sys.version,
         source] + args).encode('utf-8')).hexdigest()[:16]
    folder = os.path.join(th.config.compiledir, 'minikeras_pch_' + digest)
    if any(c.isspace() for c in folder):
        return None        # gcc.cxxflags is split on spaces
    header = os.path.join(folder, 'minikeras_prefix.h')
    _state['header'] = (header, source)
    if os.path.exists(header + '.gch'):
        return header
    os.makedirs(folder, exist_ok=True)
    if not os.path.exists(header):
        _write_atomically(header, source.encode('utf-8'))
    _remove_stale(folder)
    fd, tmp = tempfile.mkstemp(suffix='.gch.tmp', dir=folder)
    os.close(fd)
    try:
        proc = subprocess.Popen([th.config.cxx, '-x', 'c++-header'] + args
                                + ['-o', tmp, header],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError:
        os.remove(tmp)
        raise
    # g++ builds it while the engine optimizes the graph (about as long); modules compiled
    # before it is in place read the text header. Not a daemon: it is renamed into place
    # even when the process ends first.
    _state['builder'] = threading.Thread(target=_finish, args=(proc, tmp, header + '.gch'),
                                         name='minikeras-prefix-header')
    _state['builder'].start()
    return header


def _finish(proc, tmp, gch):
    try:
        _, err = proc.communicate()
        if proc.returncode == 0:
            os.replace(tmp, gch)
        else:
            _LOG.debug('minikeras: g++ could not build %s: %s', gch,
                       err.decode('utf-8', 'replace')[-500:])
    except OSError as e:
        _LOG.debug('minikeras: could not build %s: %s', gch, e)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _wait():
    """Wait until a header being built is in place (tests)."""
    builder = _state.get('builder')
    if builder is not None:
        builder.join()


def _remove_stale(folder, age_s=600):
    """Temporary files of builds that were killed before they finished."""
    now = time.time()
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if name.endswith('.gch.tmp'):
            try:
                if now - os.path.getmtime(path) > age_s:
                    os.remove(path)
            except OSError:
                pass


def _keep_text_header(header, source):
    """Every module's command line names the header: if the compile directory was
    cleared while this process runs, write the text header again (g++ reads it)."""
    if not os.path.exists(header):
        os.makedirs(os.path.dirname(header), exist_ok=True)
        _write_atomically(header, source.encode('utf-8'))


def _compiler_identity(cxx):
    """The compiler binary's path, size and time: a new g++ gets a new header."""
    path = os.path.realpath(shutil.which(cxx) or cxx)
    st = os.stat(path)
    return '%s %d %d' % (path, st.st_size, int(st.st_mtime))


def _write_atomically(path, data):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
