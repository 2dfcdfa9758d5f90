"""MXNet adapter: a compiled function's step captured as cached graphs (what Gluon's
``hybridize`` does for a network), so that a step is a few calls into MXNet's engine
instead of one Python call and one engine push per op.

The first call of a compiled function for an input signature (shapes and dtypes) runs
``fn`` imperatively with autograd recording, as every call did before, and *traces* it:
every input, random value, variable and constant the step reads is a marked leaf of
autograd's record, and so are the gradients ``K.gradients`` returns. After the call,
autograd's record of the outputs and new variable values (``autograd.get_symbol``) is
one graph, split in two:

- the *forward graph*: everything the loss depends on (inputs, variables, random values
  -> the loss, and the forward values used after the gradients). It runs as a cached op
  that autograd differentiates through, so the backward pass is one more op;
- the *rest*: outputs and new variable values, from the forward values, the gradients,
  the variables and constants, run as a second cached op without recording.

A later call with the same signature runs the two cached ops (and the copies into the
variables), with new inputs and new random draws. A trace is used only when it is
known to be a pure graph of what the step reads, and when running the captured graphs on
the traced call's own arrays gives the values the imperative run gave (same dtypes and
shapes, values to float tolerance). It is not used, and the function stays imperative
for that signature, when the trace:

- read a tensor's value on the host (``asnumpy``, ``item``, ``bool(...)``: a Python
  value of this call would be frozen into the graph);
- called ``K.gradients`` more than once, or for a target the loss does not reach;
- produced a value autograd did not record, or read an array it cannot name;
- contains an op MXNet cannot put in a cached graph.

A new signature is traced anew (up to ``MAX_SIGNATURES``; later ones stay imperative):
shapes may be frozen in a graph's attributes (a reshape's target, a mean's count).
While tracing, ``astype`` runs as MXNet's ``cast`` op (its usual ``_copyto`` loses the
new dtype in a graph), ``K.stop_gradient`` as ``BlockGrad`` (``detach`` leaves no
record), and the arrays ``mx.np``'s creation functions make are noted as constants.
"""
import contextlib
import json

import numpy as onp

import mxnet as mx
from mxnet import autograd
from mxnet import np as mnp
from mxnet import npx

from minikeras.backend.mxnet import core

MAX_SIGNATURES = 4
ENABLED = True    # tests switch capture off to compare with the imperative path

_FLAGS = [('static_alloc', True), ('static_shape', True)]


class NotCapturable(Exception):
    """Why a traced step cannot be captured (kept on the compiled function).
    ``retry_without_kernels``: a trace that runs the optimizer's update as graph ops may
    be captured."""

    def __init__(self, reason, retry_without_kernels=False):
        Exception.__init__(self, reason)
        self.retry_without_kernels = retry_without_kernels


# --- tracing ------------------------------------------------------------------------

class Trace(object):
    """What one traced call read and produced, beyond autograd's record."""

    def __init__(self, kernels=True):
        self.leaves = []        # arrays made during the trace that may be graph leaves
        self.randoms = []       # (site, array) in draw order
        self.gradient = None    # (loss, targets, grads)
        self.kernels = []       # (apply, grads, lr, new values): fused kernels, in order
        self.kernels_allowed = kernels
        self.folds = {}         # id(result) -> (result, channel axis, with_bias(bias))
        self.shadows = {}       # id(channels_last result) -> (result, channels_first form)
        self.problems = []
        self._reading = 0

    @contextlib.contextmanager
    def reading(self):
        """Host reads the adapter makes on purpose (a fused kernel's rate)."""
        self._reading += 1
        try:
            yield
        finally:
            self._reading -= 1

    def note_kernels(self, apply, grads, lr, new_values):
        """Fused kernels ran: ``apply(grads, lr number) -> new_values`` (arrays autograd
        does not record); a captured step runs them again after its graphs."""
        for v in new_values:
            core._mark(v)
        self.kernels.append((apply, list(grads), lr, list(new_values)))

    def note_gradients(self, loss, targets, grads):
        if self.gradient is not None:
            self.problems.append('K.gradients was called more than once')
            return
        for g in grads:
            core._mark(g)
        self.gradient = (loss, list(targets), list(grads))


