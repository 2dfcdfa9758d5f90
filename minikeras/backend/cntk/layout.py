"""CNTK adapter: the layouts of tensors around CNTK's convolutions and poolings.

CNTK convolves and pools channels_first samples on its batch axis, while minikeras's
tensors have static shapes: a channels_last convolution is ``_from_cf(_unbatch(conv(
_to_batch(_to_cf(x)))))``. In a convolution stack (conv, bias add, ReLU, conv, ...) that is
a transpose and a batch-axis copy in and out of every activation, forward and backward:
in the MNIST CNN they were 53 ms of a 280 ms training step. So the results of those
conversions remember what they were made from:

- a channels_last node made by ``_from_cf`` remembers its channels_first source, and
  ``_to_cf`` of it is that source;
- a static node made by ``_unbatch`` remembers its batch-axis source, and ``_to_batch`` of
  it is that source;
- ``_elementwise`` (used by ``bias_add`` and ``relu``) computes on the earliest form a
  node remembers and returns the same conversions of the result, which remember it in
  turn.

The converted nodes stay in the graph, but CNTK evaluates only what the requested
outputs read, so a conversion runs only where its value is used (a Flatten, a layer that
is not a convolution, a model output). The values are the same; only the layout of the
intermediate results changes.
"""
from minikeras.backend.cntk.core import C

_CF = {}            # uid of a from_cf node (Function and output) -> channels_first node
_BATCHED = {}       # uid of an unbatch node -> (batch-axis node, static shape)
_MAX_ENTRIES = 4096  # each entry holds its nodes alive: forget them all past this


def _remember(table, node, value):
    if len(table) > _MAX_ENTRIES:
        table.clear()
    table[node.uid] = value
    if isinstance(node, C.Function):
        table[node.output.uid] = value


def _to_cf(node, ndim):
    """channels_last (N, *S, C) -> channels_first (N, C, *S)."""
    source = _CF.get(node.uid)
    if source is not None:
        return source
    return C.transpose(node, [0, ndim - 1] + list(range(1, ndim - 1)))


def _from_cf(node, ndim):
    """channels_first (N, C, *S) -> channels_last (N, *S, C), remembering ``node``."""
    result = C.transpose(node, [0] + list(range(2, ndim)) + [1])
    _remember(_CF, result, node)
    return result


def _to_batch(node):
    """A static (N, *sample) node with N on CNTK's batch axis."""
    source = _BATCHED.get(node.uid)
    if source is not None:
        return source[0]
    return C.to_batch(node)


def _unbatch(node, shape):
    """A batch-axis node as a static node of ``shape``, remembering ``node``."""
    result = C.reshape(C.unpack_batch(node), tuple(shape))
    _remember(_BATCHED, result, (node, tuple(shape)))
    return result


def _form(node):
    """'cl' for a channels_last node made by ``_from_cf``, 'cf' for a static channels_first
    node made by ``_unbatch``, else None."""
    if node.uid in _CF:
        return 'cl'
    if node.uid in _BATCHED:
        return 'cf'
    return None


def _elementwise(fn, node):
    """``fn`` applied to ``node`` through the earliest form it remembers (``_form(node)``
    is not None), converted back the same way. ``fn(x, batched)``: ``x`` holds
    channels_first data, as samples on the batch axis (``batched``) or as a static
    (N, C, *S) node; ``fn`` must be elementwise, or broadcast along the channel axis."""
    ndim = len(node.shape)
    channels_last = node.uid in _CF
    cf = _CF[node.uid] if channels_last else node
    batched = _BATCHED.get(cf.uid)
    if batched is not None:
        result = _unbatch(fn(batched[0], True), batched[1])
    else:
        result = fn(cf, False)
    return _from_cf(result, ndim) if channels_last else result
