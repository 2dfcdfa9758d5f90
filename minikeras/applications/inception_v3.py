"""InceptionV3 (Keras 2 ``keras.applications.inception_v3``)."""
from minikeras.applications._inject import export

InceptionV3, preprocess_input, decode_predictions = export('inception_v3', 'InceptionV3')
