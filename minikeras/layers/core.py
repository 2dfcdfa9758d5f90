"""Core layers (Keras 2): Dense, Activation, Dropout, Flatten, Reshape, Permute,
RepeatVector, Lambda, ActivityRegularization, Masking."""
import inspect
import numbers

import numpy as np

import minikeras.backend as K
from minikeras.layers.base import InputSpec, Layer
from minikeras.utils import object_registration
from minikeras.utils.generic_utils import ArgumentTypeError


# --- argument checks shared by the built-in layers -------------------------------------

def check_int(layer, name, value, minimum=1):
    """``value`` as an int >= ``minimum``, else a ValueError naming the layer and argument."""
    if (not isinstance(value, numbers.Integral) or isinstance(value, bool)
            or value < minimum):
        what = 'a positive integer' if minimum == 1 else 'an integer >= %d' % minimum
        error = ValueError if isinstance(value, numbers.Integral) else ArgumentTypeError
        raise error('%s: %s must be %s, received %s=%r'
                    % (layer, name, what, name, value))
    return int(value)


def check_float(layer, name, value, low=None, high=None, low_open=False, high_open=False):
    """``value`` as a float within [low, high] (open ends as requested)."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        lo = '' if low is None else ('%s%s' % ('(' if low_open else '[', low))
        hi = '' if high is None else ('%s%s' % (high, ')' if high_open else ']'))
        rng = ' in %s, %s' % (lo or '(-inf', hi or 'inf)') if (lo or hi) else ''
        typed = isinstance(value, numbers.Real) and not isinstance(value, bool)
        error = ValueError if typed else ArgumentTypeError
        raise error('%s: %s must be a number%s, received %s=%r'
                    % (layer, name, rng, name, value))
    return float(value)


def check_bool(layer, name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError('%s: %s must be True or False, received %s=%r'
                                % (layer, name, name, value))
    return bool(value)


def base_config(layer, config):
    out = Layer.get_config(layer)
    out.update(config)
    return out


def _noise_shape(noise_shape, layer):
    if noise_shape is None:
        return None
    try:
        shape = tuple(noise_shape)
    except TypeError:
        raise ValueError('%s: noise_shape must be a tuple of integers or None entries, '
                         'received noise_shape=%r' % (layer, noise_shape))
    for d in shape:
        if d is not None and (not isinstance(d, numbers.Integral) or d < 1):
            raise ValueError('%s: noise_shape must be a tuple of positive integers or None '
                             'entries, received noise_shape=%r' % (layer, noise_shape))
    return tuple(None if d is None else int(d) for d in shape)


def static_shape(layer, x):
    """``K.int_shape(x)`` with unknown entries filled from the shape the layer was built
    for (engines differ in how much static shape their traced tensors keep), as long as
    the layer was called on one input only."""
    shape = tuple(K.int_shape(x))
    built = getattr(layer, '_built_input_shape', None)
    if isinstance(built, tuple) and len(built) == len(shape) \
            and len(layer._inbound_nodes) <= 1:
        shape = tuple(b if s is None else s for s, b in zip(shape, built))
    return shape


# --- layers ----------------------------------------------------------------------------

class Dense(Layer):
    """``activation(dot(input, kernel) + bias)``; kernel (input_dim, units)."""

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer='glorot_uniform', bias_initializer='zeros',
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        from minikeras import activations
        from minikeras.layers.weight_options import set_weight_options
        if 'input_shape' not in kwargs and 'input_dim' in kwargs:
            kwargs['input_shape'] = (check_int('Dense', 'input_dim',
                                               kwargs.pop('input_dim')),)
        super(Dense, self).__init__(**kwargs)
        self.units = check_int('Dense', 'units', units)
        self.activation = activations.get(activation)
        self.use_bias = check_bool('Dense', 'use_bias', use_bias)
        set_weight_options(self, locals(), ('kernel', 'bias'), activity=True)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        if len(input_shape) < 2:
            raise ValueError('layer %s (Dense) expects an input with at least 2 axes, '
                             'received shape %s' % (self.name, tuple(input_shape)))
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError('layer %s (Dense): the last axis of the input must be known, '
                             'received shape %s' % (self.name, tuple(input_shape)))
        from minikeras.layers.weight_options import add_role_weight
        self.kernel = add_role_weight(self, 'kernel', 'kernel', (input_dim, self.units))
        self.bias = add_role_weight(self, 'bias', 'bias', (self.units,)) \
            if self.use_bias else None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True

    def call(self, inputs):
        output = K.dot(inputs, self.kernel)
        if self.use_bias:
            output = K.bias_add(output, self.bias, data_format='channels_last')
        if self.activation is not None:
            output = self.activation(output)
        return output

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        from minikeras import activations
        from minikeras.layers.weight_options import weight_options_config
        config = {'units': self.units, 'activation': activations.serialize(self.activation),
                  'use_bias': self.use_bias}
        config.update(weight_options_config(self, ('kernel', 'bias'), activity=True))
        return base_config(self, config)


class Activation(Layer):
    """Applies an activation function (name or callable)."""

    def __init__(self, activation, **kwargs):
        from minikeras import activations
        super(Activation, self).__init__(**kwargs)
        self.supports_masking = True
        if activation is None:
            raise ValueError("Activation: activation must be a name such as 'relu' or a "
                             "callable, received activation=None")
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        from minikeras import activations
        return base_config(self, {'activation': activations.serialize(self.activation)})


class Dropout(Layer):
    """Zeroes a fraction ``rate`` of the inputs in the training phase (scaling the rest by
    1 / (1 - rate)); the identity in the test phase."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super(Dropout, self).__init__(**kwargs)
        self.rate = check_float(type(self).__name__, 'rate', rate, 0., 1., high_open=True)
        self.noise_shape = _noise_shape(noise_shape, 'Dropout')
        if seed is not None:
            seed = check_int('Dropout', 'seed', seed, minimum=0)
        self.seed = seed
        self.supports_masking = True

    def call(self, inputs, training=None):
        if 0. < self.rate < 1.:
            def dropped_inputs():
                return K.dropout(inputs, self.rate, self.noise_shape, seed=self.seed)
            return K.in_train_phase(dropped_inputs, inputs, training=training)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return base_config(self, {'rate': self.rate, 'noise_shape': self.noise_shape,
                                  'seed': self.seed})


