"""ResNet50/101/152 (Keras 2 ``keras.applications.resnet``)."""
from minikeras.applications._inject import export

ResNet50, ResNet101, ResNet152, preprocess_input, decode_predictions = export(
    'resnet', 'ResNet50', 'ResNet101', 'ResNet152')