def _leaf_name(array):
    if getattr(array, 'handle', None) is None:
        return None   # e.g. the husk of an array a variable took over
    try:
        sym = autograd.get_symbol(array)
    except core.MXNetError:
        return None
    return sym.name if sym.list_inputs() == [sym.name] else None


@contextlib.contextmanager
def _tracing(trace):
    """Run the traced call: host reads noted, ``astype`` as a recorded cast."""
    patched = []

    def host_read(cls, name):
        original = getattr(cls, name)

        def read(self, *args, **kwargs):
            if not trace._reading and 'a host read' not in trace.problems:
                trace.problems.append('a host read')
            return original(self, *args, **kwargs)
        patched.append((cls, name, original))
        setattr(cls, name, read)

    original_astype = mnp.ndarray.astype

    def astype(self, dtype, order='K', casting='unsafe', subok=True, copy=True):
        if onp.dtype(dtype) == onp.dtype(self.dtype):
            return original_astype(self, dtype, order, casting, subok, copy)
        return npx.cast(self, dtype=onp.dtype(dtype).name)

    for cls in (mnp.ndarray, mx.nd.NDArray):
        for name in ('asnumpy', 'item', 'asscalar', 'tolist', '__bool__', '__float__',
                     '__int__', '__index__'):
            if name in vars(cls):
                host_read(cls, name)
    patched.append((mnp.ndarray, 'astype', original_astype))
    mnp.ndarray.astype = astype

    def creation(name):   # arrays made from nothing: constants the graph may read
        original = getattr(mnp, name)

        def make(*args, **kwargs):
            return core._note(original(*args, **kwargs))
        patched.append((mnp, name, original))
        setattr(mnp, name, make)

    for name in ('array', 'zeros', 'ones', 'full', 'empty', 'arange', 'eye', 'identity'):
        creation(name)
    core._traces.append(trace)
    try:
        yield trace
    finally:
        core._traces.pop()
        for cls, name, original in reversed(patched):
            setattr(cls, name, original)


# --- capturing ----------------------------------------------------------------------

def _cached_op(nodes, heads, attrs):
    args = [i for i, node in enumerate(nodes) if node['op'] == 'null']
    graph = mx.sym.load_json(json.dumps({
        'nodes': nodes, 'arg_nodes': args, 'heads': heads,
        'node_row_ptr': list(range(len(nodes) + 1)), 'attrs': attrs}))
    graph = graph.as_np_ndarray()
    return mx.ndarray.CachedOp(graph, _FLAGS), graph


def _subgraph(nodes, keep, heads, as_inputs, attrs):
    """The graph of the nodes ``keep`` (ids) computing ``heads`` (entries), with the
    entries in ``as_inputs`` ({(node, output): name}) read as inputs instead."""
    out, new_id = [], {}
    for entry, name in sorted(as_inputs.items(), key=lambda item: item[1]):
        new_id[entry] = len(out)
        out.append({'op': 'null', 'name': name, 'inputs': []})

    def remap(entry):
        key = (entry[0], entry[1])
        if key in as_inputs:
            return [new_id[key], 0, 0]
        return [new_id[entry[0]], entry[1], 0]

    for i in sorted(keep):
        node = dict(nodes[i])
        node['inputs'] = [remap(e) for e in node['inputs']]
        new_id[i] = len(out)
        out.append(node)
    return _cached_op(out, [remap(h) for h in heads], attrs)


def _ancestors(nodes, start):
    seen, stack = set(), list(start)
    while stack:
        i = stack.pop()
        if i not in seen:
            seen.add(i)
            stack.extend(e[0] for e in nodes[i]['inputs'])
    return seen


