"""Keras 2.3.1's ``keras.backend.load_backend`` module: every ``K`` name, for code that
imports from it directly. The engine itself is chosen once, when ``minikeras.backend``
is imported (``KERAS_BACKEND``, the config file, or the default)."""
from minikeras.backend import *  # noqa: F401,F403
from minikeras.backend import backend, epsilon, floatx, image_data_format  # noqa: F401
