"""``keras.engine.network``: Network and get_source_inputs."""
from minikeras.backend.symbolic import KerasTensor
from minikeras.layers.input_layer import InputLayer
from minikeras.models.network import Network  # noqa: F401


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
