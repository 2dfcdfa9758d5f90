"""Network: a graph of layers between symbolic inputs and outputs (the functional API),
or a subclassed model whose ``call`` is user code."""
import numpy as np

import minikeras.backend as K
from minikeras.backend import symbolic
from minikeras.backend.symbolic import KerasTensor
from minikeras.layers.base import Layer, current_context, shape_of
from minikeras.layers.input_layer import InputLayer, Input
from minikeras.models.layer_order import keras_layer_order
from minikeras.utils import nest
from minikeras.utils.layer_utils import print_summary


class Network(Layer):
    """A layer made of layers. ``Network(inputs, outputs)`` for a graph; a subclass
    without arguments defines ``call``."""

    _ALLOWED_KWARGS = Layer._ALLOWED_KWARGS

    def __init__(self, *args, **kwargs):
        inputs = kwargs.pop('inputs', args[0] if len(args) > 0 else None)
        outputs = kwargs.pop('outputs', args[1] if len(args) > 1 else None)
        object.__setattr__(self, '_tracked_layers', [])
        super(Network, self).__init__(**kwargs)
        self._is_graph_network = False
        self.inputs, self.outputs = [], []
        self._layers = []
        if inputs is not None or outputs is not None:
            if inputs is None or outputs is None:
                raise ValueError('Model needs both inputs and outputs, or neither '
                                 '(subclassing); received only %s'
                                 % ('inputs' if inputs is not None else 'outputs'))
            self._init_graph(inputs, outputs)

    # --- graph ---------------------------------------------------------------------------
    def _init_graph(self, inputs, outputs):
        self._nested_outputs = outputs
        self.inputs = nest.to_list(inputs)
        self.outputs = nest.to_list(outputs)
        for x in self.inputs + self.outputs:
            if not isinstance(x, KerasTensor):
                raise TypeError('Model inputs and outputs must be tensors made by Input() '
                                'and layers; received %r' % (x,))
        for x in self.inputs:
            layer = x.node.layer if x.node is not None else None
            if not isinstance(layer, InputLayer):
                raise ValueError('Model inputs must come from Input(); %r was made by %s'
                                 % (x, x.node.name if x.node else 'nothing'))
        self._nodes = symbolic.topological_nodes(self.outputs, stop_at=self.inputs)
        missing = [t for n in self._nodes for t in n.inputs
                   if t.node is not None and isinstance(t.node.layer, InputLayer)
                   and not any(t is i for i in self.inputs)]
        if missing:
            raise ValueError('graph disconnected: output needs input %r, which is not among '
                             'the model inputs' % (missing[0],))
        layers = keras_layer_order(self.inputs, self.outputs)
        for x in self.inputs:  # an input no output needs is still the model's
            if not any(x.node.layer is l for l in layers):
                layers.insert(0, x.node.layer)
        names = [l.name for l in layers]
        dupes = sorted(set(n for n in names if names.count(n) > 1))
        if dupes:
            raise ValueError('layer names must be unique within a model; duplicated: %s'
                             % ', '.join(dupes))
        self._layers = layers
        self.input_names = [x.node.layer.name for x in self.inputs]
        self.output_names = [x.node.layer.name if x.node.layer is not None else x.node.name
                             for x in self.outputs]
        self._is_graph_network = True
        self.built = True
        self._inbound_nodes = []

    @property
    def layers(self):
        if self._is_graph_network:
            return list(self._layers)
        return list(self._tracked_layers)

    def _sublayers(self):
        if self._is_graph_network:
            return [l for l in self._layers if not isinstance(l, InputLayer)]
        return list(self._tracked_layers)

    def __setattr__(self, name, value):
        if isinstance(value, Layer) and name not in ('_nested_outputs',):
            tracked = self.__dict__.get('_tracked_layers')
            if tracked is not None and not any(value is l for l in tracked):
                tracked.append(value)
        elif isinstance(value, (list, tuple)) and value and \
                all(isinstance(v, Layer) for v in value):
            tracked = self.__dict__.get('_tracked_layers')
            if tracked is not None:
                for v in value:
                    if not any(v is l for l in tracked):
                        tracked.append(v)
        object.__setattr__(self, name, value)

    @property
    def input(self):
        if self._is_graph_network:
            return self.inputs[0] if len(self.inputs) == 1 else list(self.inputs)
        return super(Network, self).input

    @property
    def output(self):
        if self._is_graph_network:
            return self.outputs[0] if len(self.outputs) == 1 else list(self.outputs)
        return super(Network, self).output

    @property
    def stateful(self):
        return any(getattr(layer, 'stateful', False) for layer in self.layers)

    def reset_states(self):
        """Reset the states of every stateful layer (recurrent layers with
        ``stateful=True``), as Keras 2.3.1's ``Network.reset_states``."""
        for layer in self.layers:
            if hasattr(layer, 'reset_states') and getattr(layer, 'stateful', False):
                layer.reset_states()

    def get_layer(self, name=None, index=None):
        layers = self.layers
        if index is not None:
            if not 0 <= index < len(layers):
                raise ValueError('get_layer: index %d out of range, the model has %d layers'
                                 % (index, len(layers)))
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError('no layer named %r; layers: %s'
                         % (name, ', '.join(l.name for l in layers)))

    # --- running ---------------------------------------------------------------------------
    def call(self, inputs, training=None, mask=None):
        if not self._is_graph_network:
            raise NotImplementedError('a subclassed Model must define call()')
        inputs = nest.to_list(inputs)
        if len(inputs) != len(self.inputs):
            raise ValueError('model %s expects %d inputs, received %d'
                             % (self.name, len(self.inputs), len(inputs)))
        if training is None:
            outputs = self._run_graph(inputs)
        else:
            with K.learning_phase_scope(1 if training else 0):
                outputs = self._run_graph(inputs)
        return nest.unpack_singleton(outputs)

    def output_masks(self):
        """The symbolic mask of each output (None where an output has none)."""
        if not self._is_graph_network:
            return [None] * len(getattr(self, '_symbolic_outputs', []))
        return [getattr(o, '_keras_mask', None) for o in self.outputs]

    def _run_graph(self, inputs, with_masks=False):
        """Engine tensors of the outputs (and, if asked, of their masks) for ``inputs``.
        In a training step, the model's own ``add_loss`` / ``add_metric`` tensors are
        evaluated in the same pass and handed to the step's call context."""
        feed = dict((id(kt), x) for kt, x in zip(self.inputs, inputs))
        ctx = current_context()
        extra = self._graph_extras() if ctx is not None else []
        if not with_masks and not extra:
            return symbolic.evaluate(self.outputs, feed, self._nodes)
        masks = self.output_masks() if with_masks else []
        wanted = [m for m in masks if m is not None]
        values = symbolic.evaluate(self.outputs + wanted + [t for _, t in extra], feed)
        if extra:
            extra_values = values[len(values) - len(extra):]
            values = values[:len(values) - len(extra)]
            for (kind, _), value in zip(extra, extra_values):
                if kind is None:
                    ctx.losses.append(value)
                else:
                    if not hasattr(ctx, 'added_metrics'):
                        ctx.added_metrics = {}
                    ctx.added_metrics[kind] = value
        if not with_masks:
            return values
        outputs, it = values[:len(self.outputs)], iter(values[len(self.outputs):])
        return outputs, [None if m is None else next(it) for m in masks]

    def _graph_extras(self):
        """[(None, loss tensor) ..., (metric name, tensor) ...] added to this model with
        symbolic tensors of its graph."""
        extras = [(None, t) for t in self._symbolic_losses]
        extras += sorted(self.__dict__.get('_symbolic_metrics', {}).items())
        return extras

    def compute_output_shape(self, input_shape):
        if not self._is_graph_network:
            return None
        shapes = [o.shape for o in self.outputs]
        return nest.unpack_singleton(shapes)

    def build(self, input_shape=None):
        """Build a subclassed model by calling it on symbolic inputs of ``input_shape``
        (batch axis included)."""
        if self._is_graph_network or self.built:
            self.built = True
            return
        if input_shape is None:
            raise ValueError('model %s: build needs the input shape' % self.name)
        if isinstance(input_shape, list):
            inputs = [Input(batch_shape=tuple(s)) for s in input_shape]
        else:
            inputs = Input(batch_shape=tuple(input_shape))
        self.built = True
        self._built_input_shape = None
        outputs = self.call(inputs)
        self._symbolic_inputs = nest.to_list(inputs)
        self._symbolic_outputs = nest.to_list(outputs)

    # --- weights -------------------------------------------------------------------------
    # Keras 2.3.1's orders: ``weights`` is the trainable weights, then the others;
    # get_weights / set_weights (and weight files) go layer by layer.
    def _all_trainable_weights(self):
        return list(self._trainable_weights) + \
            [w for l in self._sublayers() for w in l.trainable_weights]

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return _unique(self._all_trainable_weights())

    @property
    def non_trainable_weights(self):
        others = list(self._non_trainable_weights) + \
            [w for l in self._sublayers() for w in l.non_trainable_weights]
        if not self.trainable:
            return _unique(self._all_trainable_weights() + others)
        return _unique(others)

    @property
    def weights(self):
        return _unique(self.trainable_weights + self.non_trainable_weights)

    def _weights_by_layer(self):
        """All weights, layer by layer in layer order (the order of get_weights)."""
        out = list(self._trainable_weights) + list(self._non_trainable_weights)
        for layer in self._sublayers():
            out.extend(layer.weights)
        return _unique(out)

    def get_weights(self):
        return K.batch_get_value(self._weights_by_layer())

    def set_weights(self, weights):
        params = self._weights_by_layer()
        if len(params) != len(weights):
            raise ValueError('model %s: set_weights received %d arrays, the model has %d '
                             'weights' % (self.name, len(weights), len(params)))
        for p, w in zip(params, weights):
            if K.int_shape(p) != np.shape(w):
                raise ValueError('model %s: weight %s has shape %s, received shape %s'
                                 % (self.name, getattr(p, 'name', '?'), K.int_shape(p),
                                    np.shape(w)))
        K.batch_set_value(list(zip(params, weights)))

    # --- description -------------------------------------------------------------------
    def summary(self, line_length=None, positions=None, print_fn=None):
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn)


def _unique(variables):
    seen, out = set(), []
    for v in variables:
        if id(v) not in seen:
            seen.add(id(v))
            out.append(v)
    return out
