"""Model diagrams (Keras 2 ``keras.utils.vis_utils``): ``model_to_dot`` builds a pydot
graph of the layers, ``plot_model`` renders it with Graphviz's ``dot`` program. Needs
``pip install pydot`` (or ``minikeras[all]``) and Graphviz (``apt-get install graphviz``,
``brew install graphviz``, ``conda install graphviz``)."""
import os

from minikeras.utils.optional import require


def _pydot():
    pydot = require('pydot', 'pydot', 'all', 'plot_model / model_to_dot')
    try:
        pydot.Dot.create(pydot.Dot())
    except (OSError, FileNotFoundError, Exception) as e:
        raise OSError('plot_model / model_to_dot: pydot could not run Graphviz\'s `dot` '
                      'program (%s). Install Graphviz and make sure `dot` is on the PATH: '
                      'apt-get install graphviz (Debian/Ubuntu), brew install graphviz '
                      '(macOS) or conda install graphviz.' % (str(e).splitlines()[0]
                                                               if str(e) else type(e).__name__))
    return pydot


def _graph(model):
    """(layers, edges) of a graph model: edges are (inbound layer, layer) pairs."""
    if not getattr(model, '_is_graph_network', False):
        raise ValueError('model_to_dot: model %r has no layer graph yet (a Sequential without '
                         'an input shape, or a subclassed Model); build it on an Input first'
                         % (model.name,))
    layers = list(model._layers)
    edges = []
    for node in model._nodes:
        if node.layer is None:
            continue
        for tensor in node.inputs:
            source = tensor.node.layer if tensor.node is not None else None
            if source is not None and (source, node.layer) not in edges:
                edges.append((source, node.layer))
    return layers, edges


def _shape_label(layer, attribute):
    try:
        return str(getattr(layer, attribute))
    except (AttributeError, ValueError):
        return 'multiple'


def _label(layer, show_shapes, show_layer_names):
    class_name = type(layer).__name__
    name = layer.name
    inner = getattr(layer, 'layer', None)            # Wrapper layers (TimeDistributed, ...)
    if inner is not None and hasattr(inner, 'name'):
        name = '%s(%s)' % (name, inner.name)
        class_name = '%s(%s)' % (class_name, type(inner).__name__)
    label = '%s: %s' % (name, class_name) if show_layer_names else class_name
    if show_shapes:
        label = '%s\n|{input:|output:}|{{%s}|{%s}}' % (
            label, _shape_label(layer, 'input_shape'), _shape_label(layer, 'output_shape'))
    return label


def model_to_dot(model, show_shapes=False, show_layer_names=True, rankdir='TB',
                 expand_nested=False, dpi=96, subgraph=False):
    """A ``pydot.Dot`` graph of ``model``: one record node per layer (name, class and, with
    ``show_shapes``, input/output shapes), an edge per connection. ``rankdir`` 'TB' draws
    top to bottom, 'LR' left to right."""
    if rankdir not in ('TB', 'LR'):
        raise ValueError("model_to_dot: rankdir must be 'TB' or 'LR', received %r" % (rankdir,))
    pydot = _pydot()
    dot = pydot.Dot()
    dot.set('rankdir', rankdir)
    dot.set('concentrate', True)
    dot.set('dpi', dpi)
    dot.set_node_defaults(shape='record')
    layers, edges = _graph(model)
    for layer in layers:
        dot.add_node(pydot.Node(str(id(layer)),
                                label=_label(layer, show_shapes, show_layer_names)))
    for source, target in edges:
        dot.add_edge(pydot.Edge(str(id(source)), str(id(target))))
    return dot


def plot_model(model, to_file='model.png', show_shapes=False, show_layer_names=True,
               rankdir='TB', expand_nested=False, dpi=96):
    """Draw ``model`` to ``to_file``; the format is the file's extension (png, svg, pdf,
    ...). In IPython the image is also returned for display."""
    dot = model_to_dot(model, show_shapes=show_shapes, show_layer_names=show_layer_names,
                       rankdir=rankdir, expand_nested=expand_nested, dpi=dpi)
    extension = os.path.splitext(to_file)[1][1:] or 'png'
    dot.write(to_file, format=extension)
    if extension != 'pdf':
        try:
            from IPython import display
            return display.Image(filename=to_file)
        except ImportError:
            pass
    return None
