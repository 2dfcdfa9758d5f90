"""Model architecture <-> JSON-able config (Keras 2 format), JSON and YAML.

The home of model (de)serialization: it imports layers and the object registry (both
below models), and ``saving`` imports it -- nothing here imports ``saving``."""
import json

import minikeras
import minikeras.backend as K
from minikeras import layers as layers_module
from minikeras.layers.input_layer import InputLayer
from minikeras.utils import object_registration
from minikeras.utils import nest


def _node_index(layer, node):
    for i, n in enumerate(layer._inbound_nodes):
        if n is node:
            return i
    raise ValueError('layer %s: node not found' % layer.name)


def _tensor_ref(kt):
    node = kt.node
    if node is None or node.layer is None:
        raise ValueError('this model contains a backend operation applied directly to '
                         'symbolic tensors (%s); such models cannot be serialized: wrap the '
                         'operation in a Lambda layer' % (node.name if node else kt,))
    return [node.layer.name, _node_index(node.layer, node), kt.node_index]


def network_config(model):
    if not model._is_graph_network:
        raise NotImplementedError('model %s is a subclassed model: its architecture is Python '
                                  'code, so get_config/to_json/save cannot describe it; use '
                                  'save_weights' % model.name)
    model_nodes = set(id(n) for n in model._nodes)
    layers = []
    for layer in model.layers:
        entry = layers_module.serialize(layer)
        entry['name'] = layer.name
        inbound = []
        for node in layer._inbound_nodes:
            if id(node) not in model_nodes or isinstance(layer, InputLayer):
                continue
            kwargs = dict((k, v) for k, v in node.kwargs.items() if k != 'mask')
            refs = [_tensor_ref(t) + [kwargs] for t in nest.flatten(node.args[0])]
            inbound.append(refs)
        entry['inbound_nodes'] = inbound
        layers.append(entry)
    return {'name': model.name, 'layers': layers,
            'input_layers': [_tensor_ref(t) for t in model.inputs],
            'output_layers': [_tensor_ref(t) for t in model.outputs]}


def network_from_config(cls, config, custom_objects=None):
    created, outputs_of = {}, {}
    pending = []
    for entry in config['layers']:
        layer = layers_module.deserialize(
            {'class_name': entry['class_name'], 'config': entry['config']},
            custom_objects=custom_objects)
        created[entry['name']] = layer
        if isinstance(layer, InputLayer):
            outputs_of[(entry['name'], 0)] = nest.to_list(layer.output)
        for node_data in entry.get('inbound_nodes', []):
            pending.append((layer, node_data))
    while pending:
        progressed = False
        remaining = []
        for layer, node_data in pending:
            keys = [(ref[0], ref[1]) for ref in node_data]
            if all(k in outputs_of for k in keys):
                inputs = [outputs_of[(ref[0], ref[1])][ref[2]] for ref in node_data]
                kwargs = node_kwargs(layer, node_data[0][3] if len(node_data[0]) > 3 else {})
                out = layer(nest.unpack_singleton(inputs), **kwargs)
                outputs_of[(layer.name, len(layer._inbound_nodes) - 1)] = nest.to_list(out)
                progressed = True
            else:
                remaining.append((layer, node_data))
        if not progressed:
            raise ValueError('model config cannot be rebuilt: layer(s) %s wait for inputs '
                             'that no layer produces'
                             % ', '.join(sorted(set(l.name for l, _ in remaining))))
        pending = remaining
    inputs = [outputs_of[(r[0], r[1])][r[2]] for r in config['input_layers']]
    outputs = [outputs_of[(r[0], r[1])][r[2]] for r in config['output_layers']]
    return cls(inputs=inputs if len(inputs) > 1 else inputs[0],
               outputs=outputs if len(outputs) > 1 else outputs[0], name=config.get('name'))


