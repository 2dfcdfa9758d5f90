"""DenseNet121/169/201 (Keras 2 ``keras.applications.densenet``)."""
from minikeras.applications._inject import export

DenseNet121, DenseNet169, DenseNet201, preprocess_input, decode_predictions = export(
    'densenet', 'DenseNet121', 'DenseNet169', 'DenseNet201')
