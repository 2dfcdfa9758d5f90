"""JAX adapter: ``compiled_function``, the training primitive: one ``jax.jit`` step.

Variables live outside JAX's pure functions, so the step takes them as explicit state:
``step(written, read, inputs, call_no) -> (outputs, new values of written)``. ``written``
are the variables the updates assign (their buffers are donated: XLA may update them in
place), ``read`` the others ``fn`` reads. Which variables those are is found by tracing:
a trace that reads a variable not threaded in, or updates one not in ``written``, stops
before compiling and the step is rebuilt with it. New values are computed from
pre-update values (Keras 2 semantics) and written back after the call. Variables ``fn``
itself makes (an optimizer's slots made in ``get_updates``, Keras 2.3.1's style) are made
once: a retrace gets the same ones back, and those the updates assign become state.
"""
from minikeras.backend import adapter, state
from minikeras.backend.jax import _trace
from minikeras.backend.jax._jax import jax, jnp, np, _np_dtype, _t



class _Restructure(Exception):
    def __init__(self, read, written):
        Exception.__init__(self, 'the compiled step needs other variables as state')
        self.read, self.written = read, written


def _spec(i, spec):
    shape, dtype = adapter.input_spec(i, spec)
    return shape, _np_dtype(dtype)


def _as_update(label, i, update):
    try:
        var, value = update
    except (TypeError, ValueError):
        raise TypeError('compiled function %s: update %d must be a (variable, new_value) '
                        'pair, received %r' % (label, i, update))
    if not isinstance(var, _trace._Variable):
        raise TypeError('compiled function %s: update %d targets %r, which is not a variable '
                        'made by K.variable' % (label, i, var))
    value = _t(value)
    if value.ndim == 0 and var.ndim:
        value = jnp.full(var.shape, value)
    if tuple(value.shape) != var.shape:
        raise ValueError('compiled function %s: the update of variable %r (shape %s) has a new '
                         'value of shape %s' % (label, var.name, var.shape, tuple(value.shape)))
    return var, value.astype(var.dtype)


class CompiledFunction(object):
    """``f(*arrays) -> list of numpy arrays``: one call of a ``jax.jit`` step."""

    def __init__(self, fn, input_specs, name=None):
        if not callable(fn):
            raise TypeError('compiled_function: fn must be callable, received %r' % (fn,))
        self.fn = fn
        self.specs = [_spec(i, s) for i, s in enumerate(input_specs)]
        self.name = str(name or getattr(fn, '__name__', None) or 'compiled_function')
        self.written, self.read = [], []
        self.made = []      # the variables the last trace made (see _trace._new_variable)
        self.base_seed = None
        self._calls = 0
        self._jitted = None
        self.traces = 0

    def _step(self, written_values, read_values, inputs, call_no):
        self.traces += 1
        values = {}
        for var, value in zip(self.read, read_values):
            values[id(var)] = (var, value)
        for var, value in zip(self.written, written_values):
            values[id(var)] = (var, value)
        ctx = _trace.Trace(self.fn, inputs, values, _trace.RandomSource(self, call_no),
                           reuse=self.made)
        result = _trace._run(ctx, self._outputs_and_updates, inputs)
        self.made = ctx.created
        outputs, updates = result
        new_targets = [var for var, _ in updates if not any(var is w for w in self.written)]
        for var in new_targets:
            if var.made_in_trace:
                if not any(var is v for v in ctx.created):
                    raise ValueError('compiled function %s: an update targets variable %r, '
                                     'made inside a nested function while the function was '
                                     'traced; make it outside' % (self.name, var.name))
                var.made_in_trace = False   # made by fn (get_updates): state from now on
        if ctx.missing or new_targets:
            raise _Restructure(list(ctx.missing.values()), new_targets)
        new = dict((id(var), value) for var, value in updates)
        return outputs, [new.get(id(var), values[id(var)][1]) for var in self.written]

    def _outputs_and_updates(self, *inputs):
        result = self.fn(*inputs)
        try:
            outputs, updates = result
        except (TypeError, ValueError):
            raise TypeError('compiled_function: fn must return (outputs, updates), received %r'
                            % (result,))
        if outputs is None:
            outputs = []
        elif not isinstance(outputs, (list, tuple)):
            raise TypeError('compiled_function: fn must return a list of outputs, received %r'
                            % (outputs,))
        ctx = _trace._current()
        outs = [_t(ctx.swap(o)) for o in outputs]
        pairs = [_as_update(self.name, i, ctx.swap(u)) for i, u in enumerate(updates or [])]
        return outs, pairs

    def _restructure(self, change):
        written = list(self.written)
        for var in change.written:
            if not any(var is w for w in written):
                written.append(var)
        read = [v for v in self.read + change.read if not any(v is w for w in written)]
        unique = []
        for v in read:
            if not any(v is u for u in unique):
                unique.append(v)
        self.written, self.read = written, unique
        self._jitted = None

    def _check(self, i, a):
        dt = self.specs[i][1]
        if isinstance(a, _trace._Variable):
            a = a.value
        a = np.asarray(a) if not isinstance(a, jax.Array) else a
        if a.dtype != dt:
            a = a.astype(dt)
        adapter.check_input(i, a, self.specs[i])
        return a

    def __call__(self, *arrays):
        adapter.check_arity(self.name, self.specs, arrays)
        inputs = [self._check(i, a) for i, a in enumerate(arrays)]
        call_no = np.uint32(self._calls % (2 ** 32))
        for _ in range(100):
            if self._jitted is None:
                self._jitted = jax.jit(self._step, donate_argnums=(0,))
            try:
                outputs, new = self._jitted([v.value for v in self.written],
                                            [v.value for v in self.read], inputs, call_no)
                break
            except _Restructure as change:
                self._restructure(change)
        else:
            raise RuntimeError('compiled function %s: every trace reads other variables '
                               '(variables made while tracing?)' % self.name)
        self._calls += 1
        self._write_back(new)
        return [np.asarray(o) for o in outputs]

    def _write_back(self, new):
        taken = set(id(v.value) for v in self.read)
        for var, value in zip(self.written, new):
            if id(value) in taken:  # a forwarded buffer: each variable owns its own
                value = jnp.array(value, copy=True)
            taken.add(id(value))
            var.value = value


def compiled_function(fn, input_specs, name=None):
    return CompiledFunction(fn, input_specs, name)
