"""Keras 2.3.1's ``keras.legacy.interfaces``: Keras-1 keyword arguments (``output_dim``,
``init``, ``border_mode``, ``nb_filter``, ``subsample``, ``dim_ordering``,
``W_regularizer``, ``nb_epoch``, ``samples_per_epoch``...) converted to their Keras 2
names with Keras's "Update your `X` call to the Keras 2 API" warning.

``install()`` wraps the ``__init__`` (or method) of each class listed in ``TABLE`` once;
the layer and model modules themselves stay Keras-2 only.
"""
import functools
import warnings

import numpy as np

_DIM_ORDERING = {'dim_ordering': {'tf': 'channels_last', 'th': 'channels_first',
                                  'default': None}}
_REGULARIZED = [('init', 'kernel_initializer'), ('W_regularizer', 'kernel_regularizer'),
                ('b_regularizer', 'bias_regularizer'), ('W_constraint', 'kernel_constraint'),
                ('b_constraint', 'bias_constraint'), ('bias', 'use_bias')]


def _text(value):
    if isinstance(value, str):
        return '"' + value + '"'
    text = 'array' if isinstance(value, np.ndarray) else str(value)
    return text[:10] + '...' if len(text) > 10 else text


def _signature(name, args, kwargs):
    parts = [_text(a) for a in args] + ['%s=%s' % (k, _text(v)) for k, v in kwargs.items()]
    return '`%s(%s)`' % (name, ', '.join(parts))


def convert(name, args, kwargs, conversions=(), value_conversions=None, preprocessor=None):
    """(args, kwargs) with the legacy names converted; warns as Keras 2.3.1 does.
    ``args`` excludes ``self``."""
    kwargs = dict(kwargs)
    converted = []
    if preprocessor is not None:
        args, kwargs, converted = preprocessor(list(args), kwargs)
    for key, values in (value_conversions or {}).items():
        if key in kwargs and isinstance(kwargs[key], str) and kwargs[key] in values:
            kwargs[key] = values[kwargs[key]]
    for old, new in conversions:
        if old in kwargs:
            value = kwargs.pop(old)
            if new in kwargs:
                raise TypeError('For the `%s` argument, the layer received both the legacy '
                                'keyword argument `%s` and the Keras 2 keyword argument `%s`. '
                                'Stick to the latter!' % (new, old, new))
            kwargs[new] = value
            converted.append((new, old))
    if converted:
        warnings.warn('Update your `%s` call to the Keras 2 API: %s'
                      % (name, _signature(name, args, kwargs)), stacklevel=3)
    return args, kwargs


# --- preprocessors (Keras 2.3.1's) -----------------------------------------------------
def _input_dim_to_shape(args, kwargs):
    converted = []
    if 'input_dim' in kwargs:
        kwargs['input_shape'] = (kwargs.pop('input_length', None), kwargs.pop('input_dim'))
        converted.append(('input_shape', 'input_dim'))
    return args, kwargs, converted


def _conv2d_args(args, kwargs):
    """``Conv2D(32, 3, 3)`` means 32 filters of 3x3, as in Keras 1 (Keras 2.3.1)."""
    converted = []
    if len(args) > 3:
        raise TypeError('Layer can receive at most 3 positional arguments.')
    if len(args) == 3 and isinstance(args[1], int) and isinstance(args[2], int):
        for key in ('padding', 'strides', 'data_format'):
            if key in kwargs:
                raise ValueError('It seems that you are using the Keras 2 and you are passing '
                                 'both `kernel_size` and `strides` as integer positional '
                                 'arguments. For safety reasons, this is disallowed. Pass '
                                 '`strides` as a keyword argument instead.')
        args = [args[0], (args[1], args[2])]
        converted.append(('kernel_size', 'nb_row/nb_col'))
    elif len(args) == 2 and isinstance(args[1], int) and 'nb_col' in kwargs:
        args = [args[0], (args[1], kwargs.pop('nb_col'))]
        converted.append(('kernel_size', 'nb_row/nb_col'))
    elif 'nb_row' in kwargs and 'nb_col' in kwargs:
        kernel_size = (kwargs.pop('nb_row'), kwargs.pop('nb_col'))
        if len(args) == 1:
            args = [args[0], kernel_size]
        else:
            kwargs['kernel_size'] = kernel_size
        converted.append(('kernel_size', 'nb_row/nb_col'))
    return args, kwargs, converted


