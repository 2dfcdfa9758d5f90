"""The order of a functional model's ``layers``, as Keras 2.3.1 gives it.

Keras 2.3.1 (``keras/engine/network.py``, ``_map_graph_network``) walks the graph depth
first from the outputs, numbering layers as it first meets them; a node's depth is its
longest distance to an output, a layer's the largest depth of its nodes; ``layers`` lists
them deepest first, ties in walk order. The order matters beyond display: ``get_weights``,
``set_weights`` and weight files loaded by topology follow it.
"""


def keras_layer_order(inputs, outputs):
    """Layers (each once) of the graph from ``inputs`` to ``outputs`` (KerasTensors)."""
    fed = set(id(t) for t in inputs)
    walk_index, post_order = {}, []
    finished, in_progress = set(), set()

    def visit(tensor):
        node = tensor.node
        if node is None or id(node) in finished:
            return
        in_progress.add(id(node))
        key = _layer_key(node)
        walk_index.setdefault(key, len(walk_index))
        if id(tensor) not in fed:
            for t in node.inputs:
                if t.node is not None and id(t.node) in in_progress:
                    raise ValueError('the tensor %r at layer %r is part of a cycle'
                                     % (t, node.name))
                visit(t)
        finished.add(id(node))
        in_progress.discard(id(node))
        post_order.append((node, tensor))

    for x in outputs:
        visit(x)

    node_depth, layer_depth, owner = {}, {}, {}
    for node, tensor in reversed(post_order):
        key = _layer_key(node)
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(key, 0))
        layer_depth[key] = depth
        owner[key] = node.layer
        node_depth[id(node)] = depth
        if id(tensor) in fed:
            continue
        for t in node.inputs:
            if t.node is not None:
                node_depth[id(t.node)] = max(depth + 1, node_depth.get(id(t.node), 0))
    keys = sorted(layer_depth, key=lambda k: (-layer_depth[k], walk_index[k]))
    return [owner[k] for k in keys if owner[k] is not None]


def _layer_key(node):
    """Nodes of one layer share its depth; a recorded backend op is its own key."""
    return ('layer', id(node.layer)) if node.layer is not None else ('op', id(node))
