"""MobileNetV2 (Keras 2 ``keras.applications.mobilenet_v2``)."""
from minikeras.applications._inject import export

MobileNetV2, preprocess_input, decode_predictions = export('mobilenet_v2', 'MobileNetV2')
