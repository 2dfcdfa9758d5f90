"""``keras.engine.saving``: whole-model and weight-group saving with Keras 2.3.1's names.

The group functions take a list of layers, as Keras's do."""
from minikeras.saving import hdf5 as _hdf5
from minikeras.saving.model_config import model_from_config, model_from_json  # noqa: F401
from minikeras.saving.model_file import load_model, save_model  # noqa: F401


class _Layers(object):
    """What the model-level HDF5 helpers need from a model: ``layers`` and ``name``."""

    def __init__(self, layers):
        self.layers = list(layers)
        self.name = 'layers'


def save_weights_to_hdf5_group(group, layers):
    _hdf5.write_weights_group(group, _Layers(layers))


def _load_group(f, layers, by_name, skip_mismatch):
    names, data = _hdf5._read_layers(f, getattr(f, 'name', 'HDF5 group'))
    _hdf5.assign_weights(_Layers(layers), names, data, getattr(f, 'name', 'HDF5 group'),
                         by_name=by_name, skip_mismatch=skip_mismatch)


def load_weights_from_hdf5_group(f, layers, reshape=False):
    _load_group(f, layers, False, False)


def load_weights_from_hdf5_group_by_name(f, layers, skip_mismatch=False, reshape=False):
    _load_group(f, layers, True, skip_mismatch)


def preprocess_weights_for_loading(layer, weights, original_keras_version=None,
                                   original_backend=None, reshape=False):
    """Keras 2.3.1 converts Keras-1 / Theano-era arrays here. minikeras files use one
    layout on every engine, so the arrays are returned as they are; a file written by
    Keras's Theano backend needs ``utils.conv_utils.convert_kernel`` on its kernels."""
    return list(weights)


def model_from_yaml(yaml_string, custom_objects=None):
    from minikeras.models import model_from_yaml as load
    return load(yaml_string, custom_objects=custom_objects)
