"""ResNet50 (Keras 2 ``keras.applications.resnet50``)."""
from minikeras.applications._inject import export

ResNet50, preprocess_input, decode_predictions = export('resnet50', 'ResNet50')
