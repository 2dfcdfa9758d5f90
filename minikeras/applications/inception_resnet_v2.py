"""InceptionResNetV2 (Keras 2 ``keras.applications.inception_resnet_v2``)."""
from minikeras.applications._inject import export

InceptionResNetV2, preprocess_input, decode_predictions = export(
    'inception_resnet_v2', 'InceptionResNetV2')
