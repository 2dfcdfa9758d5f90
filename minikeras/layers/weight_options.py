"""The initializer, regularizer and constraint arguments a layer takes per weight
(``kernel_initializer``, ``bias_regularizer``, ...): read once, serialized once, used once
by ``add_weight``. A *role* is the prefix (``'kernel'``, ``'recurrent'``, ``'bias'``,
``'depthwise'``, ...).

The helpers keep Keras 2.3.1's argument and config order: all initializers, then all
regularizers (``activity_regularizer`` last among them), then all constraints.
"""


def _modules():
    from minikeras import constraints, initializers, regularizers
    return initializers, regularizers, constraints


def _ser(module, obj):
    return module.serialize(obj) if obj is not None else None


def set_weight_options(layer, scope, roles, activity=False, initialized=()):
    """Set ``layer.<role>_initializer``, ``_regularizer`` and ``_constraint`` for each role
    from the arguments of those names in ``scope`` (the ``__init__``'s ``locals()`` or a
    dict); with ``activity``, also ``layer.activity_regularizer``; ``initialized``: roles
    with an initializer only (after the others')."""
    initializers, regularizers, constraints = _modules()
    for role in roles + tuple(initialized):
        name = role + '_initializer'
        setattr(layer, name, initializers.get(scope[name]))
    for role in roles + (('activity',) if activity else ()):
        name = role + '_regularizer'
        setattr(layer, name, regularizers.get(scope[name]))
    for role in roles:
        name = role + '_constraint'
        setattr(layer, name, constraints.get(scope[name]))


def weight_options_config(layer, roles, activity=False, initialized=()):
    """The config entries of ``set_weight_options``'s attributes, in the same order."""
    initializers, regularizers, constraints = _modules()
    config = {}
    for role in roles + tuple(initialized):
        name = role + '_initializer'
        config[name] = initializers.serialize(getattr(layer, name))
    for role in roles + (('activity',) if activity else ()):
        name = role + '_regularizer'
        config[name] = _ser(regularizers, getattr(layer, name))
    for role in roles:
        name = role + '_constraint'
        config[name] = _ser(constraints, getattr(layer, name))
    return config


def add_role_weight(layer, role, name, shape, initializer=None):
    """``layer.add_weight`` with the role's initializer (or ``initializer``), regularizer
    and constraint."""
    if initializer is None:
        initializer = getattr(layer, role + '_initializer')
    return layer.add_weight(name=name, shape=shape, initializer=initializer,
                            regularizer=getattr(layer, role + '_regularizer'),
                            constraint=getattr(layer, role + '_constraint'))
