"""Data preprocessing helpers (Keras 2 ``keras.preprocessing``)."""
from minikeras.preprocessing import sequence  # noqa: F401