class SpatialDropout1D(Dropout):
    """Drops whole feature maps of (batch, steps, channels) inputs."""

    def __init__(self, rate, **kwargs):
        super(SpatialDropout1D, self).__init__(rate, **kwargs)
        self.input_spec = InputSpec(ndim=3)
        self.noise_shape = (None, 1, None)

    def get_config(self):
        config = super(SpatialDropout1D, self).get_config()
        config.pop('noise_shape')
        config.pop('seed')
        return config


class _SpatialDropout(Dropout):
    """Drops whole feature maps of (rank + 2)-D inputs."""
    _rank = None

    def __init__(self, rate, data_format=None, **kwargs):
        from minikeras.utils.conv_utils import normalize_data_format
        super(_SpatialDropout, self).__init__(rate, **kwargs)
        self.data_format = normalize_data_format(data_format, type(self).__name__)
        self.input_spec = InputSpec(ndim=self._rank + 2)
        if self.data_format == 'channels_first':
            self.noise_shape = (None, None) + (1,) * self._rank
        else:
            self.noise_shape = (None,) + (1,) * self._rank + (None,)

    def get_config(self):
        config = super(_SpatialDropout, self).get_config()
        config.pop('noise_shape')
        config.pop('seed')
        config['data_format'] = self.data_format
        return config


class SpatialDropout2D(_SpatialDropout):
    """Drops whole feature maps of 4-D inputs."""
    _rank = 2


class Flatten(Layer):
    """(batch, ...) -> (batch, prod(...))."""

    def __init__(self, data_format=None, **kwargs):
        from minikeras.utils.conv_utils import normalize_data_format
        super(Flatten, self).__init__(**kwargs)
        self.data_format = normalize_data_format(data_format, 'Flatten')
        self.input_spec = InputSpec(min_ndim=3)

    def call(self, inputs):
        if self.data_format == 'channels_first' and K.ndim(inputs) > 2:
            pattern = [0] + list(range(2, K.ndim(inputs))) + [1]
            inputs = K.permute_dimensions(inputs, tuple(pattern))
        return K.batch_flatten(inputs)

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        if len(rest) == 0:
            raise ValueError('layer %s (Flatten) needs an input with at least 2 axes, '
                             'received shape %s' % (self.name, tuple(input_shape)))
        if any(d is None for d in rest):
            size = None
        else:
            size = int(np.prod(rest))
        return (input_shape[0], size)

    def get_config(self):
        return base_config(self, {'data_format': self.data_format})


