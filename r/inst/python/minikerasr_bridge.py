"""Python side of the minikerasr R package: array and value conversions.

reticulate's own array conversions depend on the reticulate and numpy versions
(reticulate before 1.36 cannot exchange arrays with numpy 2). Arrays therefore cross
as flat lists plus a shape, which every reticulate handles: R to Python column-major
(R's order), Python to R row-major; each side rebuilds the array with the same indices.
Runs on Python 3.6 and 3.11 (no f-strings with '=', no annotations).
"""
import inspect

import numpy as np


def as_array(values, shape, dtype=None):
    """A C-ordered numpy array from an R array's values (column-major, as a list or a
    scalar) and dim: element [i, j, ...] of the R array is element [i-1, j-1, ...] here.
    Built from a plain list so that no numpy C API of reticulate's is involved."""
    a = np.asarray(values, dtype=dtype).reshape(tuple(int(n) for n in shape), order='F')
    return np.ascontiguousarray(a)


def to_r(x):
    """``{'kind', 'shape', 'data'}``: the array ``x`` as a flat row-major list."""
    a = np.asarray(x)
    if a.dtype.kind == 'b':
        kind, data = 'logical', a.astype(bool)
    elif a.dtype.kind in 'iu' and (a.size == 0 or (a.min() >= -2 ** 31 + 1
                                                   and a.max() < 2 ** 31)):
        kind, data = 'integer', a.astype(np.int64)
    elif a.dtype.kind in 'iuf':
        kind, data = 'double', a.astype(np.float64)
    else:
        raise TypeError('cannot hand a numpy array of dtype %s to R (expected numbers '
                        'or booleans)' % a.dtype)
    return {'kind': kind, 'shape': [int(n) for n in a.shape],
            'data': data.ravel(order='C').tolist()}


def float_lists(mapping):
    """``{name: [float, ...]}`` of a ``History.history`` (values may be numpy scalars)."""
    return dict((str(k), [float(v) for v in vals]) for k, vals in mapping.items())


def plain(value):
    """``value`` with numpy scalars made Python numbers, recursively (dicts, lists)."""
    if isinstance(value, dict):
        return dict((str(k), plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def init_params(cls):
    """Names of the keyword arguments of ``cls.__init__`` (for the R layer table's
    tests), including those its base classes take through ``**kwargs``."""
    names = []
    for klass in inspect.getmro(cls):
        init = klass.__dict__.get('__init__')
        if init is None:
            continue
        params = inspect.signature(init).parameters
        for name, p in params.items():
            if name != 'self' and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
                names.append(name)
        if not any(p.kind == p.VAR_KEYWORD for p in params.values()):
            break
    return names


def restore_base_prefix():
    """Python embedded by reticulate (before 1.30 or so) in a virtual environment starts
    with PYTHONHOME set to the environment, so ``sys.base_prefix`` names the environment
    instead of the Python it was made from, and the C headers (``Python.h``) are looked
    for where they are not: Theano and PyTensor then cannot compile. Put back the base
    that ``pyvenv.cfg`` names (what a normal start of that interpreter reports). Returns
    the base prefix now in effect."""
    import os
    import sys
    import sysconfig
    cfg = os.path.join(sys.prefix, 'pyvenv.cfg')
    if sys.base_prefix != sys.prefix or not os.path.isfile(cfg):
        return sys.base_prefix
    home = None
    with open(cfg) as f:
        for line in f:
            key, _, value = line.partition('=')
            if key.strip() == 'home':
                home = value.strip()
    if not home or not os.path.isdir(home):
        return sys.base_prefix
    base = os.path.dirname(os.path.normpath(home))      # home is the base's bin/ folder
    sys.base_prefix = sys.base_exec_prefix = base
    for name in ('_BASE_PREFIX', '_BASE_EXEC_PREFIX'):
        if hasattr(sysconfig, name):
            setattr(sysconfig, name, base)
    config = getattr(sysconfig, '_CONFIG_VARS', None)
    if config:
        config['installed_base'] = config['installed_platbase'] = base
    distutils_config = sys.modules.get('distutils.sysconfig')
    if distutils_config is not None:
        distutils_config.BASE_PREFIX = distutils_config.BASE_EXEC_PREFIX = base
    return base
