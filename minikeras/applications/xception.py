"""Xception (Keras 2 ``keras.applications.xception``)."""
from minikeras.applications._inject import export

Xception, preprocess_input, decode_predictions = export('xception', 'Xception')
