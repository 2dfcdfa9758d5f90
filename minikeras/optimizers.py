"""Optimizers (Keras 2 ``keras.optimizers``), written with backend ops only.

How the training engine uses an optimizer::

    opt.build(params)                   # creates every state variable, outside tracing
    def step(*tensors):                 # traced by K.compiled_function
        loss = ...
        return [loss], opt.get_updates(loss, params)   # [(variable, new_value), ...]

Every optimizer has ``lr`` (a backend variable, also called ``learning_rate``: callbacks
change it with ``K.set_value``), ``iterations`` (a float variable counting updates),
``weights`` (``[iterations] + slots``, Keras 2.3 order), ``get_weights``/``set_weights``,
``get_config``/``from_config``. Constructors take Keras 2.2 argument names and order
(``lr`` first) and Keras 2.3's ``learning_rate`` alias; ``epsilon=None`` means
``K.epsilon()``; ``decay`` lowers the rate as ``lr / (1 + decay * iterations)``;
``clipnorm`` rescales all gradients when their global norm exceeds it; ``clipvalue``
clips every gradient entry to [-clipvalue, clipvalue].
"""
import math
import warnings

import numpy as np

import minikeras.backend as K
from minikeras.utils.generic_utils import deserialize_keras_object, serialize_keras_object


def _number(name, value, low=None, high=None, low_open=False, high_open=False):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise ValueError('%s must be a number, received %r' % (name, value))
    value = float(value)
    if math.isnan(value) or (
            low is not None and (value < low or (low_open and value == low))) or (
            high is not None and (value > high or (high_open and value == high))):
        interval = '%s%s, %s%s' % ('(' if low_open else '[', '-inf' if low is None else low,
                                   'inf' if high is None else high, ')' if high_open else ']')
        raise ValueError('%s must be in %s, received %r' % (name, interval, value))
    return value


def _scalar_pow(base, t):
    """``base ** t`` for a Python float ``base`` in [0, 1] and a tensor ``t`` >= 1."""
    if base == 0.:
        return 0. * t
    if base == 1.:
        return 0. * t + 1.
    return K.exp(t * math.log(base))


def _py_float(value):
    """A Python float from a variable's value: the shortest decimal that gives the same
    value in the variable's precision (float32 0.001 -> 0.001, not 0.0010000000474...)."""
    value = np.asarray(value)
    return float(str(value.item() if value.dtype == np.float64 else value.reshape(())[()]))


def clip_norm(g, c, n):
    """``g`` rescaled by ``c / n`` when the norm ``n`` exceeds ``c`` (no tensor-valued
    Python branching: ``g * c / max(n, c)``)."""
    if c <= 0:
        return g
    return g * (c / K.maximum(n, c))


def _pop_rate_and_decay(name, learning_rate, kwargs):
    """Keras 2.3.1: ``lr`` (the Keras 2.2 name) is still accepted and wins over
    ``learning_rate``; ``decay`` is a keyword argument."""
    if 'lr' in kwargs:
        lr = kwargs.pop('lr')
        if learning_rate is not None and lr != learning_rate and \
                learning_rate != _DEFAULT_LR.get(name):
            warnings.warn('%s: both lr=%r and learning_rate=%r were given; using lr, as '
                          'Keras 2.3.1 does' % (name, lr, learning_rate))
        learning_rate = lr
    return learning_rate, kwargs.pop('decay', 0.)


