"""Model.summary()."""
import numpy as np

import minikeras.backend as K


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
