"""VGG16 (Keras 2 ``keras.applications.vgg16``)."""
from minikeras.applications._inject import export

VGG16, preprocess_input, decode_predictions = export('vgg16', 'VGG16')