class Optimizer(object):
    """Base class (Keras 2.3.1 signature: ``Optimizer(**kwargs)`` with ``clipnorm`` and
    ``clipvalue`` only). Built-in subclasses define ``_create_slots(params) -> list of
    lists of variables`` (one list per slot kind, in ``weights`` order) and
    ``_updates(params, grads, lr) -> list of (variable, new_value)``; a Keras-style
    subclass may instead create its own variables and override ``get_updates``."""

    def __init__(self, **kwargs):
        for key in kwargs:
            if key not in ('clipnorm', 'clipvalue'):
                raise TypeError('Unexpected keyword argument passed to optimizer %s: %s'
                                % (type(self).__name__, key))
        clipnorm, clipvalue = kwargs.get('clipnorm'), kwargs.get('clipvalue')
        if clipnorm is not None:
            clipnorm = _number('clipnorm', clipnorm, low=0.)
        if clipvalue is not None:
            clipvalue = _number('clipvalue', clipvalue, low=0.)
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.updates = []
        self.weights = []
        self._slots = []
        self._built_for = None
        self.initial_decay = 0.

    def _init_state(self, learning_rate, decay):
        """The learning rate, decay and iteration variables of the built-in optimizers."""
        name = type(self).__name__
        lr = _number('learning rate', learning_rate, low=0.)
        self.initial_decay = _number('decay', decay, low=0.)
        self.decay = K.variable(np.asarray(self.initial_decay, dtype=K.floatx()),
                                name=name + '/decay')
        self._lr = K.variable(np.asarray(lr, dtype=K.floatx()), name=name + '/lr')
        self.iterations = K.variable(np.asarray(0., dtype=K.floatx()),
                                     name=name + '/iterations')
        self.weights = [self.iterations]

    def _init_builtin(self, learning_rate, kwargs, betas=None, epsilon=True, pop=()):
        """Keras 2.3.1's keyword handling of the built-in optimizers: ``lr`` / ``decay``
        (/ ``epsilon``, ``pop``) taken from ``kwargs``, the rest to ``Optimizer``."""
        learning_rate, decay = _pop_rate_and_decay(type(self).__name__, learning_rate, kwargs)
        eps = kwargs.pop('epsilon', None) if epsilon else None
        popped = dict((key, kwargs.pop(key)) for key in pop if key in kwargs)
        Optimizer.__init__(self, **kwargs)
        self._init_state(learning_rate, decay)
        if epsilon:
            self.epsilon = K.epsilon() if eps is None else _number('epsilon', eps, low=0.)
        if betas is not None:
            self.beta_1 = _number('beta_1', betas[0], low=0., high=1., high_open=True)
            self.beta_2 = _number('beta_2', betas[1], low=0., high=1., high_open=True)
        return popped

    # --- learning rate ------------------------------------------------------------
    @property
    def lr(self):
        return self._lr

    @lr.setter
    def lr(self, value):
        if K.is_variable(value):
            self._lr = value
        else:
            K.set_value(self._lr, np.asarray(_number('learning rate', value, low=0.),
                                             dtype=K.floatx()))

    learning_rate = lr

    def _decayed_lr(self):
        lr = self._lr
        if self.initial_decay > 0:
            lr = lr * (1. / (1. + self.decay * self.iterations))
        return lr

    # --- state ----------------------------------------------------------------------
    def build(self, params):
        """Create the state variables for ``params`` (call before tracing the train
        step). Calling it again with the same params does nothing; other params get
        fresh slots (``iterations`` and ``lr`` are kept)."""
        params = list(params)
        key = tuple(id(p) for p in params)
        if self._built_for == key:
            return
        for i, p in enumerate(params):
            shape = K.int_shape(p)
            if shape is None or any(d is None for d in shape):
                raise ValueError('%s.build: parameter %d has shape %r; optimizer slots need '
                                 'fully known shapes' % (type(self).__name__, i, shape))
        self._slots = self._create_slots(params)
        self.weights = [self.iterations] + [v for group in self._slots for v in group]
        self._built_for = key

    @property
    def built(self):
        return self._built_for is not None

    def _zeros_like_params(self, params, prefix):
        return [K.variable(np.zeros(K.int_shape(p), dtype=K.dtype(p)),
                           name='%s/%s_%d' % (type(self).__name__, prefix, i))
                for i, p in enumerate(params)]

    def _create_slots(self, params):
        return []

    # --- updates --------------------------------------------------------------------
    def get_gradients(self, loss, params):
        """``K.gradients`` of ``loss`` w.r.t. ``params``, clipped by ``clipnorm`` (global
        norm) and ``clipvalue``."""
        return self._clip_gradients(self._raw_gradients(loss, params))

    def _raw_gradients(self, loss, params):
        grads = K.gradients(loss, params)
        if any(g is None for g in grads):
            raise ValueError('An operation has `None` for gradient: the loss does not depend '
                             'on some of the optimized variables (or an op without gradient '
                             'was used between them). Variables without gradient: %s'
                             % ', '.join(repr(getattr(p, 'name', p)) for p, g in
                                         zip(params, grads) if g is None))
        return grads

    def _clip_gradients(self, grads):
        """``grads`` clipped by ``clipnorm`` (global norm) and ``clipvalue``."""
        if self.clipnorm is not None and self.clipnorm > 0:
            norm = K.sqrt(sum([K.sum(K.square(g)) for g in grads]))
            grads = [clip_norm(g, self.clipnorm, norm) for g in grads]
        if self.clipvalue is not None and self.clipvalue > 0:
            grads = [K.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def get_updates(self, loss, params):
        """``[(variable, new_value), ...]`` for one optimization step: the
        ``iterations`` counter, every slot, and every parameter (projected by its
        ``.constraint`` when it has one)."""
        params = list(params)
        self.build(params)
        grads = self.get_gradients(loss, params)
        self.updates = [K.update_add(self.iterations, 1.)]
        self.updates.extend(self._updates(params, grads, self._decayed_lr()))
        return self.updates

    def _updates(self, params, grads, lr):
        raise NotImplementedError

    def _rule_updates(self, method, params, grads, lr, config):
        """The updates of a built-in rule, computed by ``K.optimizer_step`` (the engine
        may fuse them): per parameter, its changed slots, then the parameter itself."""
        new_params, new_slots = K.optimizer_step(method, params, grads, self._slots, lr,
                                                 config)
        updates = []
        for i, (p, new_p) in enumerate(zip(params, new_params)):
            for kind, values in zip(self._slots, new_slots):
                if values[i] is not kind[i]:     # else already written, or unchanged
                    updates.append(K.update(kind[i], values[i]))
            updates.append(self._param_update(p, new_p))
        return updates

    @staticmethod
    def _param_update(p, new_p):
        constraint = getattr(p, 'constraint', None)
        if constraint is not None:
            new_p = constraint(new_p)
        return K.update(p, new_p)

    # --- weights and config -----------------------------------------------------------
    def get_weights(self):
        """Values of ``weights`` (``iterations``, then the slots) as numpy arrays."""
        return K.batch_get_value(self.weights)

    def set_weights(self, weights):
        """Set ``weights`` from numpy arrays (as ``get_weights`` returns them)."""
        params = self.weights
        weights = list(weights)
        if len(params) != len(weights):
            hint = ''
            if not self.built and len(weights) > 1:
                hint = (' (this optimizer has no slots yet: call build(params) with the '
                        'model\'s trainable weights first)')
            raise ValueError('Length of the specified weight list (%d) does not match the '
                             'number of weights of the optimizer %s (%d)%s'
                             % (len(weights), type(self).__name__, len(params), hint))
        tuples = []
        for i, (p, w) in enumerate(zip(params, weights)):
            w = np.asarray(w)
            shape = tuple(K.int_shape(p))
            if tuple(w.shape) != shape:
                raise ValueError('Optimizer weight %d (%s) has shape %s, not compatible with '
                                 'the provided weight shape %s'
                                 % (i, getattr(p, 'name', '?'), shape, tuple(w.shape)))
            tuples.append((p, w.astype(K.dtype(p))))
        K.batch_set_value(tuples)

    def get_config(self):
        """Keras 2.3.1: ``clipnorm`` / ``clipvalue`` when set, then the subclass's keys
        (``_config_keys``), in Keras's order."""
        config = {}
        if self.clipnorm is not None:
            config['clipnorm'] = self.clipnorm
        if self.clipvalue is not None:
            config['clipvalue'] = self.clipvalue
        for key in self._config_keys():
            if key == 'learning_rate':
                config[key] = _py_float(K.get_value(self._lr))
            elif key == 'decay':
                config[key] = _py_float(K.get_value(self.decay))
            else:
                config[key] = getattr(self, key)
        return config

    def _config_keys(self):
        return ()

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if 'lr' in config:
            config['learning_rate'] = config.pop('lr')
        config.pop('name', None)
        return cls(**config)


class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum."""

    def __init__(self, learning_rate=0.01, momentum=0., nesterov=False, **kwargs):
        self._init_builtin(learning_rate, kwargs, epsilon=False)
        self.momentum = _number('momentum', momentum, low=0.)
        self.nesterov = bool(nesterov)

    def _create_slots(self, params):
        return [self._zeros_like_params(params, 'moment')]

    def _updates(self, params, grads, lr):
        return self._rule_updates('sgd', params, grads, lr,
                                  {'momentum': self.momentum, 'nesterov': self.nesterov})

    def _config_keys(self):
        return ('learning_rate', 'momentum', 'decay', 'nesterov')


class RMSprop(Optimizer):
    """Divide the gradient by a running root mean square of recent gradients."""

    def __init__(self, learning_rate=0.001, rho=0.9, **kwargs):
        self._init_builtin(learning_rate, kwargs)
        self.rho = _number('rho', rho, low=0., high=1.)

    def _create_slots(self, params):
        return [self._zeros_like_params(params, 'accumulator')]

    def _updates(self, params, grads, lr):
        return self._rule_updates('rmsprop', params, grads, lr,
                                  {'rho': self.rho, 'epsilon': self.epsilon})

    def _config_keys(self):
        return ('learning_rate', 'rho', 'decay', 'epsilon')


class Adagrad(Optimizer):
    """Per-parameter rates scaled by the sum of all past squared gradients."""

    def __init__(self, learning_rate=0.01, **kwargs):
        self._init_builtin(learning_rate, kwargs)

    def _create_slots(self, params):
        return [self._zeros_like_params(params, 'accumulator')]

    def _updates(self, params, grads, lr):
        return self._rule_updates('adagrad', params, grads, lr, {'epsilon': self.epsilon})

    def _config_keys(self):
        return ('learning_rate', 'decay', 'epsilon')


class Adadelta(Optimizer):
    """Adagrad with a moving window of squared gradients and of squared updates."""

    def __init__(self, learning_rate=1.0, rho=0.95, **kwargs):
        self._init_builtin(learning_rate, kwargs)
        self.rho = _number('rho', rho, low=0., high=1.)

    def _create_slots(self, params):
        return [self._zeros_like_params(params, 'accumulator'),
                self._zeros_like_params(params, 'delta_accumulator')]

    def _updates(self, params, grads, lr):
        return self._rule_updates('adadelta', params, grads, lr,
                                  {'rho': self.rho, 'epsilon': self.epsilon})

    def _config_keys(self):
        return ('learning_rate', 'rho', 'decay', 'epsilon')


class Adam(Optimizer):
    """Adam (Kingma & Ba 2014), with the AMSGrad variant when ``amsgrad=True``."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, amsgrad=False,
                 **kwargs):
        self._init_builtin(learning_rate, kwargs, betas=(beta_1, beta_2))
        self.amsgrad = bool(amsgrad)

    def _create_slots(self, params):
        ms = self._zeros_like_params(params, 'm')
        vs = self._zeros_like_params(params, 'v')
        if self.amsgrad:
            vhats = self._zeros_like_params(params, 'vhat')
        else:  # Keras 2.3 keeps one placeholder per parameter, so the layout is the same
            vhats = [K.variable(np.zeros((1,), dtype=K.floatx()),
                                name='%s/vhat_%d' % (type(self).__name__, i))
                     for i in range(len(params))]
        return [ms, vs, vhats]

    def _updates(self, params, grads, lr):
        t = self.iterations + 1.
        lr_t = lr * (K.sqrt(1. - _scalar_pow(self.beta_2, t)) /
                     (1. - _scalar_pow(self.beta_1, t)))
        return self._rule_updates('adam', params, grads, lr_t,
                                  {'beta_1': self.beta_1, 'beta_2': self.beta_2,
                                   'epsilon': self.epsilon, 'amsgrad': self.amsgrad})

    def _config_keys(self):
        return ('learning_rate', 'beta_1', 'beta_2', 'decay', 'epsilon', 'amsgrad')


