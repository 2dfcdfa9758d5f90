"""minikeras: one Keras API, many tensor engines.

The engine is chosen when minikeras is imported: ``KERAS_BACKEND``, else
``$MINIKERAS_HOME/minikeras.json`` (default ``~/.minikeras/minikeras.json``), else
TensorFlow. Only that engine is imported.
"""
__version__ = '0.1.0'

from minikeras import backend  # noqa: F401,E402  (chooses and loads the engine)
from minikeras import (  # noqa: F401,E402
    activations, callbacks, constraints, datasets, engine, initializers, layers, losses,
    metrics, models, optimizers, preprocessing, regularizers, utils)
from minikeras.keras_alias import install_keras_alias  # noqa: F401,E402
from minikeras.layers import Input  # noqa: F401,E402
from minikeras.models import Model, Sequential  # noqa: F401,E402
from minikeras.legacy import interfaces as _legacy_interfaces  # noqa: E402
# saving and export register Model.save/load_weights/export (models/persistence.py)
from minikeras import export, saving  # noqa: F401,E402

# Keras-1 keyword arguments, converted with Keras 2.3.1's warnings
_legacy_interfaces.install()