class Reshape(Layer):
    """Reshape the non-batch axes to ``target_shape`` (one entry may be -1)."""

    def __init__(self, target_shape, **kwargs):
        super(Reshape, self).__init__(**kwargs)
        try:
            target = tuple(target_shape)
        except TypeError:
            raise ValueError('Reshape: target_shape must be a tuple of integers, received '
                             'target_shape=%r' % (target_shape,))
        if (not all(isinstance(d, numbers.Integral) and (d > 0 or d == -1) for d in target)
                or sum(1 for d in target if d == -1) > 1):
            raise ValueError('Reshape: target_shape must be a tuple of positive integers '
                             'with at most one -1, received target_shape=%r'
                             % (target_shape,))
        self.target_shape = tuple(int(d) for d in target)

    def _resolved(self, input_shape):
        """The target shape with -1 resolved from the input's known size, else None."""
        rest = input_shape[1:]
        if any(d is None for d in rest):
            return None
        size = int(np.prod(rest))
        known = int(np.prod([d for d in self.target_shape if d != -1]))
        if -1 in self.target_shape:
            if known == 0 or size % known:
                raise ValueError('layer %s (Reshape): an input of shape %s cannot be '
                                 'reshaped to %s' % (self.name, tuple(input_shape),
                                                     self.target_shape))
            return tuple(size // known if d == -1 else d for d in self.target_shape)
        if known != size:
            raise ValueError('layer %s (Reshape): total size of the new shape %s (%d) must '
                             'equal that of the input shape %s (%d)'
                             % (self.name, self.target_shape, known, tuple(input_shape), size))
        return self.target_shape

    def compute_output_shape(self, input_shape):
        resolved = self._resolved(input_shape)
        if resolved is None:
            resolved = tuple(None if d == -1 else d for d in self.target_shape)
        return (input_shape[0],) + resolved

    def call(self, inputs):
        resolved = self._resolved(static_shape(self, inputs))
        if resolved is not None or -1 not in self.target_shape:
            return K.reshape(inputs, (-1,) + (resolved or self.target_shape))
        # an unknown non-batch axis and a -1 in the target: give the batch size as a tensor
        batch = K.slice(K.shape(inputs), [0], [1])
        target = K.constant(np.array(self.target_shape), dtype='int32')
        return K.reshape(inputs, K.concatenate([batch, target], axis=0))

    def get_config(self):
        return base_config(self, {'target_shape': self.target_shape})


class Permute(Layer):
    """Permute the non-batch axes; ``dims`` is 1-indexed (Keras 2)."""

    def __init__(self, dims, **kwargs):
        super(Permute, self).__init__(**kwargs)
        try:
            dims = tuple(dims)
        except TypeError:
            raise ValueError('Permute: dims must be a permutation of 1..n, received '
                             'dims=%r' % (dims,))
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError('Permute: dims must be a permutation of 1..%d (the batch axis '
                             '0 is not included), received dims=%r' % (len(dims), dims))
        self.dims = tuple(int(d) for d in dims)
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def _check(self, input_shape):
        if len(input_shape) != len(self.dims) + 1:
            raise ValueError('layer %s (Permute) with dims=%r expects inputs with %d axes, '
                             'received shape %s' % (self.name, self.dims, len(self.dims) + 1,
                                                    tuple(input_shape)))

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def call(self, inputs):
        return K.permute_dimensions(inputs, (0,) + self.dims)

    def get_config(self):
        return base_config(self, {'dims': self.dims})


class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features)."""

    def __init__(self, n, **kwargs):
        super(RepeatVector, self).__init__(**kwargs)
        self.n = check_int('RepeatVector', 'n', n)
        self.input_spec = InputSpec(ndim=2)

    def compute_output_shape(self, input_shape):
        if len(input_shape) != 2:
            raise ValueError('layer %s (RepeatVector) expects a 2-D input (batch, '
                             'features), received shape %s' % (self.name, tuple(input_shape)))
        return (input_shape[0], self.n, input_shape[1])

    def call(self, inputs):
        return K.repeat(inputs, self.n)

    def get_config(self):
        return base_config(self, {'n': self.n})


def _function_reference(fn, layer, what):
    """A named module-level function as {'module', 'name'} (plus 'registered_name' when
    it was registered); None for a lambda or nested function (saved as Keras 2 bytecode
    by ``_function_config``)."""
    name = getattr(fn, '__qualname__', None) or getattr(fn, '__name__', None)
    module = getattr(fn, '__module__', None)
    if inspect.isfunction(fn) and name and ('<lambda>' in name or '<locals>' in name):
        return None
    if (not inspect.isfunction(fn) and not inspect.isbuiltin(fn)) or not name or not module:
        raise ValueError('layer %s (Lambda): its %s %r cannot be serialized: only Python '
                         'functions can be saved (a callable object or partial is neither '
                         'named nor code); wrap it in a def' % (layer, what, fn))
    # backend ops carry their contract stub's module: they live in minikeras.backend
    if getattr(K, name, None) is fn:
        return {'module': K.__name__, 'name': name}
    ref = {'module': module, 'name': name}
    registered = object_registration.get_registered_name(fn)
    if registered != getattr(fn, '__name__', None):
        ref['registered_name'] = registered
    return ref


def _function_config(fn, layer, what):
    """``(value, type)`` for a Lambda's function: a reference for a named module-level
    function (type 'function'); Keras 2.3.1's marshalled bytecode for a lambda or nested
    function (type 'lambda', loaded only with ``safe_mode=False``)."""
    from minikeras.utils.generic_utils import func_dump
    ref = _function_reference(fn, layer, what)
    if ref is None:
        return func_dump(fn), 'lambda'
    return ref, 'function'


def _bytecode_globals(custom_objects):
    """What a Keras 2 lambda's code sees as globals: this module's (``K``, ``np``), then
    the custom objects, as Keras 2.3.1's ``Lambda.from_config``."""
    globs = dict(globals())
    globs.update(custom_objects or {})
    return globs