def _conv3d_args(args, kwargs):
    """``Conv3D(32, 3, 3, 3)`` means 32 filters of 3x3x3, as in Keras 1 (Keras 2.3.1)."""
    dims = ('kernel_dim1', 'kernel_dim2', 'kernel_dim3')
    converted = [('kernel_size', 'kernel_dim*')]
    if len(args) > 4:
        raise TypeError('Layer can receive at most 4 positional arguments.')
    if len(args) == 4 and all(isinstance(a, int) for a in args[1:]):
        return [args[0], tuple(args[1:])], kwargs, converted
    if len(args) == 3 and isinstance(args[1], int) and isinstance(args[2], int):
        if any(key in kwargs for key in ('padding', 'strides', 'data_format')):
            raise ValueError('It seems that you are using the Keras 2 and you are passing '
                             'both `kernel_size` and `strides` as integer positional '
                             'arguments. For safety reasons, this is disallowed. Pass '
                             '`strides` as a keyword argument instead.')
        if 'kernel_dim3' in kwargs:
            return [args[0], (args[1], args[2], kwargs.pop('kernel_dim3'))], kwargs, converted
    if len(args) == 2 and all(d in kwargs for d in dims[1:]):
        kernel_size = (args[1],) + tuple(kwargs.pop(d) for d in dims[1:])
        return [args[0], kernel_size], kwargs, converted
    if len(args) <= 1 and all(d in kwargs for d in dims):
        kernel_size = tuple(kwargs.pop(d) for d in dims)
        if args:
            return [args[0], kernel_size], kwargs, converted
        kwargs['kernel_size'] = kernel_size
        return args, kwargs, converted
    return args, kwargs, []


def _recurrent_args(args, kwargs):
    args, kwargs, converted = _input_dim_to_shape(args, kwargs)
    if 'forget_bias_init' in kwargs:
        if kwargs.pop('forget_bias_init') == 'one':
            kwargs['unit_forget_bias'] = True
            converted.append(('forget_bias_init', 'unit_forget_bias'))
        else:
            warnings.warn('The `forget_bias_init` argument has been ignored. Use '
                          '`unit_forget_bias=True` instead to initialize with ones.',
                          stacklevel=4)
    return args, kwargs, converted


def _embedding_args(args, kwargs):
    if 'dropout' in kwargs:
        kwargs.pop('dropout')
        warnings.warn('The `dropout` argument is no longer support in `Embedding`. You can '
                      'apply a `keras.layers.SpatialDropout1D` layer right after the '
                      '`Embedding` layer to get the same behavior.', stacklevel=4)
    return args, kwargs, []


def _batchnorm_args(args, kwargs):
    converted = []
    if 'mode' in kwargs:
        if kwargs.pop('mode') != 0:
            raise TypeError('The `mode` argument of `BatchNormalization` no longer exists. '
                            '`mode=1` and `mode=2` are no longer supported.')
        converted.append(('mode', 'mode'))
    return args, kwargs, converted


def _generator_args(args, kwargs):
    converted = []
    if 'samples_per_epoch' in kwargs:
        samples = kwargs.pop('samples_per_epoch')
        generator = args[0] if args else kwargs.get('generator')
        batch_size = getattr(generator, 'batch_size', None)
        kwargs['steps_per_epoch'] = samples // batch_size if batch_size else samples
        converted.append(('samples_per_epoch', 'steps_per_epoch'))
    return args, kwargs, converted


_RECURRENT = [('output_dim', 'units'), ('init', 'kernel_initializer'),
              ('inner_init', 'recurrent_initializer'),
              ('inner_activation', 'recurrent_activation'),
              ('W_regularizer', 'kernel_regularizer'), ('b_regularizer', 'bias_regularizer'),
              ('U_regularizer', 'recurrent_regularizer'), ('dropout_W', 'dropout'),
              ('dropout_U', 'recurrent_dropout'), ('consume_less', 'implementation')]
_GENERATOR = [('val_samples', 'steps'), ('nb_epoch', 'epochs'),
              ('nb_val_samples', 'validation_steps'), ('nb_worker', 'workers'),
              ('pickle_safe', 'use_multiprocessing'), ('max_q_size', 'max_queue_size')]

