"""``keras.engine.saving``: whole-model and weight-group saving with Keras 2.3.1's names.

The group functions take a list of layers, as Keras's do."""
from minikeras.models.model_config import (  # noqa: F401
    model_from_config, model_from_json, model_from_yaml)
from minikeras.saving import h5_reader as _h5_reader
from minikeras.saving import hdf5 as _hdf5
from minikeras.saving.model_file import load_model, save_model  # noqa: F401
from minikeras.saving.rnn_conversion import preprocess_weights_for_loading  # noqa: F401


class _Layers(object):
    """What the model-level HDF5 helpers need from a model: ``layers`` and ``name``."""

    def __init__(self, layers):
        self.layers = list(layers)
        self.name = 'layers'


def save_weights_to_hdf5_group(group, layers):
    _hdf5.write_weights_group(group, _Layers(layers))


def _load_group(f, layers, by_name, skip_mismatch):
    """Checked like ``model.load_weights`` (metadata first, nothing assigned on error)."""
    where = 'group %s' % (getattr(f, 'name', None) or '/',)
    reader = _h5_reader.Reader(f.file, f.file.filename)
    pairs = _hdf5.match_weights(_Layers(layers), reader.weight_group(f, where), reader, where,
                                by_name=by_name, skip_mismatch=skip_mismatch)
    _hdf5.assign(reader.read(pairs))


def load_weights_from_hdf5_group(f, layers, reshape=False):
    _load_group(f, layers, False, False)


def load_weights_from_hdf5_group_by_name(f, layers, skip_mismatch=False, reshape=False):
    _load_group(f, layers, True, skip_mismatch)
