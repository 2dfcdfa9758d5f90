"""CNTK adapter: compiled functions and gradients.

``compiled_function(fn, specs)`` builds one static-shape CNTK graph per distinct tuple of
input shapes (training sees two: the full batch and the last partial batch): inputs are
``input_variable``s without dynamic axes, so every op is a plain tensor op.

CNTK has no gradient op in its graphs. Inside a traced ``fn``, ``gradients(loss, vars)``
returns placeholders: ``C.parameter``s whose value is set to the gradient before the
graph that reads them runs. When ``fn`` returns, the targets (outputs and update values)
are split by whether they read such placeholders, and one call runs:

1. a forward pass of the loss and of every target that needs no gradient, kept for
   backward, then CNTK's ``backward`` from the loss to the requested variables (one
   forward/backward per distinct loss: CNTK allows one backprop root per pass);
2. if anything needs the gradients: a second graph computing the gradient-dependent
   outputs and the updates as ``C.assign`` nodes (CNTK applies assignments after the
   pass, so every new value is computed from pre-update values, Keras 2 semantics);
3. updates whose new value depends on the inputs but not on gradients (BatchNorm moving
   statistics, metric totals) are assigned by pass 1 when no later pass reads their
   variable; otherwise they are computed in pass 1 and written last.

Without gradients (predict, evaluate) it is a single pass of ``C.combine(outputs +
assigns)``. (A ``C.Trainer`` with a universal learner, as multi-backend Keras 2 used,
needs a dynamic batch axis to count samples, which these static graphs do not have.)
"""
import numpy as np

from minikeras.backend import adapter, state
from minikeras.backend.cntk.core import (
    C, CntkTensor, CntkVariable, _dtype_name, _is_float, _storage_of, _to_numpy, _to_tensor,
    _write)

_cntk_py = C.cntk_py
from cntk.internal import (  # noqa: E402  (the engine is imported by core first)
    _value_as_sequence_or_array, sanitize_var_map as _sanitize_var_map)
from cntk.internal.swig_helper import map_if_possible as _map_if_possible  # noqa: E402


_TRACES = []

# id(function) -> (function, its arguments, the default device), for _lean_forward
_FORWARD_CACHE = {}


def _lean_forward(function, feed, outputs, keep=None, as_numpy=True):
    """``function.forward(feed, outputs, keep_for_backward=keep, as_numpy=as_numpy)``
    without the per-call work of CNTK's Python wrapper that a compiled step does not
    need: asking the function for its arguments and re-wrapping every result (about
    0.3 ms of a 12 ms MNIST MLP step). Values not converted to numpy are CNTK ``Value``s
    as the wrapper returns them."""
    cached = _FORWARD_CACHE.get(id(function))
    if cached is None or cached[0] is not function:
        if len(_FORWARD_CACHE) > 256:
            _FORWARD_CACHE.clear()
        cached = (function, tuple(function.arguments), C.device.use_default_device())
        _FORWARD_CACHE[id(function)] = cached
    _, arguments, device = cached
    in_map = _sanitize_var_map(arguments, feed, None, device)
    out_map = dict.fromkeys(outputs)
    state_ = _cntk_py.Function._forward(function, in_map, out_map, device, set(keep or ()))
    for k, v in out_map.items():
        if as_numpy:
            out_map[k] = _value_as_sequence_or_array(v, k)
        else:
            _map_if_possible(v)     # the SWIG value becomes a cntk.Value in place
    return state_, out_map


def _as_output(node):
    """A Variable for ``C.combine``: a Function's single output, or the Variable."""
    if isinstance(node, C.Function):
        return node.output
    return node


def _is_input(node):
    return isinstance(node, C.variables.Variable) and not isinstance(node, C.Function) \
        and getattr(node, 'is_input', False)


def _argument_uids(node):
    if isinstance(node, C.Function):
        return set(a.uid for a in node.arguments)
    if _is_input(node):
        return {node.uid}
    return set()


def _parameter_uids(node):
    if isinstance(node, C.Function):
        return set(p.uid for p in node.parameters)
    if isinstance(node, C.variables.Parameter):
        return {node.uid}
    return set()


# --- gradients ------------------------------------------------------------------------

