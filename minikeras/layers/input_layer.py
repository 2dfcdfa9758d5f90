"""InputLayer and Input(): where a functional model's graph starts."""
import minikeras.backend as K
from minikeras.backend.symbolic import KerasTensor, Node
from minikeras.layers.base import Layer


class InputLayer(Layer):
    """Holds the symbolic input of a model. Its output is a KerasTensor of
    ``batch_input_shape``."""

    def __init__(self, input_shape=None, batch_size=None, batch_input_shape=None,
                 dtype=None, sparse=False, name=None, **kwargs):
        if sparse:
            raise NotImplementedError('sparse inputs are not supported')
        if batch_input_shape is None:
            if input_shape is None:
                raise ValueError('InputLayer needs input_shape or batch_input_shape, '
                                 'received neither')
            batch_input_shape = (batch_size,) + tuple(input_shape)
        if not name:
            name = 'input_%d' % K.get_uid('input')
        super(InputLayer, self).__init__(name=name, dtype=dtype, **kwargs)
        self.batch_input_shape = tuple(batch_input_shape)
        self.built = True
        tensor = KerasTensor(self.batch_input_shape, self.dtype, name=self.name)
        self._inbound_nodes.append(Node(_identity, (), {}, tensor, layer=self))

    def call(self, inputs, **kwargs):
        return inputs

    def compute_output_shape(self, input_shape):
        return self.batch_input_shape

    def get_config(self):
        return {'batch_input_shape': self.batch_input_shape, 'dtype': self.dtype,
                'sparse': False, 'name': self.name}


def _identity():
    raise RuntimeError('an Input tensor must be fed, not computed')


def Input(shape=None, batch_shape=None, name=None, dtype=None, sparse=False, tensor=None):
    """A symbolic input tensor (Keras 2 ``Input``). ``shape`` excludes the batch axis."""
    if tensor is not None:
        return _input_from_tensor(tensor, name, dtype)
    if shape is None and batch_shape is None:
        raise ValueError('Input needs shape or batch_shape, received neither')
    if batch_shape is None:
        if isinstance(shape, int):
            shape = (shape,)
        batch_shape = (None,) + tuple(shape)
    layer = InputLayer(batch_input_shape=batch_shape, name=name, dtype=dtype)
    return layer.output


def _input_from_tensor(tensor, name, dtype):
    """Keras 2.3.1's ``Input(tensor=t)``: ``t`` itself, now the output of a new InputLayer
    (its history replaced, as Keras does), so a model can start from a tensor another
    layer or ``K.placeholder`` made; models built from it earlier keep working. A fixed
    engine tensor or array cannot become a fed input."""
    if not isinstance(tensor, KerasTensor):
        raise NotImplementedError(
            'Input(tensor=%r): minikeras models are fed with data; only a symbolic tensor '
            '(from Input(), K.placeholder() or a layer) can be passed here. Pass the values '
            'as model input data instead (or use them inside a Lambda layer)' % (tensor,))
    if tensor.node is not None and isinstance(tensor.node.layer, InputLayer):
        return tensor
    layer = InputLayer(batch_input_shape=tensor.shape, dtype=dtype or tensor.dtype,
                       name=name)
    node = layer._inbound_nodes[0]
    node.outputs = tensor
    tensor.node, tensor.node_index = node, 0
    return tensor
