"""``keras.engine.network``: Network and get_source_inputs."""
from minikeras.models.network import Network  # noqa: F401
from minikeras.utils.layer_utils import get_source_inputs  # noqa: F401