# class name -> (conversions, value_conversions, preprocessor)
TABLE = {
    'Dense': ([('output_dim', 'units')] + _REGULARIZED, None, None),
    'Dropout': ([('p', 'rate')], None, None),
    'SpatialDropout1D': ([('p', 'rate')], None, None),
    'SpatialDropout2D': ([('p', 'rate'), ('dim_ordering', 'data_format')], _DIM_ORDERING,
                         None),
    'Embedding': ([('init', 'embeddings_initializer'),
                   ('W_regularizer', 'embeddings_regularizer'),
                   ('W_constraint', 'embeddings_constraint')], None, _embedding_args),
    'Conv1D': ([('nb_filter', 'filters'), ('filter_length', 'kernel_size'),
                ('subsample_length', 'strides'), ('border_mode', 'padding')] + _REGULARIZED,
               None, _input_dim_to_shape),
    'Conv2D': ([('nb_filter', 'filters'), ('subsample', 'strides'),
                ('border_mode', 'padding'), ('dim_ordering', 'data_format')] + _REGULARIZED,
               _DIM_ORDERING, _conv2d_args),
    'Conv2DTranspose': ([('nb_filter', 'filters'), ('subsample', 'strides'),
                         ('border_mode', 'padding'), ('dim_ordering', 'data_format')]
                        + _REGULARIZED, _DIM_ORDERING, _conv2d_args),
    'SeparableConv2D': ([('nb_filter', 'filters'), ('subsample', 'strides'),
                         ('border_mode', 'padding'), ('dim_ordering', 'data_format'),
                         ('b_regularizer', 'bias_regularizer'),
                         ('b_constraint', 'bias_constraint'), ('bias', 'use_bias')],
                        _DIM_ORDERING, _conv2d_args),
    'MaxPooling1D': ([('pool_length', 'pool_size'), ('stride', 'strides'),
                      ('border_mode', 'padding')], None, None),
    'AveragePooling1D': ([('pool_length', 'pool_size'), ('stride', 'strides'),
                          ('border_mode', 'padding')], None, None),
    'MaxPooling2D': ([('border_mode', 'padding'), ('dim_ordering', 'data_format')],
                     _DIM_ORDERING, None),
    'AveragePooling2D': ([('border_mode', 'padding'), ('dim_ordering', 'data_format')],
                         _DIM_ORDERING, None),
    'GlobalMaxPooling2D': ([('dim_ordering', 'data_format')], _DIM_ORDERING, None),
    'GlobalAveragePooling2D': ([('dim_ordering', 'data_format')], _DIM_ORDERING, None),
    'UpSampling1D': ([('length', 'size')], None, None),
    'UpSampling2D': ([('dim_ordering', 'data_format')], _DIM_ORDERING, None),
    'ZeroPadding2D': ([('dim_ordering', 'data_format')], _DIM_ORDERING, None),
    'Cropping2D': ([('dim_ordering', 'data_format')], _DIM_ORDERING, None),
    'Conv3D': ([('nb_filter', 'filters'), ('subsample', 'strides'),
                ('border_mode', 'padding'), ('dim_ordering', 'data_format')] + _REGULARIZED,
               _DIM_ORDERING, _conv3d_args),
    'SimpleRNN': (_RECURRENT, {'consume_less': {'cpu': 0, 'mem': 1, 'gpu': 2}},
                  _recurrent_args),
    'LSTM': (_RECURRENT, {'consume_less': {'cpu': 0, 'mem': 1, 'gpu': 2}}, _recurrent_args),
    'GRU': (_RECURRENT, {'consume_less': {'cpu': 0, 'mem': 1, 'gpu': 2}}, _recurrent_args),
    'BatchNormalization': ([('beta_init', 'beta_initializer'),
                            ('gamma_init', 'gamma_initializer')], None, _batchnorm_args),
    'PReLU': ([('init', 'alpha_initializer')], None, None),
    'GaussianNoise': ([('sigma', 'stddev')], None, None),
    'GaussianDropout': ([('p', 'rate')], None, None),
}
# Keras 2.3.1 converts these layers' arguments as those of their 1-D/2-D counterparts
# (the locally-connected layers use the conv1d/conv2d interfaces)
for _name, _like in (('LocallyConnected1D', 'Conv1D'), ('LocallyConnected2D', 'Conv2D'),
                     ('MaxPooling3D', 'MaxPooling2D'), ('AveragePooling3D', 'MaxPooling2D'),
                     ('GlobalMaxPooling3D', 'GlobalMaxPooling2D'),
                     ('GlobalAveragePooling3D', 'GlobalMaxPooling2D'),
                     ('UpSampling3D', 'UpSampling2D'), ('ZeroPadding3D', 'ZeroPadding2D'),
                     ('Cropping3D', 'Cropping2D'), ('SpatialDropout3D', 'SpatialDropout2D')):
    TABLE[_name] = TABLE[_like]
METHODS = {
    'fit_generator': (_GENERATOR, None, _generator_args),
    'evaluate_generator': (_GENERATOR, None, None),
    'predict_generator': (_GENERATOR, None, None),
}
MODEL_CONSTRUCTOR = ([('input', 'inputs'), ('output', 'outputs')], None, None)


