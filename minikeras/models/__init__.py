"""Models: Model (functional and subclassed), Sequential, and loading/saving."""
from minikeras.models.training import Model  # noqa: F401
from minikeras.models.sequential import Sequential  # noqa: F401
from minikeras.models import model_config, persistence
from minikeras.models.cloning import clone_model as _clone_model
from minikeras.utils import object_registration

object_registration.BUILTIN_LAYERS.update(Model=Model, Sequential=Sequential)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """See ``minikeras.saving.load_model`` (reached through ``models/persistence.py``)."""
    return persistence.call('load_model', filepath, custom_objects=custom_objects,
                            compile=compile, safe_mode=safe_mode)


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    model.save(filepath, overwrite=overwrite, include_optimizer=include_optimizer)


def model_from_json(json_string, custom_objects=None, safe_mode=True):
    """See ``minikeras.models.model_config.model_from_json``."""
    return model_config.model_from_json(json_string, custom_objects, safe_mode=safe_mode)


def model_from_yaml(yaml_string, custom_objects=None, safe_mode=True):
    """See ``minikeras.models.model_config.model_from_yaml`` (needs PyYAML)."""
    return model_config.model_from_yaml(yaml_string, custom_objects, safe_mode=safe_mode)


def model_from_config(config, custom_objects=None, safe_mode=True):
    return model_config.model_from_config(config, custom_objects, safe_mode=safe_mode)


def clone_model(model, input_tensors=None, clone_function=None):
    return _clone_model(model, input_tensors=input_tensors, clone_function=clone_function)
