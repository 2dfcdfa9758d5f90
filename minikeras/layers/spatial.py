"""What the layers over spatial axes share (padding, cropping, upsampling, global
pooling): the input's number of axes checked, ``data_format`` and the spatial axes."""
from minikeras.layers.base import InputSpec, Layer
from minikeras.utils import conv_utils


def check_ndim(layer, input_shape, ndim):
    if len(input_shape) != ndim:
        raise ValueError('layer %s (%s) expects inputs with %d axes, received shape %s'
                         % (layer.name, type(layer).__name__, ndim, tuple(input_shape)))


class SpatialLayer(Layer):
    """A layer over the ``_rank`` spatial axes of a (batch, spatial..., channels) input
    (channels first with ``data_format='channels_first'``)."""

    _rank = 2

    def __init__(self, data_format, **kwargs):
        super(SpatialLayer, self).__init__(**kwargs)
        self.data_format = conv_utils.normalize_data_format(data_format, type(self).__name__)
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def _axes(self):
        first = 2 if self.data_format == 'channels_first' else 1
        return list(range(first, first + self._rank))
