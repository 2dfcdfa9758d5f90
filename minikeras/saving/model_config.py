"""Kept for imports written before model configs moved to ``minikeras.models.model_config``
(saving imports models, never the other way round)."""
from minikeras.models.model_config import (  # noqa: F401
    NODE_KWARGS, model_from_config, model_from_json, model_from_yaml, network_config,
    network_from_config, node_kwargs, serialize_model, to_json, to_yaml)