def gradients(loss, variables):
    loss = _to_tensor(loss)
    single = not isinstance(variables, (list, tuple))
    variables = [variables] if single else list(variables)
    wrt = []
    for v in variables:
        if not isinstance(v, CntkTensor):
            raise TypeError('gradients: expected CNTK variables or tensors, received %r' % (v,))
        wrt.append(v)
    if not _TRACES:
        return _eager_gradients(loss, wrt)
    trace = _TRACES[-1]
    out = []
    for v in wrt:
        dt = v._dtype if _is_float(v._dtype) else state.floatx()
        storage = np.dtype(_storage_of(dt))
        # a parameter whose value the compiled function sets to the gradient before the
        # graph that uses it runs (parameters are not graph arguments, so any dtype works)
        ph = C.parameter(shape=v.static_shape, init=np.zeros(v.static_shape, dtype=storage),
                         dtype=storage, name='minikeras_gradient')
        trace['gradients'][ph.uid] = (ph, loss, v)
        out.append(CntkTensor(ph, dt))
    return out


def _connected(loss_out, wrt_nodes):
    """The ``wrt_nodes`` the loss depends on."""
    loss_fn = C.combine([loss_out])
    connected = _parameter_uids(loss_fn) | _argument_uids(loss_fn)
    return [n for n in wrt_nodes if n.uid in connected]


def _forward_backward(function, loss_out, wanted, feed, as_numpy=True):
    """Forward ``function`` (its outputs include ``loss_out``), then backward from the loss
    to the ``wanted`` nodes (those of ``_connected``). Returns (output values, {uid:
    gradient}); the gradients are numpy arrays, or with ``as_numpy=False`` CNTK
    ``NDArrayView``s (no copy out of the engine)."""
    if not wanted:
        _, values = _lean_forward(function, feed, function.outputs)
        return values, {}
    state_, values = _lean_forward(function, feed, function.outputs, keep={loss_out})
    root = np.ones(tuple(int(d) for d in loss_out.shape), dtype=np.dtype(loss_out.dtype))
    grads = function.backward(state_, {loss_out: root}, variables=set(wanted),
                              as_numpy=as_numpy)
    if not as_numpy:
        return values, dict((n.uid, grads[n].data) for n in wanted)
    return values, dict((n.uid, np.asarray(grads[n])) for n in wanted)


def _eager_gradients(loss, wrt):
    loss_out = _as_output(loss.node)
    fn = C.combine([loss_out])
    if fn.arguments:
        raise ValueError('gradients: the loss depends on inputs %s; outside a compiled '
                         'function only losses of variables can be differentiated'
                         % ', '.join(a.name or str(a) for a in fn.arguments))
    nodes = []
    for v in wrt:
        if not isinstance(v, CntkVariable):
            raise NotImplementedError('CNTK backend: gradients with respect to %r: only '
                                      'variables made by K.variable are supported' % (v,))
        nodes.append(v.node)
    _, grads = _forward_backward(fn, loss_out, _connected(loss_out, nodes), {})
    out = []
    for v in wrt:
        g = grads.get(v.node.uid)
        if g is None:
            g = np.zeros(v.static_shape, dtype=np.dtype(v.node.dtype))
        dt = v._dtype if _is_float(v._dtype) else state.floatx()
        out.append(CntkTensor(C.constant(g.astype(_storage_of(dt))), dt))
    return out


# --- compiled functions ---------------------------------------------------------------

def _check_input(i, array, spec):
    adapter.check_input(i, array, spec)
    if 0 in array.shape:
        raise ValueError('compiled function input %d: CNTK cannot run on empty arrays '
                         '(shape %s)' % (i, array.shape))


def _feed_dtype(specs):
    """CNTK wants every argument of a graph in one dtype: float64 if any input is, else
    float32; inputs of another dtype are cast inside the graph."""
    if any(_storage_of(dt) == 'float64' for _, dt in specs):
        return 'float64'
    return 'float32'