class Step(object):
    """A captured step: the forward graph (or none), the rest, the fused kernels, and
    what feeds them."""

    def __init__(self, trace, tensors, heads, known_arrays):
        gradient = trace.gradient
        self.kernels = []   # (apply, k extra heads of gradients, extra head of the rate
        extra = []          #  or the rate, names of the new values)
        for apply, grads, lr, new_values in trace.kernels:
            first = len(heads) + len(extra)
            extra.extend(grads)
            if isinstance(lr, core.NDArray):
                extra.append(lr)
                lr = len(heads) + len(extra) - 1
            else:
                lr = float(lr)
            self.kernels.append((apply, list(range(first, first + len(grads))), lr,
                                 [_leaf_name(v) for v in new_values]))
        placeholders = set(n for k in self.kernels for n in k[3])
        heads = list(heads) + extra
        self.n_results = len(heads) - len(extra)
        try:
            symbols = [autograd.get_symbol(h) for h in heads]
            if gradient is not None:
                symbols.append(autograd.get_symbol(gradient[0]))
        except core.MXNetError:
            raise NotCapturable('a result was not recorded by autograd') from None
        try:
            graph = json.loads(mx.sym.Group(symbols).tojson())
        except core.MXNetError as e:
            raise NotCapturable('MXNet cannot describe the graph: %s'
                                % core._summarize_mxnet_error(e)) from None
        nodes, entries, attrs = graph['nodes'], graph['heads'], graph.get('attrs', {})
        is_leaf = [node['op'] == 'null' for node in nodes]
        for node in nodes:
            if any(is_leaf[e[0]] and nodes[e[0]]['name'] in placeholders
                   for e in node['inputs']):
                raise NotCapturable('the step computes with the new values of a fused '
                                    'update', retry_without_kernels=True)
        self.sources = self._sources(nodes, trace, tensors, known_arrays, placeholders)
        if gradient is None:
            forward, loss = set(), None
        else:
            loss, entries = entries[-1], entries[:-1]
            forward = _ancestors(nodes, [loss[0]])
        rest = set(range(len(nodes))) - forward
        boundary = []   # forward values the rest reads
        for i in sorted(rest):
            for e in nodes[i]['inputs']:
                key = (e[0], e[1])
                if e[0] in forward and not is_leaf[e[0]] and key not in boundary:
                    boundary.append(key)
        self.heads = []   # per head: ('leaf', name) | ('forward', k) | ('rest', k)
        rest_heads = []
        for e in entries:
            key = (e[0], e[1])
            if is_leaf[e[0]]:
                self.heads.append(('leaf', nodes[e[0]]['name']))
            elif e[0] in forward:
                if key not in boundary:
                    boundary.append(key)
                self.heads.append(('forward', boundary.index(key)))
            else:
                self.heads.append(('rest', len(rest_heads)))
                rest_heads.append(e)
        self.targets = []
        try:
            self.forward = None
            if gradient is not None:
                self.forward, self.forward_graph = _subgraph(
                    nodes, forward, [loss] + [list(k) + [0] for k in boundary], {}, attrs)
                self.forward_inputs = self.forward_graph.list_inputs()
                self.boundary_names = ['forward_%d_%d' % k for k in boundary]
                targets = [_leaf_name(t) for t in gradient[1]]
                grad_names = [_leaf_name(g) for g in gradient[2]]
                if None in targets or None in grad_names:
                    raise NotCapturable('a gradient target is not an input or a variable')
                reached = set(self.forward_inputs)
                self.targets = [t for t in targets if t in reached]
                self.grad_names = [g for t, g in zip(targets, grad_names) if t in reached]
                self.zero_grads = dict(  # the loss does not reach these: their gradients
                    (g, grad) for t, g, grad in zip(targets, grad_names, gradient[2])
                    if t not in reached)   # are the zeros the trace made
            self.rest = None
            if rest_heads:
                used = set(e[0] for i in rest for e in nodes[i]['inputs'])
                keep = rest | set(i for i in used if is_leaf[i])
                names = dict((k, 'forward_%d_%d' % k) for k in boundary)
                self.rest, self.rest_graph = _subgraph(nodes, keep, rest_heads, names, attrs)
                self.rest_inputs = self.rest_graph.list_inputs()
        except core.MXNetError as e:
            raise NotCapturable('MXNet cannot cache the graph: %s'
                                % core._summarize_mxnet_error(e)) from None
        self.randoms = [(_leaf_name(a), site) for site, a in trace.randoms]
        self.inputs = [(_leaf_name(t), i) for i, t in enumerate(tensors)]
        self.input_targets = [i for i, t in enumerate(tensors)
                              if _leaf_name(t) in self.targets]

    @staticmethod
    def _sources(nodes, trace, tensors, known_arrays, placeholders):
        """The arrays of the graph's fixed leaves (variables, constants), by name."""
        wanted = set(node['name'] for node in nodes if node['op'] == 'null')
        own = set(_leaf_name(t) for t in tensors) | placeholders
        own.update(_leaf_name(a) for _, a in trace.randoms)
        if trace.gradient is not None:
            own.update(_leaf_name(g) for g in trace.gradient[2])
        sources = {}
        for array in list(trace.leaves) + list(known_arrays):
            name = _leaf_name(array)
            if name in wanted and name not in own:
                sources[name] = array
        missing = wanted - own - set(sources)
        if missing:
            raise NotCapturable('the step reads arrays made outside it (%s)'
                                % ', '.join(sorted(missing)[:3]))
        return sources

    def values(self, tensors, randoms):
        values = dict(self.sources)
        for name, i in self.inputs:
            values[name] = tensors[i]
        for name, site in self.randoms:
            values[name] = randoms[site]
        return values

    def run(self, values, tensors, kernels=True):
        """The results (outputs, then new variable values), then the kernels' gradients
        and rates, for ``values`` by leaf name. Without ``kernels``, the kernels'
        results are None."""
        forward = []
        if self.forward is not None:
            for i in self.input_targets:
                tensors[i].attach_grad()
            with autograd.record(train_mode=True):
                computed = _as_list(self.forward(*[values[n] for n in self.forward_inputs]))
            grads = autograd.grad(computed[0], [values[n] for n in self.targets],
                                  retain_graph=False, train_mode=True) if self.targets else []
            for name, g in zip(self.grad_names, grads):
                values[name] = g.as_np_ndarray() if not isinstance(g, mnp.ndarray) else g
            values.update(self.zero_grads)
            forward = computed[1:]
            values.update(zip(self.boundary_names, forward))
        rest = []
        if self.rest is not None:
            rest = _as_list(self.rest(*[values[n] for n in self.rest_inputs]))

        def head(i):
            kind, ref = self.heads[i]
            return values.get(ref) if kind == 'leaf' else \
                forward[ref] if kind == 'forward' else rest[ref]
        if kernels:
            for apply, grads, lr, names in self.kernels:
                if not isinstance(lr, float):
                    lr = float(head(lr).item())
                # every read of the old values is queued: the kernels write in place
                values.update(zip(names, apply([head(i) for i in grads], lr, True)))
        return [head(i) for i in range(len(self.heads))]


