"""Generic implementations of contract ops an engine may leave out (those declared in
``contract/fused.py``): written once with the engine's own contract ops, inherited by
every adapter package (``adapter.export_ops``) and custom engine module
(``loader.import_engine``) that does not define the op itself. An engine that defines
one (a fused fast path) may call the generic function here for the cases it does not
speed up."""


def optimizer_step(ops, method, params, grads, slots, lr, config):
    """``K.optimizer_step`` with the engine ops ``ops`` (a module or namespace with
    ``sqrt``, ``square``, ``maximum``): Keras 2.3.1's update rules, expression for
    expression."""
    rule = _RULES.get(method)
    if rule is None:
        raise ValueError('optimizer_step: unknown method %r (expected one of %s)'
                         % (method, ', '.join(sorted(_RULES))))
    new_params, new_slots = [], [[] for _ in slots]
    for i, (p, g) in enumerate(zip(params, grads)):
        new_p, new_s = rule(ops, p, g, [kind[i] for kind in slots], lr, config)
        new_params.append(new_p)
        for kind, value in zip(new_slots, new_s):
            kind.append(value)
    return new_params, new_slots


def _sgd(ops, p, g, slots, lr, config):
    (m,), momentum = slots, config['momentum']
    v = momentum * m - lr * g  # velocity
    if config.get('nesterov'):
        return p + momentum * v - lr * g, [v]
    return p + v, [v]


def _scaled_step(ops, p, g, new_a, lr, epsilon):
    return p - lr * g / (ops.sqrt(new_a) + epsilon)


def _rmsprop(ops, p, g, slots, lr, config):
    (a,), rho = slots, config['rho']
    new_a = rho * a + (1. - rho) * ops.square(g)
    return _scaled_step(ops, p, g, new_a, lr, config['epsilon']), [new_a]


def _adagrad(ops, p, g, slots, lr, config):
    (a,) = slots
    new_a = a + ops.square(g)
    return _scaled_step(ops, p, g, new_a, lr, config['epsilon']), [new_a]


def _adadelta(ops, p, g, slots, lr, config):
    (a, d_a), rho, epsilon = slots, config['rho'], config['epsilon']
    new_a = rho * a + (1. - rho) * ops.square(g)
    update = g * ops.sqrt(d_a + epsilon) / ops.sqrt(new_a + epsilon)
    new_d_a = rho * d_a + (1 - rho) * ops.square(update)
    return p - lr * update, [new_a, new_d_a]


def _adam(ops, p, g, slots, lr_t, config):
    m, v, vhat = slots
    beta_1, beta_2, epsilon = config['beta_1'], config['beta_2'], config['epsilon']
    m_t = (beta_1 * m) + (1. - beta_1) * g
    v_t = (beta_2 * v) + (1. - beta_2) * ops.square(g)
    if config.get('amsgrad'):
        vhat_t = ops.maximum(vhat, v_t)
        return p - lr_t * m_t / (ops.sqrt(vhat_t) + epsilon), [m_t, v_t, vhat_t]
    return p - lr_t * m_t / (ops.sqrt(v_t) + epsilon), [m_t, v_t, vhat]


_RULES = {'sgd': _sgd, 'rmsprop': _rmsprop, 'adagrad': _adagrad, 'adadelta': _adadelta,
          'adam': _adam}


def lstm(ops, inputs, initial_states, kernel, recurrent_kernel, bias=None,
         go_backwards=False):
    """``K.lstm`` with the engine ops ``ops``: the input projection for all steps, then
    ``rnn`` with the LSTM step (what the LSTM layer computes with its cell)."""
    seq = ops.dot(inputs, kernel)
    if bias is not None:
        seq = ops.bias_add(seq, bias)
    units = ops.int_shape(recurrent_kernel)[0]

    def gate(z, index):
        return ops.slice(z, [0, index * units], [-1, units])

    def step(x, states):
        h_prev, c_prev = states[0], states[1]
        z = x + ops.dot(h_prev, recurrent_kernel)
        i = ops.sigmoid(gate(z, 0))
        f = ops.sigmoid(gate(z, 1))
        c = f * c_prev + i * ops.tanh(gate(z, 2))
        o = ops.sigmoid(gate(z, 3))
        h = o * ops.tanh(c)
        return h, [h, c]
    timesteps = ops.int_shape(inputs)[1]
    return ops.rnn(step, seq, list(initial_states), go_backwards=go_backwards,
                   input_length=timesteps)


class _Ops(object):
    """The engine's ops, looked up in its namespace (a dict) when first used, so an
    adapter's own (wrapped) ops are the ones called."""

    def __init__(self, namespace):
        self._namespace = namespace

    def __getattr__(self, name):
        try:
            return self._namespace[name]
        except KeyError:
            raise AttributeError('the engine has no op %r' % name)


def _inherited_optimizer_step(namespace):
    ops = _Ops(namespace)

    def optimizer_step(method, params, grads, slots, lr, config):
        return _generic_optimizer_step(ops, method, params, grads, slots, lr, config)
    optimizer_step.generic = True
    return optimizer_step


def _inherited_lstm(namespace):
    ops = _Ops(namespace)

    def lstm(inputs, initial_states, kernel, recurrent_kernel, bias=None,
             go_backwards=False):
        return _generic_lstm(ops, inputs, initial_states, kernel, recurrent_kernel, bias,
                             go_backwards)
    lstm.generic = True
    return lstm


_generic_optimizer_step, _generic_lstm = optimizer_step, lstm
_MAKERS = {'optimizer_step': _inherited_optimizer_step, 'lstm': _inherited_lstm}


def inherit_one(name, namespace):
    """The generic implementation of op ``name`` for the engine whose ops are in
    ``namespace`` (its globals)."""
    return _MAKERS[name](namespace)

