"""``keras.engine.base_layer``: Layer, InputSpec and Node."""
from minikeras.backend.symbolic import Node  # noqa: F401
from minikeras.layers.base import InputSpec, Layer  # noqa: F401
