"""Datasets: real data, downloaded and cached, with an offline fallback where one ships."""
