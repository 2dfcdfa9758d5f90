"""Saving and loading weights and models (HDF5 + JSON, never pickle)."""
from minikeras.saving.hdf5 import load_weights, save_weights  # noqa: F401
from minikeras.saving.model_file import load_model, save_model  # noqa: F401