class _Graph(object):
    """The compiled plan for one tuple of concrete input shapes.

    A function without gradients runs as one CNTK function (``mode`` 'plain': ``main``
    computes the outputs and assigns the updates). With gradients (``mode``
    'gradients') a batch is two passes: ``first`` is a forward/backward pass of the first
    loss (``losses`` lists every loss with the parameters it is differentiated by, and
    its own function after the first) that also computes the outputs and updates that do
    not need gradients; the gradients are written into their ``placeholders``; then
    ``second`` computes the outputs that use gradients and assigns the updates.
    """

    def __init__(self, fn, specs, shapes, name):
        self.name = name
        self.feed_dtype = _feed_dtype(specs)
        self.inputs = []        # CNTK input variables, one per input array
        self.out_plan = []      # per output: ('node', CntkTensor) or ('const', array)
        self.updates = []       # (CntkVariable, CNTK node of its new value)
        self.mode = 'plain'
        self.main = None        # plain: C.combine of outputs and assigns, or None
        self.first = None       # gradients: the first pass (loss 0, then first_outputs...)
        self.second = None      # gradients: grad_outputs, then the assigns
        self.losses = []        # gradients: (loss output, [wrt nodes], own function|None)
        self.first_outputs = []  # output indices computed in the first pass
        self.grad_outputs = []   # output indices that use gradients (second pass)
        self.late_updates = []   # update indices computed in pass 1, written after pass 2
        self.placeholders = []   # (gradient placeholder, loss index, wrt node)
        self._needed = {}        # function uid -> uids of the inputs it reads
        self._main_outputs = self._plain_plan = None   # plain: cached on the first run
        if not self._build(fn, specs, shapes, needs_gradient=False):
            # gradients with respect to inputs: the inputs must track them
            self._build(fn, specs, shapes, needs_gradient=True)

    def _build(self, fn, specs, shapes, needs_gradient):
        """Trace ``fn`` and plan its run; False if it asks for a gradient with respect to
        an input and the inputs were made without ``needs_gradient``."""
        input_of = self._make_inputs(specs, shapes, needs_gradient)
        outputs, updates, grads = self._call(fn, [t for t, _ in input_of])
        self.out_plan = [('node', o) if isinstance(o, CntkTensor) else ('const', np.asarray(o))
                         for o in outputs]
        self.updates = [(var, self._update_value(var, value))
                        for var, value in self._update_pairs(updates)]
        grad_uids = set(grads)

        def used_by(node):
            return _parameter_uids(node) & grad_uids

        self.grad_outputs = [i for i, (kind, t) in enumerate(self.out_plan)
                             if kind == 'node' and used_by(t.node)]
        grad_updates = [j for j, (_, v) in enumerate(self.updates) if used_by(v)]
        used = set()
        for i in self.grad_outputs:
            used |= used_by(self.out_plan[i][1].node)
        for j in grad_updates:
            used |= used_by(self.updates[j][1])
        if not used:
            self._plan_plain()
            return True
        inputs_by_id = dict((id(t), var) for t, var in input_of)
        if not self._group_losses(grads, used, used_by, inputs_by_id, needs_gradient):
            return False
        self._plan_passes(grad_updates)
        return True

    def _make_inputs(self, specs, shapes, needs_gradient):
        """[(CntkTensor given to fn, its CNTK input variable)], one per input."""
        feed = np.dtype(self.feed_dtype)
        pairs = []
        for i, (shape, (spec_shape, dt)) in enumerate(zip(shapes, specs)):
            var = C.input_variable(shape, dtype=feed, dynamic_axes=[],
                                   needs_gradient=needs_gradient, name='input_%d' % i)
            node = var
            if _storage_of(dt) != self.feed_dtype:
                node = C.cast(var, np.dtype(_storage_of(dt)))
            pairs.append((CntkTensor(node, dt, keras_shape=tuple(spec_shape)), var))
        self.inputs = [var for _, var in pairs]
        return pairs

    def _call(self, fn, tensors):
        """Run ``fn`` on the input tensors: (outputs, updates, the gradients it asked for
        as {placeholder uid: (placeholder, loss, wrt)})."""
        trace = {'gradients': {}}
        _TRACES.append(trace)
        try:
            result = fn(*tensors)
        finally:
            _TRACES.pop()
        if not isinstance(result, (list, tuple)) or len(result) != 2:
            raise TypeError('compiled function %s: fn must return (outputs, updates), '
                            'received %r' % (self.name, result))
        outputs, updates = result
        outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
        return outputs, list(updates or []), trace['gradients']

    def _update_pairs(self, updates):
        for pair in updates:
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise TypeError('compiled function %s: updates must be (variable, new_value) '
                                'pairs, received %r' % (self.name, pair))
            if not isinstance(pair[0], CntkVariable):
                raise TypeError('compiled function %s: an update targets %r, which is not a '
                                'variable made by K.variable' % (self.name, pair[0]))
            yield pair

    def _plan_plain(self):
        nodes = [_as_output(t.node) for kind, t in self.out_plan if kind == 'node']
        assigns = [C.assign(var.node, v) for var, v in self.updates]
        self.mode = 'plain'
        self.main = C.combine(nodes + [a.output for a in assigns]) \
            if nodes or assigns else None

    def _group_losses(self, grads, used, used_by, inputs_by_id, needs_gradient):
        """Fill ``losses`` and ``placeholders``: one forward/backward per distinct loss.
        False if a gradient is with respect to an input and ``needs_gradient`` is off."""
        self.losses, self.placeholders = [], []
        for uid in sorted(used):
            ph, loss, wrt = grads[uid]
            loss_out = _as_output(loss.node)
            if used_by(loss.node):
                raise NotImplementedError('CNTK backend: a loss that depends on gradients '
                                          '(second derivatives) is not supported')
            known = [out.uid for out, _ in self.losses]
            if loss_out.uid not in known:
                self.losses.append((loss_out, {}))
                known.append(loss_out.uid)
            k = known.index(loss_out.uid)
            if isinstance(wrt.node, C.variables.Parameter):
                target = wrt.node
            elif id(wrt) in inputs_by_id:
                if not needs_gradient:
                    return False
                target = inputs_by_id[id(wrt)]
            else:
                raise NotImplementedError(
                    'CNTK backend: gradients with respect to %r: CNTK differentiates with '
                    'respect to variables (K.variable) and function inputs only' % (wrt,))
            self.losses[k][1][target.uid] = target
            self.placeholders.append((ph, k, target))
        return True

    def _plan_passes(self, grad_updates):
        input_uids = set(v.uid for v in self.inputs)
        self.first_outputs = [i for i, (kind, t) in enumerate(self.out_plan)
                              if kind == 'node' and i not in self.grad_outputs]
        self.late_updates, second_assigns = [], []
        for j, (var, v) in enumerate(self.updates):
            if j not in grad_updates and _argument_uids(v) & input_uids:
                self.late_updates.append(j)  # computed in pass 1, written last
            else:
                second_assigns.append(j)
        second_nodes = [_as_output(self.out_plan[i][1].node) for i in self.grad_outputs] + \
            [C.assign(self.updates[j][0].node, self.updates[j][1]).output
             for j in second_assigns]
        # a late update no later pass reads is assigned by pass 1 itself (CNTK writes it
        # after that pass); the others are written from pass 1's values after pass 2
        read_later = _parameter_uids(C.combine(second_nodes + [out for out, _ in self.losses]))
        first_assigns = [j for j in self.late_updates
                         if self.updates[j][0].node.uid not in read_later]
        self.late_updates = [j for j in self.late_updates if j not in first_assigns]
        first_nodes = [self.losses[0][0]] + \
            [_as_output(self.out_plan[i][1].node) for i in self.first_outputs] + \
            [_as_output(self.updates[j][1]) for j in self.late_updates] + \
            [C.assign(self.updates[j][0].node, self.updates[j][1]).output
             for j in first_assigns]
        self.mode = 'gradients'
        self.first = C.combine(first_nodes)
        self.second = C.combine(second_nodes)
        self.losses = [(out, _connected(out, list(wrt.values())),
                        C.combine([out]) if k else None)
                       for k, (out, wrt) in enumerate(self.losses)]

    def _update_value(self, var, value):
        value = _to_tensor(value, var._dtype) if not isinstance(value, CntkTensor) \
            else value
        storage = np.dtype(var.node.dtype)
        node = value.node
        if np.dtype(node.dtype) != storage:
            node = C.cast(node, storage)
        vshape, shape = value.static_shape, var.static_shape
        if vshape != shape:
            try:
                ok = np.broadcast(np.empty(vshape), np.empty(shape)).shape == shape
            except ValueError:
                ok = False
            if not ok:
                raise ValueError('compiled function %s: the update of variable %r (shape %s) '
                                 'has shape %s' % (self.name, var.name, shape, vshape))
            node = C.element_times(node, C.constant(np.ones(shape, dtype=storage)))
        if not _is_float(var._dtype):
            node = C.round(node) if var._dtype != 'bool' else C.not_equal(node, 0)
        return node

    # --- running ------------------------------------------------------------------
    def _feed(self, function, values):
        """The feed dict of ``function``: the given (input, array) pairs it reads (which
        inputs those are is asked of CNTK once per function)."""
        needed = self._needed.get(function.uid)
        if needed is None:
            needed = set(a.uid for a in function.arguments)
            self._needed[function.uid] = needed
        return dict((node, array) for node, array in values if node.uid in needed)

    def _run_plain(self, given, results):
        main = self.main
        if self._main_outputs is None:
            self._main_outputs = list(main.outputs)
            self._plain_plan = [(i, t._dtype) for i, (kind, t) in enumerate(self.out_plan)
                                if kind == 'node']
        outs = self._main_outputs
        _, values = _lean_forward(main, self._feed(main, given), outs)
        for (i, dtype), out in zip(self._plain_plan, outs):
            results[i] = _to_numpy(values[out], dtype)
        return results

    def run(self, arrays):
        given = list(zip(self.inputs, arrays))
        results = [None] * len(self.out_plan)
        for i, (kind, t) in enumerate(self.out_plan):
            if kind == 'const':
                results[i] = np.array(t)
        if self.mode == 'plain':
            return self._run_plain(given, results) if self.main is not None else results
        first = self.first
        grads = []
        for k, (loss_out, wrt_nodes, own) in enumerate(self.losses):
            function = first if k == 0 else own
            values_k, grads_k = _forward_backward(function, loss_out, wrt_nodes,
                                                  self._feed(function, given),
                                                  as_numpy=False)
            if k == 0:
                values = values_k
            grads.append(grads_k)
        outs = first.outputs
        for k, i in enumerate(self.first_outputs):
            results[i] = _to_numpy(values[outs[1 + k]], self.out_plan[i][1]._dtype)
        late = [(self.updates[j][0], values[outs[1 + len(self.first_outputs) + k]])
                for k, j in enumerate(self.late_updates)]
        for ph, k, target in self.placeholders:
            g = grads[k].get(target.uid)
            if g is None:
                g = np.zeros(tuple(int(d) for d in ph.shape))
            elif ph.shape and tuple(g.shape) == tuple(ph.shape) and g.dtype == ph.dtype:
                ph.value = g     # engine to engine: the gradient never becomes numpy
                continue
            else:
                g = g.asarray()
            _write(ph, g)
        second = self.second
        # as_numpy=False: the assign outputs stay in CNTK (no copies of every weight)
        _, values2 = _lean_forward(second, self._feed(second, given), second.outputs,
                                   as_numpy=False)
        for k, i in enumerate(self.grad_outputs):
            results[i] = _to_numpy(values2[second.outputs[k]].asarray(),
                                   self.out_plan[i][1]._dtype)
        for var, value in late:
            _write(var.node, value)
        return results


