"""Contract: random tensors. ``shape`` is a tuple of ints or an int tensor (for shapes
known only at run time). Inside a compiled function every call draws fresh values;
``seed`` makes the sequence reproducible on that engine."""

__all__ = ['random_normal', 'random_uniform', 'truncated_normal', 'random_binomial']


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples."""


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Uniform samples in [minval, maxval)."""


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples redrawn (or clipped) beyond two standard deviations."""


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    """1 with probability ``p``, else 0."""
