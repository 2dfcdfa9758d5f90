"""Keras 2.3.1's argument lists for the recurrent layers and cells (and the CuDNN
layers), declared once.

``keras_signature(params)`` decorates an ``__init__(self, **kwargs)``-style constructor:
positional arguments bind to Keras's names in Keras's order, and ``inspect.signature``
shows Keras's parameters and defaults."""
import functools
import inspect

_INIT = [('kernel_initializer', 'glorot_uniform'), ('recurrent_initializer', 'orthogonal'),
         ('bias_initializer', 'zeros')]
_REG = [('kernel_regularizer', None), ('recurrent_regularizer', None),
        ('bias_regularizer', None)]
_CONSTRAINTS = [('kernel_constraint', None), ('recurrent_constraint', None),
                ('bias_constraint', None)]
_DROPOUT = [('dropout', 0.), ('recurrent_dropout', 0.)]
_RNN = [('return_sequences', False), ('return_state', False), ('go_backwards', False),
        ('stateful', False), ('unroll', False)]
_ACT = [('activation', 'tanh'), ('recurrent_activation', 'sigmoid'), ('use_bias', True)]
_ACTIVITY = [('activity_regularizer', None)]

SIMPLE_RNN_CELL = [('units', inspect.Parameter.empty), ('activation', 'tanh'),
                   ('use_bias', True)] + _INIT + _REG + _CONSTRAINTS + _DROPOUT
LSTM_CELL = ([('units', inspect.Parameter.empty)] + _ACT + _INIT + [('unit_forget_bias', True)]
             + _REG + _CONSTRAINTS + _DROPOUT + [('implementation', 2)])
GRU_CELL = ([('units', inspect.Parameter.empty)] + _ACT + _INIT + _REG + _CONSTRAINTS
            + _DROPOUT + [('implementation', 2), ('reset_after', False)])
SIMPLE_RNN = (SIMPLE_RNN_CELL[:9] + _ACTIVITY + _CONSTRAINTS + _DROPOUT + _RNN)
LSTM = (LSTM_CELL[:11] + _ACTIVITY + _CONSTRAINTS + _DROPOUT + [('implementation', 2)]
        + _RNN)
GRU = (GRU_CELL[:10] + _ACTIVITY + _CONSTRAINTS + _DROPOUT + [('implementation', 2)]
       + _RNN + [('reset_after', False)])
_CUDNN = [('return_sequences', False), ('return_state', False), ('stateful', False)]
CUDNN_GRU = [('units', inspect.Parameter.empty)] + _INIT + _REG + _ACTIVITY + _CONSTRAINTS + _CUDNN
CUDNN_LSTM = ([('units', inspect.Parameter.empty)] + _INIT + [('unit_forget_bias', True)] + _REG
              + _ACTIVITY + _CONSTRAINTS + _CUDNN)


def keras_signature(params):
    names = [name for name, _ in params]

    def decorate(init):
        @functools.wraps(init)
        def __init__(self, *args, **kwargs):
            if len(args) > len(names):
                raise TypeError('%s takes at most %d positional arguments (%d given)'
                                % (type(self).__name__, len(names), len(args)))
            for name, value in zip(names, args):
                if name in kwargs:
                    raise TypeError('%s got multiple values for argument %r'
                                    % (type(self).__name__, name))
                kwargs[name] = value
            for name, default in params:
                if default is not inspect.Parameter.empty:
                    kwargs.setdefault(name, default)
            init(self, **kwargs)
        parameters = [inspect.Parameter('self', inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        parameters += [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                         default=default) for name, default in params]
        parameters.append(inspect.Parameter('kwargs', inspect.Parameter.VAR_KEYWORD))
        __init__.__signature__ = inspect.Signature(parameters)
        return __init__
    return decorate
