"""VGG19 (Keras 2 ``keras.applications.vgg19``)."""
from minikeras.applications._inject import export

VGG19, preprocess_input, decode_predictions = export('vgg19', 'VGG19')
