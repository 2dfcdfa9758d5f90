"""Where names in a config file are turned back into Python objects, and the rules that
keep a model file data, never code (engine-free; the backend is imported only when a
backend op is looked up).

- custom objects: ``custom_objects={...}`` arguments, ``custom_object_scope({...})`` blocks
  and the ``@register_keras_serializable()`` decorator (Keras 3 names);
- safe mode (Keras 3's ``safe_mode``, default True): a config may refer to a function only
  if the user made it known (custom objects, registration) or it is a pure minikeras
  backend op or activation; it may never make us import a module, walk attributes or
  run marshalled bytecode. ``safe_mode_scope(False)`` lifts that for trusted files.
"""
import threading

import minikeras.backend as K
from minikeras.backend.contract import math as contract_math
from minikeras.backend.contract import nn as contract_nn
from minikeras.backend.contract import random as contract_random

_GLOBAL_CUSTOM_OBJECTS = {}
_GLOBAL_CUSTOM_NAMES = {}
# Built-in layer classes defined above ``minikeras.layers`` (Model, Sequential): the
# package that defines them adds them here, so layers.deserialize finds them without
# layers importing that package.
BUILTIN_LAYERS = {}
_STATE = threading.local()


class SafeModeError(ValueError):
    """A config asked, in safe mode, for code the user did not make known."""


class CustomObjectScope(object):
    """Make custom classes/functions known to deserialization inside a ``with`` block::

        with CustomObjectScope({'MyLayer': MyLayer}):
            model = load_model(path)
    """

    def __init__(self, *args):
        for i, objects in enumerate(args):
            if not isinstance(objects, dict):
                raise TypeError('CustomObjectScope expects dicts name -> object; argument %d '
                                'is %s' % (i, type(objects).__name__))
        self.custom_objects = args
        self.backup = None

    def __enter__(self):
        self.backup = _GLOBAL_CUSTOM_OBJECTS.copy()
        for objects in self.custom_objects:
            _GLOBAL_CUSTOM_OBJECTS.update(objects)
        return self

    def __exit__(self, *args, **kwargs):
        _GLOBAL_CUSTOM_OBJECTS.clear()
        _GLOBAL_CUSTOM_OBJECTS.update(self.backup)


def custom_object_scope(*args):
    """``CustomObjectScope(*args)``, for ``with custom_object_scope({...}):``."""
    return CustomObjectScope(*args)


def get_custom_objects():
    """The global dict name -> custom object (mutable: ``get_custom_objects()['f'] = f``)."""
    return _GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(package='Custom', name=None):
    """Decorator (Keras 3 ``keras.saving.register_keras_serializable``): make a class or
    function known to deserialization as ``'package>name'`` (``name`` defaults to its
    ``__name__``), so files that refer to it load in safe mode without custom_objects::

        @register_keras_serializable(package='my_project')
        def scaled(x):
            return x * 2
    """
    if not isinstance(package, str) or not package or '>' in package:
        raise ValueError("register_keras_serializable: package must be a non-empty string "
                         "without '>', received %r" % (package,))

    def decorator(obj):
        obj_name = name if name is not None else getattr(obj, '__name__', None)
        if not isinstance(obj_name, str) or not obj_name:
            raise ValueError('register_keras_serializable: cannot name %r; pass name=...'
                             % (obj,))
        if isinstance(obj, type) and not hasattr(obj, 'get_config'):
            raise ValueError('register_keras_serializable: class %s must define get_config() '
                             'to be serializable' % obj.__name__)
        registered = package + '>' + obj_name
        if registered in _GLOBAL_CUSTOM_OBJECTS and _GLOBAL_CUSTOM_OBJECTS[registered] \
                is not obj:
            raise ValueError('register_keras_serializable: %s is already registered to %r'
                             % (registered, _GLOBAL_CUSTOM_OBJECTS[registered]))
        _GLOBAL_CUSTOM_OBJECTS[registered] = obj
        _GLOBAL_CUSTOM_NAMES[obj] = registered
        return obj
    return decorator