def _function_from_config(config, key, owner, custom_objects, safe_mode):
    """The function stored under ``config[key]`` (kind in ``config[key + '_type']``),
    resolved by ``object_registration`` rules; Keras 2 bytecode only outside safe mode."""
    what = 'function' if key == 'function' else key + ' function'
    kind = config.pop(key + '_type', 'function' if key == 'function' else 'raw')
    module = config.pop('module' if key == 'function' else key + '_module', None)
    value = config.get(key)
    if kind == 'raw':
        return value
    if kind == 'lambda':
        object_registration.refuse_bytecode(owner, what, safe_mode)
        from minikeras.utils.generic_utils import func_load
        return func_load(value, globs=_bytecode_globals(custom_objects))
    if kind != 'function':
        raise ValueError('%s: unknown %s_type %r (expected function, lambda or raw)'
                         % (owner, key, kind))
    if isinstance(value, str):  # Keras 2 stores a bare name (and the module separately)
        value = {'module': module or '__main__', 'name': value}
    return object_registration.resolve_function(value, custom_objects, owner, what,
                                                safe_mode)


def _ndarray_argument(value):
    """Keras 2 stores a numpy argument of a Lambda as {'type': 'ndarray', 'value': list}."""
    if isinstance(value, dict) and value.get('type') == 'ndarray' and 'value' in value:
        return np.array(value['value'])
    return value


