"""Model.summary() and helpers on layer graphs (``keras.utils.layer_utils``).

Below models (``Network.summary`` imports it): it needs the backend and layers only."""
import numpy as np

import minikeras.backend as K
from minikeras.backend.symbolic import KerasTensor
from minikeras.layers.input_layer import InputLayer
from minikeras.utils.conv_utils import convert_kernel


def count_params(weights):
    return int(sum(np.prod(K.int_shape(w)) for w in weights))


def _shape_text(layer):
    try:
        shape = layer.output_shape
    except (AttributeError, ValueError):
        return 'multiple'
    if len(layer._inbound_nodes) > 1:
        return 'multiple'
    return str(shape)


def print_summary(model, line_length=None, positions=None, print_fn=None):
    print_fn = print_fn or print
    line_length = line_length or 65
    positions = positions or [.45, .85, 1.]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    headers = ['Layer (type)', 'Output Shape', 'Param #']

    def row(fields):
        line = ''
        for i, field in enumerate(fields):
            line += str(field)
            line = line[:positions[i]].ljust(positions[i])
        print_fn(line)

    print_fn('Model: "%s"' % model.name)
    print_fn('_' * line_length)
    row(headers)
    print_fn('=' * line_length)
    layers = model.layers
    for i, layer in enumerate(layers):
        params = count_params(layer.weights) if layer.built else 0
        row(['%s (%s)' % (layer.name, type(layer).__name__), _shape_text(layer), params])
        print_fn(('=' if i == len(layers) - 1 else '_') * line_length)
    trainable = count_params(model.trainable_weights)
    non_trainable = count_params(model.non_trainable_weights)
    print_fn('Total params: {:,}'.format(trainable + non_trainable))
    print_fn('Trainable params: {:,}'.format(trainable))
    print_fn('Non-trainable params: {:,}'.format(non_trainable))
    print_fn('_' * line_length)


def get_source_inputs(tensor, layer=None, node_index=None):
    """The Input tensors ``tensor`` was computed from (Keras 2.3.1), in the order they
    are first reached. ``layer`` and ``node_index`` are accepted for Keras's signature;
    the graph is followed from ``tensor`` itself."""
    if not isinstance(tensor, KerasTensor):
        raise TypeError('get_source_inputs expects a symbolic tensor made by Input() and '
                        'layers, received %r' % (tensor,))
    sources, seen, stack = [], set(), [tensor]
    while stack:
        t = stack.pop(0)
        if id(t) in seen:
            continue
        seen.add(id(t))
        node = t.node
        if node is None or isinstance(node.layer, InputLayer) or not node.inputs:
            sources.append(t)
        else:
            stack = list(node.inputs) + stack
    return sources


def convert_all_kernels_in_model(model):
    """Flip the spatial axes of every convolution kernel of ``model`` (Keras 2.3.1; for
    weights trained as true convolutions, e.g. under Keras's Theano backend)."""
    conv_classes = {'Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose', 'Conv3DTranspose'}
    pairs = []
    for layer in model.layers:
        if type(layer).__name__ in conv_classes and getattr(layer, 'kernel', None) is not None:
            pairs.append((layer.kernel, convert_kernel(K.get_value(layer.kernel))))
    K.batch_set_value(pairs)


def convert_dense_weights_data_format(dense, previous_feature_map_shape,
                                      target_data_format='channels_first'):
    """Reorder the rows of a Dense kernel that follows a Flatten, for a model whose data
    format changes (Keras 2.3.1). ``previous_feature_map_shape`` is the shape before
    Flatten in the *target* format, without the batch axis."""
    kernel, bias = dense.get_weights()
    shape = tuple(previous_feature_map_shape)
    if target_data_format == 'channels_first':
        c, h, w = shape
        source_shape, axes = (h, w, c), (2, 0, 1)
    elif target_data_format == 'channels_last':
        h, w, c = shape
        source_shape, axes = (c, h, w), (1, 2, 0)
    else:
        raise ValueError("target_data_format must be 'channels_first' or 'channels_last', "
                         "received %r" % (target_data_format,))
    for i in range(kernel.shape[1]):
        column = np.transpose(kernel[:, i].reshape(source_shape), axes)
        kernel[:, i] = column.reshape((int(np.prod(shape)),))
    dense.set_weights([kernel, bias])