# The call arguments a node in a file may pass to its layer (the ones Keras layers document),
# and only as plain data: a file never hands a layer a callable or an arbitrary keyword.
NODE_KWARGS = ('mask', 'training', 'initial_state', 'constants')


def _is_data(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_data(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_data(v) for k, v in value.items())
    return False


def node_kwargs(layer, kwargs):
    """The call keyword arguments of one inbound node, checked (see ``NODE_KWARGS``)."""
    if not isinstance(kwargs, dict):
        raise ValueError('layer %r: the call arguments of an inbound node must be a dict, '
                         'the config has %r' % (layer.name, kwargs))
    unknown = sorted(k for k in kwargs if k not in NODE_KWARGS)
    if unknown:
        raise ValueError('layer %r: an inbound node passes call argument(s) %s; a model '
                         'config may only pass %s' % (layer.name, ', '.join(map(repr, unknown)),
                                                      ', '.join(NODE_KWARGS)))
    for k, v in kwargs.items():
        if not _is_data(v):
            raise ValueError('layer %r: call argument %s of an inbound node must be plain '
                             'data (None, numbers, strings, lists), the config has %r'
                             % (layer.name, k, v))
    return kwargs


def serialize_model(model):
    config = model.get_config()
    return {'class_name': type(model).__name__, 'config': config,
            'keras_version': minikeras.__version__, 'backend': K.backend()}


def to_json(model, **kwargs):
    return json.dumps(serialize_model(model), default=_json_default, **kwargs)


def _json_default(obj):
    import numpy as np
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError('cannot serialize %r to JSON' % (obj,))


def model_from_config(config, custom_objects=None, safe_mode=True):
    """A model from ``{'class_name', 'config'}``; ``safe_mode`` as in ``load_model``."""
    from minikeras.models import Model, Sequential
    if not isinstance(config, dict) or 'class_name' not in config or 'config' not in config:
        raise ValueError('model config must be a dict with class_name and config, received %r'
                         % (type(config).__name__,))
    name = config['class_name']
    classes = {'Sequential': Sequential, 'Model': Model, 'Functional': Model}
    cls = object_registration.get_registered_object(name, custom_objects, classes)
    if not isinstance(cls, type) or not issubclass(cls, Model):
        raise ValueError('unknown model class %r (known: Sequential, Model; pass custom '
                         'classes in custom_objects)' % (name,))
    with object_registration.entry_scope(safe_mode):
        return cls.from_config(config['config'], custom_objects=custom_objects)


def model_from_json(json_string, custom_objects=None, safe_mode=True):
    """A model from ``model.to_json()``. ``safe_mode=True`` (default): the JSON may not
    make minikeras import or run code (Lambda functions must be custom objects, registered,
    or backend ops; see docs/SECURITY.md); ``safe_mode=False`` for JSON you trust."""
    try:
        config = json.loads(json_string)
    except (ValueError, TypeError) as e:
        raise ValueError('model_from_json: not valid JSON: %s' % e)
    return model_from_config(config, custom_objects, safe_mode=safe_mode)


def _yaml():
    try:
        import yaml
    except ImportError:
        raise ImportError('YAML model configs need PyYAML: pip install pyyaml')
    return yaml


def to_yaml(model, **kwargs):
    """The model's architecture as YAML (``yaml.safe_dump``: plain data only)."""
    data = json.loads(to_json(model))   # plain lists/dicts/numbers, no Python tags
    return _yaml().safe_dump(data, **kwargs)


def model_from_yaml(yaml_string, custom_objects=None, safe_mode=True):
    """A model from ``model.to_yaml()``; read with ``yaml.safe_load`` (no Python tags), and
    ``safe_mode`` as in ``model_from_json``."""
    yaml = _yaml()
    try:
        config = yaml.safe_load(yaml_string)
    except yaml.YAMLError as e:
        raise ValueError('model_from_yaml: not valid YAML: %s' % e)
    return model_from_config(config, custom_objects, safe_mode=safe_mode)