class Lambda(Layer):
    """Wraps ``function(inputs, **arguments)`` as a layer.

    ``output_shape``: None (traced from the function), a tuple without the batch axis, or
    a function input_shape -> output_shape (with the batch axis). ``mask``: None, a
    function (inputs, mask) -> mask, or a fixed mask.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super(Lambda, self).__init__(**kwargs)
        if not callable(function):
            raise ValueError('Lambda: function must be callable, received function=%r'
                             % (function,))
        self.function = function
        if arguments is not None and not isinstance(arguments, dict):
            raise ValueError('Lambda: arguments must be a dict of keyword arguments for the '
                             'function, received arguments=%r' % (arguments,))
        self.arguments = arguments if arguments else {}
        self.supports_masking = mask is not None
        self.mask = mask
        if output_shape is None or callable(output_shape):
            self._output_shape = output_shape
        else:
            try:
                shape = tuple(output_shape)
            except TypeError:
                raise ValueError('Lambda: output_shape must be a tuple, a function or None, '
                                 'received output_shape=%r' % (output_shape,))
            self._output_shape = tuple(None if d is None else int(d) for d in shape)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return None  # traced through call() by the base class
        if callable(self._output_shape):
            shape = self._output_shape(input_shape)
            if isinstance(shape, list) and shape and isinstance(shape[0], (list, tuple)):
                return [tuple(s) for s in shape]
            return tuple(shape)
        if isinstance(input_shape, list):
            batch = input_shape[0][0]
        else:
            batch = input_shape[0] if input_shape else None
        return (batch,) + self._output_shape

    def call(self, inputs, mask=None, training=None):
        from minikeras.utils.generic_utils import has_arg
        arguments = dict(self.arguments)
        if has_arg(self.function, 'mask'):
            arguments['mask'] = mask
        if has_arg(self.function, 'training'):
            arguments['training'] = training
        return self.function(inputs, **arguments)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self):
        function, function_type = _function_config(self.function, self.name, 'function')
        config = {'function': function, 'function_type': function_type,
                  'arguments': self.arguments}
        if callable(self._output_shape):
            config['output_shape'], config['output_shape_type'] = _function_config(
                self._output_shape, self.name, 'output_shape function')
        else:
            config['output_shape'] = self._output_shape
            config['output_shape_type'] = 'raw'
        if callable(self.mask):
            config['mask'], config['mask_type'] = _function_config(
                self.mask, self.name, 'mask function')
        elif self.mask is None:
            config['mask'], config['mask_type'] = None, 'raw'
        else:
            raise ValueError('layer %s (Lambda): a fixed mask tensor cannot be serialized'
                             % self.name)
        return base_config(self, config)

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        """In safe mode (the default, see ``object_registration``) the function, mask and
        output_shape functions must be custom objects, registered, or minikeras backend
        ops/activations; ``safe_mode=False`` imports what the config names and runs Keras 2
        bytecode (trusted files only)."""
        config = dict(config)
        owner = 'layer %r (Lambda)' % (config.get('name'),)
        for key in ('function', 'output_shape', 'mask'):
            config[key] = _function_from_config(config, key, owner, custom_objects, safe_mode)
        arguments = config.get('arguments') or {}
        config['arguments'] = {k: _ndarray_argument(v) for k, v in arguments.items()}
        return cls(**config)


class ActivityRegularization(Layer):
    """Identity that adds ``l1 * sum(|x|) + l2 * sum(x**2)`` of its output to the loss."""

    def __init__(self, l1=0., l2=0., **kwargs):
        from minikeras import regularizers
        super(ActivityRegularization, self).__init__(**kwargs)
        self.supports_masking = True
        self.l1 = check_float('ActivityRegularization', 'l1', l1, 0.)
        self.l2 = check_float('ActivityRegularization', 'l2', l2, 0.)
        self.activity_regularizer = regularizers.L1L2(l1=self.l1, l2=self.l2)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return base_config(self, {'l1': self.l1, 'l2': self.l2})


class Masking(Layer):
    """Masks timesteps whose features all equal ``mask_value`` (and zeroes them)."""

    def __init__(self, mask_value=0., **kwargs):
        super(Masking, self).__init__(**kwargs)
        self.supports_masking = True
        self.mask_value = check_float('Masking', 'mask_value', mask_value)

    def compute_mask(self, inputs, mask=None):
        return K.any(K.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = K.any(K.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return K.multiply(inputs, K.cast(keep, K.dtype(inputs)))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return base_config(self, {'mask_value': self.mask_value})


class SpatialDropout3D(_SpatialDropout):
    """Drops whole feature maps of 5-D inputs."""
    _rank = 3
