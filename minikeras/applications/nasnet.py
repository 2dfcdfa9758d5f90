"""NASNetMobile/Large (Keras 2 ``keras.applications.nasnet``)."""
from minikeras.applications._inject import export

NASNetMobile, NASNetLarge, preprocess_input, decode_predictions = export(
    'nasnet', 'NASNetMobile', 'NASNetLarge')