def get_registered_name(obj):
    """``'package>name'`` for a registered object, else its ``__name__``."""
    try:
        if obj in _GLOBAL_CUSTOM_NAMES:
            return _GLOBAL_CUSTOM_NAMES[obj]
    except TypeError:     # unhashable
        pass
    return getattr(obj, '__name__', None)


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object known as ``name``: ``custom_objects``, then the scoped/registered
    objects, then ``module_objects``; None when unknown."""
    for table in (custom_objects, _GLOBAL_CUSTOM_OBJECTS, module_objects):
        if table and isinstance(name, str) and name in table:
            return table[name]
    return None


# --- safe mode ------------------------------------------------------------------------
class SafeModeScope(object):
    """``with SafeModeScope(False):`` deserializes trusted configs with code references
    allowed (``True``: refused). Nested scopes restore the outer value on exit."""

    def __init__(self, safe_mode=True):
        if safe_mode not in (True, False):
            raise ValueError('safe_mode must be True or False, received %r' % (safe_mode,))
        self.safe_mode = safe_mode
        self.backup = None

    def __enter__(self):
        self.backup = getattr(_STATE, 'safe_mode', None)
        _STATE.safe_mode = self.safe_mode
        return self

    def __exit__(self, *args):
        _STATE.safe_mode = self.backup


def safe_mode_scope(safe_mode=True):
    return SafeModeScope(safe_mode)


def entry_scope(safe_mode):
    """The scope a public entry point (``load_model``, ``layers.deserialize``, ...) runs
    its work in: as in Keras 3, an enclosing scope wins over the argument, so a nested
    ``deserialize(..., safe_mode=True)`` inside ``load_model(safe_mode=False)`` inherits
    False, and nothing inside a safe load can turn safe mode off."""
    scoped = getattr(_STATE, 'safe_mode', None)
    return SafeModeScope(scoped if scoped is not None else bool(safe_mode))


def in_safe_mode(safe_mode=None):
    """The safe mode in force: ``safe_mode`` if given, else the innermost
    ``SafeModeScope``, else True (safe by default)."""
    if safe_mode is not None:
        return bool(safe_mode)
    scoped = getattr(_STATE, 'safe_mode', None)
    return True if scoped is None else scoped


# Backend ops a config may name in safe mode: pure tensor functions (no variables,
# no values set, no compiled functions, no step functions).
_SAFE_CORE_OPS = ('int_shape', 'ndim', 'dtype', 'shape', 'cast', 'zeros', 'ones', 'eye',
                  'zeros_like', 'ones_like', 'identity', 'stop_gradient')


# module name -> {name: function} a config may name in safe mode, filled by the modules
# themselves when imported (activations registers its table; they sit above this module)
SAFE_FUNCTIONS = {}


def register_safe_functions(module, functions):
    """Let configs name ``functions`` (name -> function) of ``module`` in safe mode."""
    SAFE_FUNCTIONS.setdefault(module, {}).update(functions)


def _safe_library_function(ref):
    """The minikeras function ``ref`` names, if it is one safe mode allows, else None."""
    module, name = ref.get('module'), ref.get('name')
    if not isinstance(name, str) or not name.isidentifier():
        return None
    if module == 'minikeras.backend':
        if name in _SAFE_CORE_OPS or name in contract_math.__all__ or \
                name in contract_nn.__all__ or name in contract_random.__all__:
            return getattr(K, name)
    return SAFE_FUNCTIONS.get(module, {}).get(name)


def _describe(ref):
    return '%s.%s' % (ref.get('module'), ref.get('name'))


def resolve_function(ref, custom_objects, owner, what, safe_mode=None):
    """The function a config refers to as ``{'module', 'name'[, 'registered_name']}``.

    Looked up, in order, in ``custom_objects``, the scoped and registered objects, and
    the safe minikeras functions. Only outside safe mode may it import ``module`` and walk
    ``name``; in safe mode anything else is a ``SafeModeError`` naming ``owner`` (the
    layer) and what the file referred to."""
    if not isinstance(ref, dict) or not isinstance(ref.get('name'), str):
        raise ValueError('%s: its %s must be stored as {"module": ..., "name": ...}, the '
                         'config has %r' % (owner, what, ref))
    # the plain name first: a registry entry is always 'package>name', so a plain name
    # found here was given by the user (custom_objects or a scope) and overrides it
    keys = [k for k in (ref['name'], ref.get('registered_name')) if isinstance(k, str)]
    for table in (custom_objects, _GLOBAL_CUSTOM_OBJECTS):
        for key in keys:
            if table and key in table:
                return table[key]
    found = _safe_library_function(ref)
    if found is not None:
        return found
    if in_safe_mode(safe_mode):
        raise SafeModeError(
            '%s: its %s refers to %s, which is neither a custom object nor a registered '
            'function; safe mode (the default) does not import code named by a file. If '
            'you trust this file, pass the function in custom_objects={%r: fn}, register it '
            'with @minikeras.saving.register_keras_serializable(), or load with '
            'safe_mode=False' % (owner, what, _describe(ref), ref['name']))
    return _import_reference(ref, owner, what)


def _import_reference(ref, owner, what):
    import importlib
    try:
        obj = importlib.import_module(ref['module'])
        for part in ref['name'].split('.'):
            obj = getattr(obj, part)
    except (ImportError, AttributeError, TypeError, ValueError) as e:
        raise ValueError('%s: cannot find its %s %s (%s); pass it in custom_objects'
                         % (owner, what, _describe(ref), e))
    return obj


def refuse_bytecode(owner, what, safe_mode=None):
    """Marshalled Python bytecode in a config (Keras 2 lambdas) runs only outside safe
    mode."""
    if in_safe_mode(safe_mode):
        raise SafeModeError(
            '%s: its %s is stored as marshalled Python bytecode (a Keras 2 lambda); safe '
            'mode (the default) never executes code from a file. If you trust this file, '
            'load it with safe_mode=False, or pass the function in custom_objects'
            % (owner, what))


# --- weights a config may make us allocate -----------------------------------------------
class WeightBudget(object):
    """``with WeightBudget(values, source):`` layers built inside may create at most
    ``values`` weight values in all (``Layer.add_weight`` calls ``charge_weights``). A
    model file must hold its weights, so a config whose layers need far more values than
    the file could store (Dense(units=10**9) in a 20 KB file) is refused before the
    memory is allocated."""

    def __init__(self, values, source):
        self.left = int(values)
        self.source = source
        self.backup = None

    def __enter__(self):
        self.backup = getattr(_STATE, 'budget', None)
        _STATE.budget = self
        return self

    def __exit__(self, *args):
        _STATE.budget = self.backup


def charge_weights(owner, name, shape):
    """Count a new weight of ``shape`` against the innermost ``WeightBudget``, if any."""
    budget = getattr(_STATE, 'budget', None)
    if budget is None:
        return
    size = 1
    for d in shape:
        size *= int(d)
    budget.left -= size
    if budget.left < 0:
        raise ValueError('layer %s: weight %s of shape %s needs %d values, more than %s '
                         'can hold; the config does not describe the weights stored there'
                         % (owner, name, tuple(shape), size, budget.source))
