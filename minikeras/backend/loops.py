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


def _rows(K, x, start, count):
    """``x[start:start + count]`` along axis 0."""
    rest = K.ndim(x) - 1
    return K.slice(x, [start] + [0] * rest, [count] + [-1] * rest)


def _fold(fn, elems, initializer, op, backwards):
    K = _K()
    _as_sequence(K, elems, op)  # checks elems has a leading axis
    if initializer is None:  # start from the first (last) element, fold the others
        n = K.int_shape(elems)[0]
        if n is None or n == 0:
            raise ValueError('%s without initializer needs a static, non-empty axis 0; '
                             'received shape %s' % (op, K.int_shape(elems)))
        initializer = K.squeeze(_rows(K, elems, n - 1 if backwards else 0, 1), 0)
        if n == 1:
            return initializer
        elems = _rows(K, elems, 0 if backwards else 1, n - 1)

    def step(x_t, states):
        acc = K.expand_dims(fn(K.squeeze(states[0], 0), _element(K, x_t)), 0)
        return acc, [acc]

    _, _, states = K.rnn(step, _as_sequence(K, elems, op), [K.expand_dims(initializer, 0)],
                         go_backwards=backwards)
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
