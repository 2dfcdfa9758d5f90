"""Engine-independent symbolic tensors and the graph of calls between them.

A ``KerasTensor`` knows its shape and dtype and the ``Node`` that made it; it holds no
engine data. ``Input`` layers and ``placeholder`` make them; calling a layer or a backend
op on them records a ``Node``. ``evaluate`` replays the graph on real engine tensors,
which is how models and ``K.function`` run on every engine, eager or symbolic.

Shapes of recorded backend ops are found by running the NumPy reference on two small
"probe" values per tensor, one with every unknown dimension set to 2 and one with 3;
output dimensions that differ between the two are unknown (None).
"""
import operator
import sys

import numpy as np

from minikeras.utils import nest

PROBE_SIZES = (2, 3)


class Node(object):
    """One call: ``fn(*args, **kwargs)`` produced ``outputs`` (a structure of
    KerasTensors). ``layer`` is set when ``fn`` is a layer."""

    def __init__(self, fn, args, kwargs, outputs, layer=None, name=None):
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.outputs = outputs
        self.layer = layer
        self.name = name or getattr(layer, 'name', None) or getattr(fn, '__name__', 'op')
        self.inputs = [x for x in nest.flatten((args, kwargs)) if isinstance(x, KerasTensor)]
        for i, out in enumerate(nest.flatten(outputs)):
            out.node, out.node_index = self, i


def _operator(name):
    """The methods ``x <op> other`` and ``other <op> x`` of KerasTensor: ``K.<name>``."""
    def method(self, other):
        return _op(name)(self, other)

    def reflected(self, other):
        return _op(name)(other, self)
    return method, reflected


def _unary_operator(name):
    def method(self):
        return _op(name)(self)
    return method


