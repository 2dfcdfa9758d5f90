"""Keras-1 argument names that Keras 2.3.1 still converts, with its warnings."""
