"""Keras 2.3.1's ``keras.backend.cntk_backend`` module path, for scripts that import
from it: every ``K`` name of the active engine (whichever it is; the engine is chosen
once per process by ``KERAS_BACKEND``)."""
from minikeras.backend import *  # noqa: F401,F403
