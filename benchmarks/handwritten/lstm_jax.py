"""The LSTM classifier step written directly in JAX: see ``handwritten/jax.py``."""
from handwritten.jax import configure_threads, make_lstm_step as make_step  # noqa: F401
