"""ResNet50V2/101V2/152V2 (Keras 2 ``keras.applications.resnet_v2``)."""
from minikeras.applications._inject import export

ResNet50V2, ResNet101V2, ResNet152V2, preprocess_input, decode_predictions = export(
    'resnet_v2', 'ResNet50V2', 'ResNet101V2', 'ResNet152V2')
