"""``keras.engine.input_layer``: Input and InputLayer."""
from minikeras.layers.input_layer import Input, InputLayer  # noqa: F401
