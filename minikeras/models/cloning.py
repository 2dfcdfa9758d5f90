"""``clone_model`` (Keras 2.3.1): the same architecture with new layers (and new,
freshly initialised weights), optionally on new input tensors."""
from minikeras.backend.symbolic import KerasTensor
from minikeras.layers.input_layer import Input, InputLayer
from minikeras.models.sequential import Sequential
from minikeras.models.training import Model
from minikeras.utils import nest


def _clone_layer(layer):
    return layer.__class__.from_config(layer.get_config())


def clone_model(model, input_tensors=None, clone_function=None):
    """A copy of a functional or Sequential ``model``: every layer is rebuilt by
    ``clone_function(layer)`` (default: from its config), so no weight is shared."""
    clone_function = clone_function or _clone_layer
    if isinstance(model, Sequential):
        return _clone_sequential(model, input_tensors, clone_function, Sequential)
    if not isinstance(model, Model) or not model._is_graph_network:
        raise ValueError('Expected `model` argument to be a functional `Model` instance, '
                         'but got a subclass model instead.')
    return _clone_functional(model, input_tensors, clone_function, Model)


def _input_tensors(model, input_tensors):
    if input_tensors is None:
        return [Input(batch_shape=x.node.layer.batch_input_shape, dtype=x.dtype,
                      name=x.node.layer.name) for x in model.inputs]
    tensors = nest.to_list(input_tensors)
    if len(tensors) != len(model.inputs):
        raise ValueError('clone_model: the model has %d inputs, input_tensors has %d'
                         % (len(model.inputs), len(tensors)))
    for x in tensors:
        if not isinstance(x, KerasTensor) or not isinstance(getattr(x.node, 'layer', None),
                                                            InputLayer):
            raise ValueError('clone_model: input_tensors must be tensors made by Input(); '
                             'received %r' % (x,))
    return tensors


def _clone_functional(model, input_tensors, clone_function, model_class):
    new_inputs = _input_tensors(model, input_tensors)
    mapping = dict((id(old), new) for old, new in zip(model.inputs, new_inputs))
    new_layers = {}

    def lookup(x):
        return mapping[id(x)] if isinstance(x, KerasTensor) else x
    for node in model._nodes:
        if isinstance(node.layer, InputLayer):
            continue
        args = nest.map_structure(lookup, node.args)
        kwargs = nest.map_structure(lookup, node.kwargs)
        if node.layer is not None:
            if id(node.layer) not in new_layers:      # a shared layer is cloned once
                new_layers[id(node.layer)] = clone_function(node.layer)
            result = new_layers[id(node.layer)](*args, **kwargs)
        else:                                         # a backend op on symbolic tensors
            result = node.fn(*args, **kwargs)
        for old, new in zip(nest.flatten(node.outputs), nest.flatten(result)):
            mapping[id(old)] = new
    outputs = [mapping[id(o)] for o in model.outputs]
    return model_class(new_inputs, nest.unpack_singleton(outputs) if len(outputs) == 1
                       else outputs, name=model.name)


def _clone_sequential(model, input_tensors, clone_function, sequential_class):
    layers = [clone_function(layer) for layer in model.layers
              if not isinstance(layer, InputLayer)]
    if input_tensors is None:
        return sequential_class(layers=layers, name=model.name)
    tensors = nest.to_list(input_tensors)
    if len(tensors) != 1:
        raise ValueError('To clone a `Sequential` model, we expect at most one tensor as part '
                         'of `input_tensors`.')
    origin = getattr(tensors[0].node, 'layer', None) if isinstance(tensors[0], KerasTensor) \
        else None
    if not isinstance(origin, InputLayer):
        raise ValueError('Cannot clone a `Sequential` model on top of a tensor that comes '
                         'from a Keras layer other than an `InputLayer`. Use the functional '
                         'API instead.')
    return sequential_class(layers=[origin] + layers, name=model.name)
