"""Keras 2.3.1's datasets: real data from Keras's URLs, cached where Keras caches
(``$KERAS_HOME`` or ``~/.keras``, subfolder ``datasets``), with an offline fallback where
one ships in a package (the MNIST subset)."""
from minikeras.datasets import (boston_housing, cifar10, cifar100, fashion_mnist,  # noqa: F401
                                imdb, mnist, reuters)
