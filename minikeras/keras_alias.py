"""``import keras`` -> ``minikeras`` for one process, through a meta path finder.

minikeras ships no top-level ``keras`` package (TensorFlow 2.21 depends on the ``keras`` 3
package, which must stay importable as itself). Instead, ``install_keras_alias()`` puts a
finder first on ``sys.meta_path`` that answers ``keras`` and ``keras.<x>`` with the very
module objects ``minikeras`` and ``minikeras.<x>``, so ``keras.layers is minikeras.layers``.
``minikeras-run`` installs it before running a script.
"""
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys

ALIAS = 'keras'
TARGET = 'minikeras'


class _AliasLoader(importlib.abc.Loader):
    """Hands back the already-imported minikeras module; restores its own spec after the
    import machinery has stamped the alias spec on it."""

    def __init__(self, module):
        self.module = module
        self.original_spec = getattr(module, '__spec__', None)

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        module.__spec__ = self.original_spec


# Keras 3 (imported by TensorFlow 2.21 itself) keeps its code under these names; Keras
# 2.3.1 has none of them, so they keep resolving to the real package for TensorFlow.
_REAL_KERAS_PARTS = ('src', 'api', '_tf_keras')
_stashed = {}   # the real keras modules taken out of sys.modules by install_keras_alias


def _is_real_keras_internal(fullname):
    parts = fullname.split('.')
    return parts[0] == ALIAS and len(parts) > 1 and parts[1] in _REAL_KERAS_PARTS


def _real_keras_path():
    """Where the real keras package lives (set aside, or not imported yet)."""
    real = _stashed.get(ALIAS)
    if real is not None:
        return list(real.__path__)
    spec = importlib.machinery.PathFinder.find_spec(ALIAS)
    if spec is None or spec.submodule_search_locations is None:
        return None
    return list(spec.submodule_search_locations)


class KerasAliasFinder(importlib.abc.MetaPathFinder):
    """Resolves ``keras`` / ``keras.*`` to ``minikeras`` / ``minikeras.*``."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != ALIAS and not fullname.startswith(ALIAS + '.'):
            return None
        if _is_real_keras_internal(fullname):
            if fullname.count('.') > 1:
                return None   # the parent is real keras code: the normal finders answer
            path = _real_keras_path()
            return importlib.machinery.PathFinder.find_spec(fullname, path) if path else None
        real_name = TARGET + fullname[len(ALIAS):]
        try:
            module = importlib.import_module(real_name)
        except ModuleNotFoundError as e:
            if e.name != real_name:
                raise
            raise ModuleNotFoundError(
                'No module named %r: keras is an alias of minikeras in this process '
                '(minikeras-run / minikeras.install_keras_alias()) and minikeras has no '
                'module %r' % (fullname, real_name), name=fullname)
        return importlib.util.spec_from_loader(fullname, _AliasLoader(module),
                                               is_package=hasattr(module, '__path__'))


def is_installed():
    return any(isinstance(f, KerasAliasFinder) for f in sys.meta_path)


def install_keras_alias():
    """Make ``import keras`` (and ``keras.*``) give minikeras in this process.

    If the real ``keras`` package is already imported (TensorFlow 2.21 imports Keras 3
    when it loads), its public modules are taken out of ``sys.modules`` (TensorFlow keeps
    its own references, and Keras 3's internal ``keras.src`` modules stay), so that later
    ``import keras`` statements see minikeras."""
    from minikeras.backend.keras3 import resolve_tf_keras
    resolve_tf_keras(ALIAS)
    for name in list(sys.modules):
        module = sys.modules[name]
        if (name == ALIAS or name.startswith(ALIAS + '.')) \
                and not _is_real_keras_internal(name) \
                and not getattr(module, '__name__', '').startswith(TARGET):
            _stashed[name] = sys.modules.pop(name)
    if not is_installed():
        sys.meta_path.insert(0, KerasAliasFinder())


def uninstall_keras_alias():
    """Remove the finder, forget the ``keras*`` entries it made and put back the real
    keras modules it had set aside."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, KerasAliasFinder)]
    for name in list(sys.modules):
        if (name == ALIAS or name.startswith(ALIAS + '.')) and \
                getattr(sys.modules[name], '__name__', '').startswith(TARGET):
            del sys.modules[name]
    sys.modules.update(_stashed)
    _stashed.clear()
