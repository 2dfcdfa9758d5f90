"""Layer wrappers (Keras 2.3): TimeDistributed and Bidirectional."""
import copy

import minikeras.backend as K
from minikeras.layers.base import Layer
from minikeras.layers.core import base_config


class Wrapper(Layer):
    """A layer that holds another layer."""

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise TypeError('%s expects a Layer instance, received %r'
                            % (type(self).__name__, layer))
        self.layer = layer
        super(Wrapper, self).__init__(**kwargs)

    def _sublayers(self):
        return [self.layer]

    def get_config(self):
        from minikeras.layers import serialize
        return base_config(self, {'layer': serialize(self.layer)})

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from minikeras.layers import deserialize
        config = dict(config)
        layer = deserialize(config.pop('layer'), custom_objects=custom_objects)
        return cls(layer, **config)


class TimeDistributed(Wrapper):
    """Apply ``layer`` to every time step of (batch, time, ...) inputs."""

    def __init__(self, layer, **kwargs):
        super(TimeDistributed, self).__init__(layer, **kwargs)
        self.supports_masking = True

    def build(self, input_shape):
        if len(input_shape) < 3:
            raise ValueError('%s expects inputs of at least 3 dimensions (batch, time, ...), '
                             'received %s' % (self.name, tuple(input_shape)))
        if not self.layer.built:
            inner = (input_shape[0],) + tuple(input_shape[2:])
            self.layer.build(inner)
            self.layer.built = True
            self.layer._built_input_shape = inner
        self.built = True

    def compute_output_shape(self, input_shape):
        inner = self.layer.compute_output_shape((input_shape[0],) + tuple(input_shape[2:]))
        return (inner[0], input_shape[1]) + tuple(inner[1:])

    def call(self, inputs, training=None, mask=None):
        shape = K.int_shape(inputs)
        inner_shape = self.compute_output_shape(shape)
        if shape[1] is not None and all(d is not None for d in shape[2:]) and \
                all(d is not None for d in inner_shape[2:]):
            # fold time into the batch: one call of the inner layer
            flat = K.reshape(inputs, (-1,) + tuple(shape[2:]))
            y = self.layer.call(flat, **self._inner_kwargs(training))
            return K.reshape(y, (-1, shape[1]) + tuple(inner_shape[2:]))

        def step(x, states):
            return self.layer.call(x, **self._inner_kwargs(training)), []
        _, outputs, _ = K.rnn(step, inputs, [], input_length=shape[1])
        return outputs

    def _inner_kwargs(self, training):
        return {'training': training} if self.layer._accepts('training') else {}

    def compute_mask(self, inputs, mask=None):
        return mask


class Bidirectional(Wrapper):
    """Run a recurrent layer forwards and backwards and merge the two outputs
    (``merge_mode`` 'concat', 'sum', 'mul', 'ave' or None for a list)."""

    MODES = ('sum', 'mul', 'ave', 'concat', None)

    def __init__(self, layer, merge_mode='concat', weights=None, backward_layer=None,
                 **kwargs):
        if merge_mode not in self.MODES:
            raise ValueError('Bidirectional: merge_mode must be one of %s, received %r'
                             % (self.MODES, merge_mode))
        if not hasattr(layer, 'go_backwards'):
            raise ValueError('Bidirectional wraps a recurrent layer, received %r' % (layer,))
        super(Bidirectional, self).__init__(layer, **kwargs)
        self.forward_layer = layer
        if backward_layer is None:
            config = layer.get_config()
            config['go_backwards'] = not layer.go_backwards
            config['name'] = 'backward_' + layer.name
            backward_layer = type(layer).from_config(config)
        self.backward_layer = backward_layer
        self.forward_layer.name = 'forward_' + layer.name if not \
            layer.name.startswith('forward_') else layer.name
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self._initial_weights = weights

    def _sublayers(self):
        return [self.forward_layer, self.backward_layer]

    def build(self, input_shape):
        for layer in (self.forward_layer, self.backward_layer):
            if not layer.built:
                layer.build(input_shape)
                layer.built = True
        self.built = True

    def compute_output_shape(self, input_shape):
        shape = self.forward_layer.compute_output_shape(input_shape)
        states = []
        if self.return_state:
            states = shape[1:] * 2
            shape = shape[0]
        if self.merge_mode == 'concat':
            shape = tuple(shape[:-1]) + (shape[-1] * 2,)
        elif self.merge_mode is None:
            shape = [shape, shape]
        if self.return_state:
            return (shape if isinstance(shape, list) else [shape]) + list(states)
        return shape

    def call(self, inputs, mask=None, training=None, initial_state=None):
        kwargs = {'mask': mask, 'training': training}
        if initial_state is not None:
            half = len(initial_state) // 2
            fwd = self.forward_layer.call(inputs, initial_state=initial_state[:half], **kwargs)
            bwd = self.backward_layer.call(inputs, initial_state=initial_state[half:], **kwargs)
        else:
            fwd = self.forward_layer.call(inputs, **kwargs)
            bwd = self.backward_layer.call(inputs, **kwargs)
        states = []
        if self.return_state:
            states = list(fwd[1:]) + list(bwd[1:])
            fwd, bwd = fwd[0], bwd[0]
        if self.return_sequences:
            bwd = K.reverse(bwd, 1)
        if self.merge_mode == 'concat':
            out = K.concatenate([fwd, bwd], axis=-1)
        elif self.merge_mode == 'sum':
            out = fwd + bwd
        elif self.merge_mode == 'ave':
            out = (fwd + bwd) * 0.5
        elif self.merge_mode == 'mul':
            out = fwd * bwd
        else:
            out = [fwd, bwd]
        if self.return_state:
            return (out if isinstance(out, list) else [out]) + states
        return out

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            mask = mask[0]
        out = mask if self.return_sequences else None
        if self.merge_mode is None:
            out = [out, out]
        if self.return_state:
            n = len(self.forward_layer._state_sizes) * 2
            return (out if isinstance(out, list) else [out]) + [None] * n
        return out

    def reset_states(self):
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    def get_config(self):
        from minikeras.layers import serialize
        config = base_config(self, {'layer': serialize(self.forward_layer),
                                    'merge_mode': self.merge_mode})
        config['backward_layer'] = serialize(self.backward_layer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from minikeras.layers import deserialize
        config = dict(config)
        layer = deserialize(config.pop('layer'), custom_objects=custom_objects)
        backward = config.pop('backward_layer', None)
        if backward is not None:
            backward = deserialize(backward, custom_objects=custom_objects)
        return cls(layer, backward_layer=backward, **config)
