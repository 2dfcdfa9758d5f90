"""What every engine adapter shares: how its ops are collected, and small helpers.

The contract (``minikeras/backend/contract/``) is the only list of op names. An adapter
package is split into topic modules; **every public function of a topic module is an op**
(helpers start with an underscore; a function imported from outside the adapter package
is an op only if it has a contract op's name, e.g. one made by ``unsupported``). The
package's ``__init__`` names its topic modules once and calls ``export_ops``::

    from minikeras.backend import adapter as _adapter
    from minikeras.backend.numpy import core, math, nn, random, rnn

    _adapter.export_ops(globals(), (core, math, nn, random, rnn))

``export_ops`` puts each op in the package namespace (adding the generic default of
each op the contract lets an adapter inherit, see ``generic_defaults``) and sets
``__all__`` to their names; the loader then compares ``__all__`` with the contract and
names every missing op, every extra one and every op whose arguments differ.
"""
import inspect
import sys

import numpy as np

from minikeras.backend.errors import EngineError
from minikeras.utils import nest


def topic_ops(module):
    """name -> function for the ops of a topic module: its public functions defined in
    the adapter package (there or in a sibling topic), and those named like a contract op
    wherever they were made (``unsupported``, ``filled_variables``, ``numpy_like``)."""
    from minikeras.backend.contract import CONTRACT
    package = module.__name__.rpartition('.')[0] + '.'
    return dict((name, value) for name, value in vars(module).items()
                if not name.startswith('_') and inspect.isfunction(value)
                and (value.__module__.startswith(package) or name in CONTRACT))


def export_ops(namespace, topics, wrap=None):
    """Collect the ops of the ``topics`` modules into an adapter package's ``namespace``
    (its ``globals()``), optionally passing each through ``wrap(name, fn)``; sets
    ``__all__``. An op defined differently in two topics is an error. Ops with a generic
    default (``generic_defaults``) that no topic defines are inherited."""
    ops, origin = {}, {}
    for module in topics:
        for name, fn in sorted(topic_ops(module).items()):
            if name in ops and ops[name] is not fn:
                raise EngineError('engine adapter %s: op %r is defined in both %s and %s'
                                  % (namespace.get('__name__'), name, origin[name],
                                     module.__name__))
            ops[name], origin[name] = fn, module.__name__
    for name, fn in generic_defaults(namespace).items():
        ops.setdefault(name, fn)
    for name, fn in ops.items():
        namespace[name] = wrap(name, fn) if wrap is not None else fn
    namespace['__all__'] = sorted(ops)
    return ops


def generic_defaults(namespace=None):
    """op name -> the engine-free default an adapter inherits when none of its topics
    defines that op (the contract's ``GENERIC_DEFAULTS``: the fused optimizer step and
    LSTM, data-parallel training). A defaults module with an ``inherit_one(name,
    namespace)`` builds its op on the engine's own ops (``namespace``: its globals)."""
    import importlib
    from minikeras.backend.contract import GENERIC_DEFAULTS
    defaults = {}
    for op, module_name in GENERIC_DEFAULTS.items():
        module = importlib.import_module(module_name)
        if hasattr(module, 'inherit_one'):
            defaults[op] = module.inherit_one(op, namespace if namespace is not None else {})
        else:
            defaults[op] = getattr(module, op)
    return defaults


def inherit_defaults(module):
    """Give a custom engine written as one module (no ``export_ops``) the generic
    defaults it does not define itself."""
    for name, fn in generic_defaults(vars(module)).items():
        if not callable(getattr(module, name, None)):
            setattr(module, name, fn)
            if hasattr(module, '__all__'):
                module.__all__ = sorted(set(module.__all__) | set([name]))


def engine_ops(module):
    """The op names an engine module offers: its ``__all__`` (adapters set it with
    ``export_ops``), else its public functions (a custom engine written as one module)."""
    names = getattr(module, '__all__', None)
    if names is None:
        names = sorted(name for name, value in vars(module).items()
                       if not name.startswith('_') and inspect.isfunction(value))
    return list(names)


