"""Keras 2.3.1's applications (``keras.applications``): the ImageNet models of
``keras_applications`` 1.0.8 built from minikeras layers on the chosen engine, with Keras's
weight files (``weights='imagenet'``, cached in ``~/.keras/models``). Each family's module
(``vgg16``, ``resnet``, ...) also has ``preprocess_input`` and ``decode_predictions``."""
from minikeras.applications.densenet import DenseNet121, DenseNet169, DenseNet201  # noqa
from minikeras.applications.inception_resnet_v2 import InceptionResNetV2  # noqa: F401
from minikeras.applications.inception_v3 import InceptionV3  # noqa: F401
from minikeras.applications.mobilenet import MobileNet  # noqa: F401
from minikeras.applications.mobilenet_v2 import MobileNetV2  # noqa: F401
from minikeras.applications.nasnet import NASNetLarge, NASNetMobile  # noqa: F401
from minikeras.applications.resnet import ResNet101, ResNet152  # noqa: F401
from minikeras.applications.resnet50 import ResNet50  # noqa: F401
from minikeras.applications.resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2  # noqa
from minikeras.applications.vgg16 import VGG16  # noqa: F401
from minikeras.applications.vgg19 import VGG19  # noqa: F401
from minikeras.applications.xception import Xception  # noqa: F401
