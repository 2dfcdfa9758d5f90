"""Let MXNet 1.9 import beside NumPy 2.

MXNet 1.9 (the last release, 2022) names NumPy attributes that NumPy 2 removed, at
import time (``np.PZERO``, ``np.alltrue``, the financial functions, the private module
``numpy.linalg.linalg``, ...). ``_restore_removed_numpy_names()`` puts back the missing
ones, each as its NumPy 2 equivalent (or, for the financial functions, a stub that says
where they went), before ``import mxnet``. It adds names only where NumPy lacks them and
changes nothing under NumPy 1.x.

This changes the process-wide ``numpy`` module, so it runs only when the MXNet engine is
loaded under NumPy 2 (``pip install --no-deps mxnet==1.9.1`` next to numpy 2).
"""
import importlib
import sys
import types

import numpy


def _financial(name):
    def removed(*args, **kwargs):
        raise NotImplementedError('numpy.%s was removed in NumPy 1.20; it lives in the '
                                  'numpy-financial package' % name)
    removed.__name__ = name
    return removed


def _in1d(ar1, ar2, assume_unique=False, invert=False):
    return numpy.isin(numpy.ravel(ar1), ar2, assume_unique=assume_unique, invert=invert)


def _msort(a):
    return numpy.sort(a, axis=0)


def _replacements():
    """The removed names MXNet 1.9.1 reads while importing (found by logging NumPy 2's
    module ``__getattr__`` during ``import mxnet``); nothing else is added."""
    np = numpy
    names = {
        'PZERO': 0.0, 'NZERO': -0.0, 'PINF': float('inf'), 'NINF': -float('inf'),
        'NAN': float('nan'), 'NaN': float('nan'), 'Inf': float('inf'),
        'alltrue': np.all, 'sometrue': np.any, 'product': np.prod, 'round_': np.round,
        'msort': _msort, 'in1d': _in1d, 'trapz': getattr(np, 'trapezoid', None),
    }
    for name in ('fv', 'ipmt', 'irr', 'mirr', 'nper', 'npv', 'pmt', 'ppmt', 'pv', 'rate'):
        names[name] = _financial(name)
    return dict((k, v) for k, v in names.items() if v is not None)


def _has(module, name):
    try:
        getattr(module, name)
        return True
    except AttributeError:
        return False


def _restore_removed_numpy_names():
    """Add the NumPy 1.x names MXNet 1.9 needs; a no-op under NumPy 1.x. Returns the
    names added."""
    if int(numpy.__version__.split('.')[0]) < 2:
        return []
    added = []
    for name, value in sorted(_replacements().items()):
        if not _has(numpy, name):
            setattr(numpy, name, value)
            added.append(name)
    if not _has(numpy, 'compat'):  # removed in NumPy 2.4; MXNet's pad reads basestring
        compat = types.ModuleType('numpy.compat')
        compat.basestring = str
        sys.modules['numpy.compat'] = compat
        numpy.compat = compat
        added.append('compat')
    if 'numpy.linalg.linalg' not in sys.modules:
        try:
            importlib.import_module('numpy.linalg.linalg')  # a deprecated shim in some 2.x
        except ImportError:
            private = importlib.import_module('numpy.linalg._linalg')
            shim = types.ModuleType('numpy.linalg.linalg')
            shim.__dict__.update(dict((k, v) for k, v in vars(private).items()
                                      if not k.startswith('__')))
            sys.modules['numpy.linalg.linalg'] = shim
            numpy.linalg.linalg = shim
            added.append('linalg.linalg')
    return added
