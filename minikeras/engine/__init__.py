"""Keras 2.3.1's ``keras.engine``: where custom layers and models import their bases.

The classes live in ``minikeras.layers`` and ``minikeras.models``; this package gives
them Keras's module paths (``keras.engine.Layer``, ``keras.engine.topology.Network``...).
"""
from minikeras.engine.base_layer import InputSpec, Layer, Node  # noqa: F401
from minikeras.engine.input_layer import Input, InputLayer  # noqa: F401
from minikeras.engine.network import Network, get_source_inputs  # noqa: F401
from minikeras.engine.training import Model  # noqa: F401
