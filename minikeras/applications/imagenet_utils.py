"""ImageNet helpers (Keras 2 ``keras.applications.imagenet_utils``)."""
from minikeras.applications._inject import _injected
from minikeras.utils.optional import require

_module = require('keras_applications.imagenet_utils', 'keras_applications', 'applications',
                  'minikeras.applications')
preprocess_input = _injected(_module.preprocess_input)
decode_predictions = _injected(_module.decode_predictions)
