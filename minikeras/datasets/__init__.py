"""Datasets: real data, downloaded and cached, with an offline fallback where one ships."""
from minikeras.datasets import mnist  # noqa: F401,E402
