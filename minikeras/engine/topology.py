"""``keras.engine.topology`` (kept by Keras 2.3.1 for old imports)."""
from minikeras.engine.base_layer import InputSpec, Layer, Node  # noqa: F401
from minikeras.engine.input_layer import Input, InputLayer  # noqa: F401
from minikeras.engine.network import Network, get_source_inputs  # noqa: F401
from minikeras.engine.saving import (  # noqa: F401
    load_weights_from_hdf5_group, load_weights_from_hdf5_group_by_name,
    preprocess_weights_for_loading, save_weights_to_hdf5_group)