class Adamax(Optimizer):
    """Adam with the infinity norm (section 7 of the Adam paper)."""

    def __init__(self, learning_rate=0.002, beta_1=0.9, beta_2=0.999, **kwargs):
        self._init_builtin(learning_rate, kwargs, betas=(beta_1, beta_2))

    def _create_slots(self, params):
        return [self._zeros_like_params(params, 'm'), self._zeros_like_params(params, 'u')]

    def _updates(self, params, grads, lr):
        t = self.iterations + 1.
        lr_t = lr / (1. - _scalar_pow(self.beta_1, t))
        updates = []
        for p, g, m, u in zip(params, grads, *self._slots):
            m_t = (self.beta_1 * m) + (1. - self.beta_1) * g
            u_t = K.maximum(self.beta_2 * u, K.abs(g))
            p_t = p - lr_t * m_t / (u_t + self.epsilon)
            updates.append(K.update(m, m_t))
            updates.append(K.update(u, u_t))
            updates.append(self._param_update(p, p_t))
        return updates

    def _config_keys(self):
        return ('learning_rate', 'beta_1', 'beta_2', 'decay', 'epsilon')


class Nadam(Optimizer):
    """Adam with Nesterov momentum (Dozat 2015), Keras 2 momentum schedule."""

    def __init__(self, learning_rate=0.002, beta_1=0.9, beta_2=0.999, **kwargs):
        popped = self._init_builtin(learning_rate, kwargs, betas=(beta_1, beta_2),
                                    pop=('schedule_decay',))
        self.schedule_decay = _number('schedule_decay', popped.get('schedule_decay', 0.004),
                                      low=0.)
        self.m_schedule = K.variable(np.asarray(1., dtype=K.floatx()), name='Nadam/m_schedule')
        self.weights = [self.iterations, self.m_schedule]

    def build(self, params):
        super(Nadam, self).build(params)
        self.weights = [self.iterations, self.m_schedule] + [v for group in self._slots
                                                             for v in group]

    def _create_slots(self, params):
        return [self._zeros_like_params(params, 'm'), self._zeros_like_params(params, 'v')]

    def _updates(self, params, grads, lr):
        t = self.iterations + 1.
        log_096 = math.log(0.96)
        momentum_cache_t = self.beta_1 * (
            1. - 0.5 * K.exp(t * (self.schedule_decay * log_096)))
        momentum_cache_t_1 = self.beta_1 * (
            1. - 0.5 * K.exp((t + 1.) * (self.schedule_decay * log_096)))
        m_schedule_new = self.m_schedule * momentum_cache_t
        m_schedule_next = self.m_schedule * momentum_cache_t * momentum_cache_t_1
        updates = [K.update(self.m_schedule, m_schedule_new)]
        beta_2_t = _scalar_pow(self.beta_2, t)
        for p, g, m, v in zip(params, grads, *self._slots):
            g_prime = g / (1. - m_schedule_new)
            m_t = self.beta_1 * m + (1. - self.beta_1) * g
            m_t_prime = m_t / (1. - m_schedule_next)
            v_t = self.beta_2 * v + (1. - self.beta_2) * K.square(g)
            v_t_prime = v_t / (1. - beta_2_t)
            m_t_bar = (1. - momentum_cache_t) * g_prime + momentum_cache_t * m_t_prime
            updates.append(K.update(m, m_t))
            updates.append(K.update(v, v_t))
            p_t = p - lr * m_t_bar / (K.sqrt(v_t_prime) + self.epsilon)
            updates.append(self._param_update(p, p_t))
        return updates

    def _config_keys(self):
        keys = ('learning_rate', 'beta_1', 'beta_2', 'epsilon', 'schedule_decay')
        return keys + (('decay',) if self.initial_decay else ())


