"""Sequential: a linear stack of layers."""
from minikeras import layers as layers_module
from minikeras.layers.base import Layer
from minikeras.layers.input_layer import Input, InputLayer
from minikeras.models.training import Model


class Sequential(Model):
    """Keras 2 ``Sequential([layers])`` / ``.add(layer)``. Built as soon as the input
    shape is known (from the first layer's ``input_shape`` or from the first data)."""

    def __init__(self, layers=None, name=None):
        super(Sequential, self).__init__(name=name)
        self._stack = []
        for layer in layers or []:
            self.add(layer)

    def add(self, layer):
        if not isinstance(layer, Layer):
            raise TypeError('Sequential.add expects a Layer instance, received %r' % (layer,))
        if isinstance(layer, InputLayer):
            if self._stack:
                raise ValueError('an InputLayer can only be the first layer of a Sequential')
            self._input_layer = layer
            return
        if any(layer.name == l.name for l in self._stack):
            raise ValueError('Sequential already has a layer named %r; layer names must be '
                             'unique' % layer.name)
        self._stack.append(layer)
        shape = None
        if len(self._stack) == 1:
            if getattr(self, '_input_layer', None) is not None:
                shape = self._input_layer.batch_input_shape
            elif hasattr(layer, 'batch_input_shape'):
                shape = layer.batch_input_shape
        if shape is not None:
            self._build_graph(shape)
        elif self._is_graph_network:
            self._init_graph(self.inputs[0], layer(self.outputs[0]))

    def pop(self):
        if not self._stack:
            raise TypeError('there are no layers in the model')
        self._stack.pop()
        if self._stack and self._is_graph_network:
            self._build_graph(self.inputs[0].shape)
        else:
            self._is_graph_network = False
            self.built = False

    def _build_graph(self, batch_input_shape):
        layer0 = getattr(self, '_input_layer', None)
        if layer0 is not None and tuple(layer0.batch_input_shape) == tuple(batch_input_shape):
            x = inp = layer0.output
        else:
            inp = x = Input(batch_shape=tuple(batch_input_shape),
                            name=self._stack[0].name + '_input')
        for layer in self._stack:
            x = layer(x)
        self._init_graph(inp, x)

    def build(self, input_shape=None):
        if self._is_graph_network:
            return
        if input_shape is None:
            raise ValueError('Sequential model %s: the input shape is unknown; give the first '
                             'layer input_shape=... or call fit/predict with data' % self.name)
        if not self._stack:
            raise ValueError('Sequential model %s has no layers' % self.name)
        self._build_graph(input_shape)

    @property
    def layers(self):
        if self._is_graph_network:
            return [l for l in self._layers if not isinstance(l, InputLayer)]
        return list(self._stack)

    def get_config(self):
        layers = [layers_module.serialize(l) for l in self.layers]
        if self._is_graph_network and layers and \
                'batch_input_shape' not in layers[0]['config']:
            layers[0]['config']['batch_input_shape'] = self.inputs[0].shape
        return {'name': self.name, 'layers': layers}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        if isinstance(config, list):
            config = {'layers': config}
        model = cls(name=config.get('name'))
        for layer_config in config['layers']:
            model.add(layers_module.deserialize(layer_config, custom_objects=custom_objects))
        return model

    def predict_classes(self, x, batch_size=32, verbose=0):
        import numpy as np
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] > 1:
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype('int32')

    def predict_proba(self, x, batch_size=32, verbose=0):
        return self.predict(x, batch_size=batch_size, verbose=verbose)
