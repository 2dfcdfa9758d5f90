"""``keras.engine.training``: Model."""
from minikeras.models.training import Model  # noqa: F401
