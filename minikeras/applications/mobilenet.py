"""MobileNet (Keras 2 ``keras.applications.mobilenet``)."""
from minikeras.applications._inject import export

MobileNet, preprocess_input, decode_predictions = export('mobilenet', 'MobileNet')