def _wrap_init(cls, spec):
    original = cls.__init__
    if getattr(original, '_legacy_wrapped', False):
        return

    @functools.wraps(original)
    def __init__(self, *args, **kwargs):
        conversions, values, preprocessor = spec
        if type(self) is not cls:   # a subclass's super().__init__: keywords only
            preprocessor = None
        args, kwargs = convert(type(self).__name__, args, kwargs, conversions, values,
                               preprocessor)
        original(self, *args, **kwargs)
    __init__._legacy_wrapped = True
    cls.__init__ = __init__


def _wrap_method(cls, method_name, spec):
    original = getattr(cls, method_name)
    if getattr(original, '_legacy_wrapped', False):
        return

    @functools.wraps(original)
    def method(self, *args, **kwargs):
        args, kwargs = convert(method_name, args, kwargs, *spec)
        return original(self, *args, **kwargs)
    method._legacy_wrapped = True
    setattr(cls, method_name, method)


def install():
    """Wrap the built-in layers and Model once (idempotent)."""
    from minikeras import layers
    from minikeras.models.network import Network
    from minikeras.models.training import Model
    for name, spec in TABLE.items():
        cls = getattr(layers, name, None)
        if cls is not None:
            _wrap_init(cls, spec)
    _wrap_init(Network, MODEL_CONSTRUCTOR)
    for name, spec in METHODS.items():
        if hasattr(Model, name):
            _wrap_method(Model, name, spec)


# --- Keras 2.3.1's decorators, for custom layers and optimizers that use them ----------
def _decorator(spec, name=None):
    def decorate(func):
        @functools.wraps(func)
        def wrapper(self, *args, **kwargs):
            args, kwargs = convert(name or type(self).__name__, args, kwargs, *spec)
            return func(self, *args, **kwargs)
        return wrapper
    return decorate


def _get_updates_args(args, kwargs):
    """Keras 1 ``get_updates(params, constraints, loss)`` -> ``get_updates(loss, params)``."""
    if len(args) > 3:
        raise TypeError('`get_update` call received more arguments than expected.')
    if len(args) == 3:
        params, _, loss = args
        return [], dict(kwargs, loss=loss, params=params), []
    if len(args) == 2 and isinstance(args[0], (list, tuple)):
        return [], dict(kwargs, params=args[0]), []
    kwargs.pop('constraints', None)
    return args, kwargs, []


legacy_dense_support = _decorator(TABLE['Dense'])
legacy_dropout_support = _decorator(TABLE['Dropout'])
legacy_embedding_support = _decorator(TABLE['Embedding'])
legacy_pooling1d_support = _decorator(TABLE['MaxPooling1D'])
legacy_pooling2d_support = _decorator(TABLE['MaxPooling2D'])
legacy_global_pooling_support = _decorator(TABLE['GlobalMaxPooling2D'])
legacy_upsampling1d_support = _decorator(TABLE['UpSampling1D'])
legacy_upsampling2d_support = _decorator(TABLE['UpSampling2D'])
legacy_zeropadding2d_support = _decorator(TABLE['ZeroPadding2D'])
legacy_cropping2d_support = _decorator(TABLE['Cropping2D'])
legacy_spatialdropout1d_support = _decorator(TABLE['SpatialDropout1D'])
legacy_spatialdropout2d_support = _decorator(TABLE['SpatialDropout2D'])
legacy_conv1d_support = _decorator(TABLE['Conv1D'])
legacy_conv2d_support = _decorator(TABLE['Conv2D'])
legacy_deconv2d_support = _decorator(TABLE['Conv2DTranspose'])
legacy_conv3d_support = _decorator(TABLE['Conv3D'])
legacy_pooling3d_support = _decorator(TABLE['MaxPooling3D'])
legacy_upsampling3d_support = _decorator(TABLE['UpSampling3D'])
legacy_zeropadding3d_support = _decorator(TABLE['ZeroPadding3D'])
legacy_cropping3d_support = _decorator(TABLE['Cropping3D'])
legacy_spatialdropoutNd_support = _decorator(TABLE['SpatialDropout3D'])
legacy_recurrent_support = _decorator(TABLE['LSTM'])
legacy_batchnorm_support = _decorator(TABLE['BatchNormalization'])
legacy_prelu_support = _decorator(TABLE['PReLU'])
legacy_gaussiannoise_support = _decorator(TABLE['GaussianNoise'])
legacy_gaussiandropout_support = _decorator(TABLE['GaussianDropout'])
legacy_model_constructor_support = _decorator(MODEL_CONSTRUCTOR)
legacy_generator_methods_support = _decorator(METHODS['fit_generator'], 'fit_generator')
legacy_get_updates_support = _decorator(((), None, _get_updates_args), 'get_updates')
legacy_input_support = _decorator(([('input_dtype', 'dtype')], None, None), 'Input')