class KerasTensor(object):
    """A symbolic tensor: shape (tuple with None for unknown), dtype and history."""

    __array_priority__ = 1000  # numpy defers binary operators to us

    def __init__(self, shape, dtype='float32', name=None, probes=None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = str(dtype)
        self.name = name
        self.node = None
        self.node_index = 0
        self._probes = probes

    # --- Keras 2 compatible metadata -------------------------------------------------
    @property
    def ndim(self):
        return len(self.shape)

    @property
    def _keras_shape(self):
        return self.shape

    @property
    def _keras_history(self):
        layer = self.node.layer if self.node is not None else None
        return layer, 0, self.node_index

    def __repr__(self):
        return '<KerasTensor shape=%s dtype=%s%s>' % (
            self.shape, self.dtype, ' name=%s' % self.name if self.name else '')

    def __hash__(self):
        return id(self)

    def __len__(self):
        raise TypeError('len() of a symbolic tensor is unknown; use K.shape(x)[0]')

    def __bool__(self):
        raise TypeError('a symbolic tensor has no truth value until the model runs')

    __nonzero__ = __bool__

    # --- probes ---------------------------------------------------------------------
    def probe(self, i):
        if self._probes is None:
            self._probes = tuple(_random_probe(self.shape, self.dtype, size)
                                 for size in PROBE_SIZES)
        return self._probes[i]

    # --- operators record backend ops (K.<name>) --------------------------------------
    __add__, __radd__ = _operator('add')
    __sub__, __rsub__ = _operator('subtract')
    __mul__, __rmul__ = _operator('multiply')
    __truediv__, __rtruediv__ = _operator('divide')
    __div__, __rdiv__ = __truediv__, __rtruediv__
    __pow__ = _operator('pow')[0]
    __lt__ = _operator('less')[0]
    __le__ = _operator('less_equal')[0]
    __gt__ = _operator('greater')[0]
    __ge__ = _operator('greater_equal')[0]
    __neg__ = _unary_operator('negative')
    __abs__ = _unary_operator('abs')

    def __getitem__(self, key):
        return record_call(operator.getitem, operator.getitem, (self, key), {},
                           name='getitem')


def _op(name):
    import minikeras.backend as K
    return getattr(K, name)


def _random_probe(shape, dtype, size):
    concrete = tuple(size if d is None else d for d in shape)
    rng = np.random.RandomState(1234 + size)
    if dtype.startswith('float'):
        return rng.uniform(0.1, 0.9, concrete).astype(dtype)
    if dtype == 'bool':
        return np.ones(concrete, dtype=bool)
    return np.zeros(concrete, dtype=dtype)


def any_symbolic(args, kwargs):
    """True if a KerasTensor is among ``args``/``kwargs`` (looking one list deep)."""
    return _has_symbolic(args) or (bool(kwargs) and _has_symbolic(kwargs.values()))


def _has_symbolic(values):
    for a in values:
        if isinstance(a, KerasTensor):
            return True
        if isinstance(a, (list, tuple)):
            for b in a:
                if isinstance(b, KerasTensor):
                    return True
    return False


def _probe_value(x, i, get_value):
    if isinstance(x, KerasTensor):
        return x.probe(i)
    if get_value is not None and not isinstance(x, (np.ndarray, np.generic, int, float,
                                                    bool, str, type(None))):
        try:
            return get_value(x)
        except Exception:  # not an engine tensor: pass through unchanged
            return x
    return x


def _engine_to_numpy():
    import minikeras.backend as K

    def convert(x):
        if K.is_tensor(x):
            return K.get_value(x) if K.is_variable(x) else K.eval(x)
        return x
    return convert


def record_call(engine_fn, reference_fn, args, kwargs, name=None, layer=None):
    """Record ``engine_fn(*args, **kwargs)`` on symbolic inputs; shapes from
    ``reference_fn`` on probe values."""
    convert = _engine_to_numpy()
    probes = []
    for i in range(len(PROBE_SIZES)):
        a = nest.map_structure(lambda x: _probe_value(x, i, convert), args)
        k = nest.map_structure(lambda x: _probe_value(x, i, convert), kwargs)
        try:
            with np.errstate(all='ignore'):
                probes.append(reference_fn(*a, **k))
        except Exception as e:
            shapes = ', '.join(str(getattr(x, 'shape', type(x).__name__))
                               for x in nest.flatten((args, kwargs)))
            raise ValueError('%s on symbolic inputs failed (argument shapes: %s): %s'
                             % (name or getattr(engine_fn, '__name__', 'op'), shapes, e))
    outputs = _outputs_from_probes(probes[0], probes[1])
    Node(engine_fn, args, kwargs, outputs, layer=layer, name=name)
    return outputs


def _outputs_from_probes(p0, p1):
    if isinstance(p0, (list, tuple)):
        return type(p0)(_outputs_from_probes(a, b) for a, b in zip(p0, p1))
    a, b = np.asarray(p0), np.asarray(p1)
    if a.ndim != b.ndim:
        shape = (None,) * a.ndim
    else:
        shape = tuple(d0 if d0 == d1 else None for d0, d1 in zip(a.shape, b.shape))
    return KerasTensor(shape, a.dtype.name, probes=(a, b))


def record_op(name, args, kwargs):
    """Record backend op ``name`` (a contract name) on symbolic inputs."""
    import minikeras.backend as K
    from minikeras.backend import numpy as reference
    return record_call(getattr(K, name), getattr(reference, name), args, kwargs, name=name)


# --- replay --------------------------------------------------------------------------

def topological_nodes(outputs, stop_at=()):
    """Nodes needed to compute ``outputs`` (KerasTensors), inputs first. KerasTensors in
    ``stop_at`` are fed and their producers are not visited."""
    stop = set(id(t) for t in stop_at)
    order, seen = [], set()
    stack = [(t, False) for t in reversed(outputs) if isinstance(t, KerasTensor)]
    while stack:
        tensor, expanded = stack.pop()
        node = tensor.node
        if node is None or id(tensor) in stop:
            continue
        if expanded:
            if id(node) not in seen:
                seen.add(id(node))
                order.append(node)
            continue
        if id(node) in seen:
            continue
        stack.append((tensor, True))
        for t in reversed(node.inputs):
            stack.append((t, False))
    return order


def evaluate(outputs, feed, nodes=None, call_node=None):
    """Real tensors for ``outputs`` (a structure of KerasTensors) given ``feed``, a dict
    ``id(KerasTensor) -> engine tensor``. ``call_node(node, args, kwargs)`` runs a node
    (default: ``node.fn(*args, **kwargs)``)."""
    values = dict(feed)
    flat = nest.flatten(outputs)
    if nodes is None:
        fed = [t for t in _all_inputs(flat) if id(t) in values]
        nodes = topological_nodes(flat, stop_at=fed)

    def lookup(x):
        if isinstance(x, KerasTensor):
            try:
                return values[id(x)]
            except KeyError:
                raise ValueError('the graph needs %r, which is not among the inputs given' % (x,))
        return x

    for node in nodes:
        args = nest.map_structure(lookup, node.args)
        kwargs = nest.map_structure(lookup, node.kwargs)
        result = call_node(node, args, kwargs) if call_node else node.fn(*args, **kwargs)
        for kt, value in zip(nest.flatten(node.outputs), nest.flatten(result)):
            values[id(kt)] = value
    return nest.map_structure(lookup, outputs)


def _all_inputs(flat_outputs):
    seen, out, stack = set(), [], list(flat_outputs)
    while stack:
        t = stack.pop()
        if not isinstance(t, KerasTensor) or id(t) in seen:
            continue
        seen.add(id(t))
        out.append(t)
        if t.node is not None:
            stack.extend(t.node.inputs)
    return out


def record_gradients(loss, variables):
    """``K.gradients`` on a symbolic loss: one KerasTensor per variable, same shape."""
    import minikeras.backend as K
    variables = list(variables)
    outputs = [KerasTensor(K.int_shape(v), K.dtype(v)) for v in variables]
    Node(K.gradients, (loss, variables), {}, outputs, name='gradients')
    return outputs


class _SymbolicModule(type(operator)):
    """``K.symbolic`` is also Keras 2.3.1's decorator that runs a function in graph mode
    on TensorFlow. minikeras traces training steps itself, so as a decorator this module
    returns the function unchanged (the name is shared with this module)."""

    def __call__(self, func):
        return func


sys.modules[__name__].__class__ = _SymbolicModule
