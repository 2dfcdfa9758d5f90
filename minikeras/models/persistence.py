"""The registration hook through which a model reaches the code that writes files.

``models/`` sits below ``saving/`` and ``export/``: those import models, never the
reverse (``tests/test_layering.py`` checks it). So ``Model.save``, ``save_weights``,
``load_weights``, ``export`` and ``minikeras.models.load_model`` call the functions that
``minikeras.saving`` and ``minikeras.export`` register here when they are imported;
``minikeras/__init__.py`` imports both (neither imports an engine or an optional package).

A function is registered under its public name::

    persistence.register(save_model=save_model, load_model=load_model)
"""

# name -> the package that registers it (for the message when it is missing)
PROVIDERS = {
    'save_model': 'minikeras.saving',
    'load_model': 'minikeras.saving',
    'save_weights': 'minikeras.saving',
    'load_weights': 'minikeras.saving',
    'export_model': 'minikeras.export',
}

_registered = {}


def register(**functions):
    """Make each ``name=function`` the one models call; only names in ``PROVIDERS``."""
    for name, function in functions.items():
        if name not in PROVIDERS:
            raise ValueError('persistence.register: unknown name %r; expected one of %s'
                             % (name, sorted(PROVIDERS)))
        if not callable(function):
            raise TypeError('persistence.register: %s must be callable, received %r'
                            % (name, function))
        _registered[name] = function


def call(name, *args, **kwargs):
    """Call the function registered as ``name``."""
    try:
        function = _registered[name]
    except KeyError:
        raise RuntimeError('%s is not registered: import %s (importing minikeras does)'
                           % (name, PROVIDERS.get(name, 'the package that provides it')))
    return function(*args, **kwargs)