class CompiledFunction(object):
    """``f(*arrays) -> list of numpy arrays``; one CNTK graph per input-shape tuple."""

    def __init__(self, fn, specs, name):
        self.fn = fn
        self.specs = specs
        self.name = name
        self.graphs = {}
        self.__name__ = name

    def __call__(self, *arrays):
        adapter.check_arity(self.name, self.specs, arrays)
        converted = []
        for i, (array, spec) in enumerate(zip(arrays, self.specs)):
            if isinstance(array, CntkTensor):
                raise TypeError('compiled function %s: input %d must be a numpy array, '
                                'received a CNTK tensor' % (self.name, i))
            array = np.asarray(array)
            _check_input(i, array, spec)
            converted.append(array)
        key = tuple(a.shape for a in converted)
        graph = self.graphs.get(key)
        if graph is None:
            graph = _Graph(self.fn, self.specs, key, self.name)
            self.graphs[key] = graph
        feed = np.dtype(graph.feed_dtype)
        return graph.run([np.ascontiguousarray(a, dtype=feed) for a in converted])

    def unchecked(self, *arrays):
        """The call for numpy arrays already of the specs' dtypes and shapes."""
        graph = self.graphs.get(tuple(a.shape for a in arrays))
        if graph is None or not all(a.dtype == graph.feed_dtype and a.flags.c_contiguous
                                    for a in arrays):
            return self(*arrays)
        return graph.run(arrays)


def compiled_function(fn, input_specs, name=None):
    specs = []
    for spec in input_specs:
        shape, dt = spec
        shape = tuple(None if d is None else int(d) for d in shape)
        specs.append((shape, _dtype_name(dt)))
    return CompiledFunction(fn, specs, str(name or getattr(fn, '__name__', 'compiled_function')))
