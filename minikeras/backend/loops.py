"""map_fn / foldl / foldr, ``size``, a program-order ``control_dependencies`` and the
sparse checks of engines without sparse tensors,
written once with contract ops for the engine adapters that have no own version.

The loops run on ``K.rnn`` (a compiled loop: ``tf.while_loop``, ``theano.scan``,
``lax.scan``; a Python loop on eager engines; unrolled over the static length on CNTK):
``elems`` (n, ...) becomes one sample of n time steps.
"""


def _K():
    import minikeras.backend as K
    return K


class ProgramOrder(object):
    """``control_dependencies`` on engines that run ops in program order (or trace them
    so): a context manager that changes nothing; ``control_inputs`` are computed
    wherever their values are used."""

    def __init__(self, control_inputs):
        self.control_inputs = control_inputs

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _as_sequence(K, elems, op):
    """``elems`` (n, ...) as (1, n, ..., 1): one sample of n steps, rank >= 3."""
    if K.ndim(elems) == 0:
        raise ValueError('%s: elems must have a leading axis to iterate over, received a '
                         'scalar' % op)
    return K.expand_dims(K.expand_dims(elems, 0), -1)


def _element(K, x_t):
    """One step's (1, ..., 1) slice as the element of ``elems``."""
    return K.squeeze(K.squeeze(x_t, -1), 0)


def map_fn(fn, elems, name=None, dtype=None):
    K = _K()
    seq = _as_sequence(K, elems, 'map_fn')

    def step(x_t, states):
        out = fn(_element(K, x_t))
        if dtype is not None:
            out = K.cast(out, dtype)
        return K.expand_dims(out, 0), states

    _, outputs, _ = K.rnn(step, seq, [K.zeros_like(K.sum(seq, axis=1))])
    return K.squeeze(outputs, 0)


def _fold(fn, elems, initializer, op, backwards):
    K = _K()
    seq = _as_sequence(K, elems, op)
    if initializer is None:
        n = K.int_shape(elems)[0]
        if n == 0:
            raise ValueError('%s: elems is empty and no initializer was given' % op)
        first = -1 if backwards else 0
        start = [first if first >= 0 else (n - 1 if n is not None else None)]
        if start[0] is None:
            raise ValueError('%s without initializer needs a static length of axis 0, '
                             'received shape %s' % (op, K.int_shape(elems)))
        initializer = K.squeeze(K.slice(elems, start + [0] * (K.ndim(elems) - 1),
                                        [1] + [-1] * (K.ndim(elems) - 1)), 0)
        rest = [0, n - 1] if backwards else [1, n - 1]
        seq = K.slice(seq, [0, rest[0]] + [0] * (K.ndim(seq) - 2),
                      [1, rest[1]] + [-1] * (K.ndim(seq) - 2))
        if rest[1] == 0:
            return initializer

    def step(x_t, states):
        acc = fn(K.squeeze(states[0], 0), _element(K, x_t))
        acc = K.expand_dims(acc, 0)
        return acc, [acc]

    _, _, states = K.rnn(step, seq, [K.expand_dims(initializer, 0)], go_backwards=backwards)
    return K.squeeze(states[0], 0)


def foldl(fn, elems, initializer=None, name=None):
    return _fold(fn, elems, initializer, 'foldl', backwards=False)


def foldr(fn, elems, initializer=None, name=None):
    return _fold(fn, elems, initializer, 'foldr', backwards=True)


def size(x, name=None):
    K = _K()
    return K.cast(K.prod(K.shape(x)), 'int32')


def control_dependencies(control_inputs):
    return ProgramOrder(control_inputs)


def is_sparse(tensor):
    """Engines without sparse tensors: always False."""
    return False


def to_dense(tensor):
    return tensor
