"""Embedding (Keras 2)."""
import minikeras.backend as K
from minikeras.layers.base import Layer
from minikeras.layers.core import base_config, check_bool, check_int
from minikeras.layers.weight_options import (
    add_role_weight, set_weight_options, weight_options_config)


class Embedding(Layer):
    """Integer indices (batch, ...) -> vectors (batch, ..., output_dim).

    ``input_dim`` is the vocabulary size, ``embeddings`` has shape (input_dim, output_dim).
    ``mask_zero=True`` makes index 0 padding: the output mask is ``inputs != 0`` (and
    ``input_dim`` must then leave room for it). ``input_length`` sets the input shape.
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer='uniform',
                 embeddings_regularizer=None, activity_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, input_length=None, **kwargs):
        if input_length is not None:
            if isinstance(input_length, (list, tuple)):
                input_length = tuple(input_length)
                for d in input_length:
                    if d is not None:
                        check_int('Embedding', 'input_length', d)
            else:
                check_int('Embedding', 'input_length', input_length)
        if 'input_shape' not in kwargs and 'batch_input_shape' not in kwargs:
            if input_length is None:
                kwargs['input_shape'] = (None,)
            elif isinstance(input_length, tuple):
                kwargs['input_shape'] = input_length
            else:
                kwargs['input_shape'] = (int(input_length),)
        super(Embedding, self).__init__(**kwargs)
        self.input_dim = check_int('Embedding', 'input_dim', input_dim)
        self.output_dim = check_int('Embedding', 'output_dim', output_dim)
        set_weight_options(self, locals(), ('embeddings',), activity=True)
        self.mask_zero = check_bool('Embedding', 'mask_zero', mask_zero)
        self.supports_masking = self.mask_zero
        self.input_length = input_length

    def build(self, input_shape):
        self.embeddings = add_role_weight(self, 'embeddings', 'embeddings',
                                          (self.input_dim, self.output_dim))
        self.built = True

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return K.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.input_length is None:
            return input_shape + (self.output_dim,)
        lengths = self.input_length if isinstance(self.input_length, tuple) \
            else (self.input_length,)
        if len(lengths) != len(input_shape) - 1:
            raise ValueError('layer %s (Embedding): input_length=%r does not match the input '
                             'shape %s' % (self.name, self.input_length, input_shape))
        for want, got in zip(lengths, input_shape[1:]):
            if want is not None and got is not None and want != got:
                raise ValueError('layer %s (Embedding): input_length=%r does not match the '
                                 'input shape %s' % (self.name, self.input_length,
                                                     input_shape))
        shape = tuple(w if w is not None else g for w, g in zip(lengths, input_shape[1:]))
        return (input_shape[0],) + shape + (self.output_dim,)

    def call(self, inputs):
        if not K.dtype(inputs).startswith('int'):
            inputs = K.cast(inputs, 'int32')
        return K.gather(self.embeddings, inputs)

    def get_config(self):
        config = {'input_dim': self.input_dim, 'output_dim': self.output_dim}
        config.update(weight_options_config(self, ('embeddings',), activity=True))
        config.update(mask_zero=self.mask_zero, input_length=self.input_length)
        return base_config(self, config)