def _as_list(result):
    return list(result) if isinstance(result, (list, tuple)) else [result]


def _capture(trace, tensors, results, randoms):
    """The captured ``Step`` of a traced call whose results (outputs, then new variable
    values) were ``results``, checked against them: raises ``NotCapturable`` with the
    reason otherwise."""
    if trace.problems:
        raise NotCapturable(trace.problems[0])
    step = Step(trace, tensors, results, core._known_arrays())
    want = list(results) + [x for _, grads, lr, _ in trace.kernels
                            for x in grads + ([lr] if isinstance(lr, core.NDArray) else [])]
    with autograd.pause():
        try:
            got = step.run(step.values(tensors, randoms), list(tensors), kernels=False)
        except core.MXNetError as e:
            raise NotCapturable('the captured graph failed: %s'
                                % core._summarize_mxnet_error(e)) from None
    for i, (a, b) in enumerate(zip(want, got)):
        if b is None:
            continue   # a fused kernel's result: the same kernel, run later
        a, b = a.asnumpy(), b.asnumpy()
        if a.dtype != b.dtype or a.shape != b.shape or \
                not onp.allclose(a, b, rtol=1e-4, atol=1e-5, equal_nan=True):
            raise NotCapturable('the captured graph computes value %d differently' % i)
    return step
