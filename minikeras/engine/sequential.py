"""``keras.engine.sequential``: Sequential."""
from minikeras.models.sequential import Sequential  # noqa: F401
