"""Optional dependencies: imported only when a feature needs them, with an install hint."""
import importlib


def require(module, package, extra, purpose):
    """Import ``module``; when it is missing, an ``ImportError`` says which feature needs
    it and how to install it (``pip install "minikeras[extra]"`` or the package itself)."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError('%s needs the %s package, which could not be imported (%s). '
                          'Install it with: pip install "minikeras[%s]" (or pip install %s)'
                          % (purpose, package, e, extra, package))
