"""Image preprocessing and real-time augmentation (Keras 2 ``keras.preprocessing.image``),
delegated to ``keras_preprocessing`` 1.1.2 exactly as Keras 2.3.1 did; needs Pillow for
image files and SciPy for the affine transforms (``pip install "minikeras[image]"``)."""
from minikeras.preprocessing._delegate import kp, rebind, with_backend_defaults
from minikeras.utils.data_utils import Sequence

_image = kp('image', 'image')  # an ImportError with the install hint when missing
_generator_module = kp('image.image_data_generator', 'image')

from keras_preprocessing.image import (  # noqa: E402,F401  (Keras 2.3.1's re-exports)
    apply_affine_transform, apply_brightness_shift, apply_channel_shift, flip_axis,
    list_pictures, load_img, random_brightness, random_channel_shift, random_rotation,
    random_shear, random_shift, random_zoom, transform_matrix_offset_center)

array_to_img = with_backend_defaults(_image.array_to_img)
img_to_array = with_backend_defaults(_image.img_to_array)
save_img = with_backend_defaults(_image.save_img)


class Iterator(_image.Iterator, Sequence):
    """Base of the batch iterators: a ``Sequence``, so ``fit``/``fit_generator`` take it."""


class NumpyArrayIterator(_image.NumpyArrayIterator, Iterator):
    __doc__ = _image.NumpyArrayIterator.__doc__
    __init__ = with_backend_defaults(_image.NumpyArrayIterator.__init__)


class DirectoryIterator(_image.DirectoryIterator, Iterator):
    __doc__ = _image.DirectoryIterator.__doc__
    __init__ = with_backend_defaults(_image.DirectoryIterator.__init__)


class DataFrameIterator(_image.DataFrameIterator, Iterator):
    __doc__ = _image.DataFrameIterator.__doc__
    __init__ = with_backend_defaults(_image.DataFrameIterator.__init__)

    def __new__(cls, *args, **kwargs):
        # keras_preprocessing's __new__ imports tensorflow to add tf.keras's Sequence as a
        # base; we are a minikeras Sequence already and import no engine here
        return object.__new__(cls)


_ITERATORS = dict(NumpyArrayIterator=NumpyArrayIterator, DirectoryIterator=DirectoryIterator,
                  DataFrameIterator=DataFrameIterator)


class ImageDataGenerator(_image.ImageDataGenerator):
    __doc__ = _image.ImageDataGenerator.__doc__
    __init__ = with_backend_defaults(_image.ImageDataGenerator.__init__)
    flow = rebind(_image.ImageDataGenerator.flow, **_ITERATORS)
    flow_from_directory = rebind(_image.ImageDataGenerator.flow_from_directory, **_ITERATORS)
    flow_from_dataframe = rebind(_image.ImageDataGenerator.flow_from_dataframe, **_ITERATORS)