class TFOptimizer(Optimizer):
    """Keras 2.3.1 wraps a native TensorFlow optimizer object here. minikeras trains on
    every engine with the optimizers above, written with backend ops, so a native
    optimizer object is refused with an explanation."""

    def __init__(self, optimizer, iterations=None):
        raise NotImplementedError(
            'TFOptimizer(%r): minikeras does not drive native TensorFlow optimizer objects; '
            'use one of its optimizers (SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, '
            'Nadam), which run the same update rules on every engine' % (optimizer,))


_DEFAULT_LR = {'SGD': 0.01, 'RMSprop': 0.001, 'Adagrad': 0.01, 'Adadelta': 1.0, 'Adam': 0.001,
               'Adamax': 0.002, 'Nadam': 0.002}

# Keras 2 aliases
sgd = SGD
rmsprop = RMSprop
adagrad = Adagrad
adadelta = Adadelta
adam = Adam
adamax = Adamax
nadam = Nadam

_ALL_CLASSES = {'sgd': SGD, 'rmsprop': RMSprop, 'adagrad': Adagrad, 'adadelta': Adadelta,
                'adam': Adam, 'adamax': Adamax, 'nadam': Nadam}


def serialize(optimizer):
    return serialize_keras_object(optimizer)


def deserialize(config, custom_objects=None):
    """An optimizer from ``{'class_name', 'config'}``; class names are case-insensitive
    for the built-in optimizers ('Adam', 'adam')."""
    if not isinstance(config, dict):
        raise ValueError('optimizers.deserialize expects a dict {"class_name", "config"}, '
                         'received %r' % (config,))
    config = dict(config)
    name = config.get('class_name')
    if isinstance(name, str) and name.lower() in _ALL_CLASSES and not (
            custom_objects and name in custom_objects):
        config['class_name'] = name.lower()
    return deserialize_keras_object(config, module_objects=_ALL_CLASSES,
                                    custom_objects=custom_objects,
                                    printable_module_name='optimizer')


def get(identifier):
    """An optimizer from a name ('sgd', 'rmsprop', 'adam', ...: default arguments), a
    ``{'class_name', 'config'}`` dict, or an ``Optimizer`` instance (returned as is)."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({'class_name': identifier, 'config': {}})
    raise ValueError('Could not interpret optimizer identifier: %r (expected one of %s, a '
                     'config dict or an Optimizer instance)'
                     % (identifier, ', '.join(sorted(_ALL_CLASSES))))