def unsupported_ops(module):
    """Ops of ``module`` made by ``unsupported`` (they raise NotImplementedError)."""
    return sorted(op for op in engine_ops(module)
                  if getattr(getattr(module, op, None), 'unsupported', False))


def describe(package, name, implementation, version, **extra):
    """``engine_info()`` of the adapter ``package`` (its module name): the contract's
    keys, with the unsupported ops read from the package itself."""
    info = {'name': name, 'implementation': implementation, 'version': version,
            'unsupported': unsupported_ops(sys.modules[package])}
    info.update(extra)
    return info


def check_input(i, array, spec):
    """Raise ValueError if numpy ``array`` (input ``i`` of a compiled function) does not
    fit ``spec`` = (shape with None for any length, dtype)."""
    shape = spec[0]
    if array.ndim != len(shape):
        raise ValueError('compiled function input %d: expected %d axes (shape %s), received '
                         'an array of shape %s' % (i, len(shape), tuple(shape), array.shape))
    for want, got in zip(shape, array.shape):
        if want is not None and want != got:
            raise ValueError('compiled function input %d: expected shape %s, received an '
                             'array of shape %s' % (i, tuple(shape), array.shape))


def input_spec(i, spec):
    """``input_specs[i]`` of ``K.compiled_function`` as (shape tuple, None for any length;
    the dtype as given), or the error naming what was received."""
    try:
        shape, dtype = spec
    except (TypeError, ValueError):
        raise TypeError('compiled_function: input_specs[%d] must be a (shape, dtype) pair, '
                        'received %r' % (i, spec))
    if shape is None:
        raise ValueError('compiled_function: input_specs[%d] needs a shape (tuple of int or '
                         'None), received None' % i)
    return tuple(None if d is None else int(d) for d in shape), dtype


def update_pair(where, i, update):
    """Update ``i`` of a compiled function as (variable, new value); ``where`` starts the
    message ('compiled_function', or 'compiled function <name>')."""
    try:
        var, value = update
    except (TypeError, ValueError):
        raise TypeError('%s: update %d must be a (variable, new_value) pair, received %r'
                        % (where, i, update))
    return var, value


def to_list(x):
    """An op's list argument (states, constants): None -> [], a list or tuple -> a new
    list, anything else -> [x]."""
    return [] if x is None else nest.to_list(x)


def branches(then_expression, else_expression):
    """``switch``'s two branches, calling the ones given as functions."""
    if callable(then_expression):
        then_expression = then_expression()
    if callable(else_expression):
        else_expression = else_expression()
    return then_expression, else_expression


def check_arity(label, specs, arrays):
    if len(arrays) != len(specs):
        raise ValueError('compiled function %s: expected %d inputs, received %d'
                         % (label, len(specs), len(arrays)))


def filled_variables(variable, static_shape):
    """The contract's ``zeros``, ``ones`` and ``eye`` for an engine whose ``variable``
    takes a numpy value; ``static_shape(shape, op)`` reads a shape argument."""
    def zeros(shape, dtype=None, name=None):
        return variable(np.zeros(static_shape(shape, 'zeros')), dtype=dtype, name=name)

    def ones(shape, dtype=None, name=None):
        return variable(np.ones(static_shape(shape, 'ones')), dtype=dtype, name=name)

    def eye(size, dtype=None, name=None):
        return variable(np.eye(int(size)), dtype=dtype, name=name)
    return zeros, ones, eye


def constant_array(array, shape):
    """numpy ``array`` as ``constant(value, shape=shape)`` wants it: a scalar fills
    ``shape`` (a tuple), an array of as many values is reshaped."""
    if array.ndim == 0:
        return np.full(shape, array, dtype=array.dtype)
    if array.size == int(np.prod(shape)):
        return array.reshape(shape)
    raise ValueError('constant: a value of shape %s cannot fill shape %s (expected a '
                     'scalar or %d values)' % (array.shape, shape, int(np.prod(shape))))
