"""Keras 2.3.1's applications come from ``keras_applications`` 1.0.8, which builds each model
from the ``backend``, ``layers``, ``models`` and ``utils`` modules it is given: we give it
minikeras's, so every application runs on every engine
(``pip install "minikeras[applications]"``)."""
import contextlib
import functools


class _Backend(object):
    """``minikeras.backend`` plus ``name_scope`` (used by keras_applications for TensorFlow
    graph names; layer names do not depend on it, so it scopes nothing)."""

    def __getattr__(self, name):
        import minikeras.backend as K
        return getattr(K, name)

    @staticmethod
    @contextlib.contextmanager
    def name_scope(name):
        yield name


class _Utils(object):
    """``minikeras.utils`` with ``get_file`` caching where Keras does (``$KERAS_HOME`` or
    ``~/.keras``, subfolder ``models``), so weights an installed Keras downloaded are
    reused, plus the two helpers keras_applications needs."""

    def __getattr__(self, name):
        import minikeras.utils as utils
        return getattr(utils, name)

    @staticmethod
    def get_file(fname, origin, cache_subdir='datasets', **kwargs):
        """Weights and class-index files into ``<Keras cache>/<cache_subdir>``; offline
        and uncached, the error names the URL and the path to save it at."""
        from minikeras.datasets._fetch import fetch
        return fetch(fname, origin, cache_subdir=cache_subdir, **kwargs)

    @staticmethod
    def get_source_inputs(tensor, layer=None, node_index=None):
        """The ``Input()`` tensors ``tensor`` is computed from."""
        from minikeras.layers.input_layer import InputLayer
        found, stack, seen = [], [tensor], set()
        while stack:
            t = stack.pop()
            if id(t) in seen:
                continue
            seen.add(id(t))
            node = t.node
            if node is None or isinstance(node.layer, InputLayer):
                found.append(t)
            else:
                stack.extend(reversed(node.inputs))
        return found

    @staticmethod
    def convert_all_kernels_in_model(model):
        """keras_applications calls this under Theano to flip TF-layout kernels for
        Theano's true convolution; minikeras cross-correlates on every engine (Theano
        included), so Keras's TF-layout weight files are used as they are."""


def _modules():
    import minikeras.layers as layers
    import minikeras.models as models
    return {'backend': _Backend(), 'layers': layers, 'models': models, 'utils': _Utils()}


def _injected(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        kwargs.update(_modules())
        return function(*args, **kwargs)
    return wrapper


def export(module_name, *names):
    """``names`` from ``keras_applications.<module_name>`` with minikeras's modules
    injected, followed by its ``preprocess_input`` and ``decode_predictions``."""
    from minikeras.utils.optional import require
    module = require('keras_applications.' + module_name, 'keras_applications',
                     'applications', 'minikeras.applications')
    return tuple(_injected(getattr(module, name))
                 for name in names + ('preprocess_input', 'decode_predictions'))
