"""Variables, and the state a compiled function's trace threads through JAX.

JAX functions are pure, so a ``_Variable`` is a mutable holder outside them: ``.value``
is a ``jax.Array``. While ``compiled_function`` traces its step, a ``Trace`` is active:
reading a variable gives the value passed into the step as explicit state (a tracer),
and the step returns the variables' new values, which are written back after the call.

``gradients`` inside a trace re-runs the traced function as a function of what is
differentiated (variables, the step's inputs, or tensors made by contract ops), up to
the same ``K.gradients`` call, and differentiates that with ``jax.grad``: the forward
pass is traced again (trace time only; XLA compiles one step). Random draws and op
results repeat exactly in the re-run (same keys, same op order). Earlier ``K.gradients``
calls of the same function are not re-derived in a re-run unless the loss depends on
them (see ``_differentiate``), so many gradients in one function cost one re-run each.
"""
import numpy as np

import jax
import jax.numpy as jnp
from jax.extend.core import Var as _Var

try:  # the JAX trace being built now: op results made inside a nested trace (the body of
    from jax._src.core import trace_ctx as _jax_trace_ctx  # a scan) are not recorded
except ImportError:  # pragma: no cover - a JAX without it: no forward sharing
    _jax_trace_ctx = None

from minikeras.backend import numpy_like
from minikeras.backend.symbolic import KerasTensor as _KerasTensor

_stack = []


def _current():
    """The active trace, or None (eager)."""
    return _stack[-1] if _stack else None


class _Variable(numpy_like.ValueHolder):
    """A variable: ``.value`` (a jax.Array), ``.name``, ``.constraint``, ``.trainable``.
    Arithmetic operators read the value (the traced one inside a compiled function) and
    give plain arrays; a KerasTensor operand defers to the KerasTensor."""

    def __init__(self, value, name, constraint=None):
        numpy_like.ValueHolder.__init__(self, value, name, constraint)
        # made while a function is traced (K.zeros inside fn): a constant of that trace
        self.made_in_trace = bool(_stack)

    def __array__(self, dtype=None, copy=None):
        value = np.array(self.value)
        return value if dtype is None else value.astype(dtype)

    def __getitem__(self, key):
        return _read(self)[key]

    def __neg__(self):
        return -_read(self)

    def __abs__(self):
        return jnp.abs(_read(self))

    def __repr__(self):
        return '<jax variable %r shape=%s dtype=%s>' % (self.name, self.shape,
                                                       np.dtype(self.dtype).name)


def _plain(x):
    if isinstance(x, _Variable):
        return _read(x)
    ctx = _current()
    return x if ctx is None else ctx.swap(x)


def _binary(fn, reflected=False):
    def method(self, other):
        if isinstance(other, _KerasTensor):
            return NotImplemented
        if reflected:
            return fn(_plain(other), _read(self))
        return fn(_read(self), _plain(other))
    return method


numpy_like.set_operators(_Variable, jnp, _binary)

VARIABLE_TYPES = (_Variable,)


def _read(var):
    """The value of ``var`` here: the traced value inside a compiled function, else a
    copy of the current value (so no eager result shares a buffer the next compiled call
    donates)."""
    ctx = _current()
    if ctx is not None:
        found = ctx.values.get(id(var))
        if found is not None:
            return found[1]
        if var.made_in_trace:
            return var.value
        ctx.missing[id(var)] = var  # the compiled function retraces with it as state
        return var.value
    return jnp.array(var.value, copy=True)


class RandomSource(object):
    """Keys for one call of a compiled function: ``base_seed`` (drawn from numpy's global
    generator the first time an unseeded op needs it) and the call number (a traced
    scalar, so every call draws fresh values without retracing)."""

    def __init__(self, owner, call_no):
        self.owner = owner
        self.call_no = call_no

    def key(self, site, seed):
        if seed is None:
            if self.owner.base_seed is None:
                self.owner.base_seed = int(np.random.randint(0, 2 ** 31 - 1))
            seed = self.owner.base_seed
        key = jax.random.fold_in(jax.random.PRNGKey(int(seed)), site)
        return jax.random.fold_in(key, self.call_no)


class Trace(object):
    """One tracing of ``fn(*inputs)`` with variables bound to traced ``values``
    (``id(var) -> (var, value)``)."""

    def __init__(self, fn, inputs, values, random, missing=None, stop_at=None,
                 perturb=None, given=None, reuse=()):
        self.fn = fn
        self.inputs = list(inputs)
        self.values = values
        self.missing = {} if missing is None else missing
        self.random = random
        self.stop_at = stop_at
        self.perturb = perturb or {}
        self.given = given      # a re-run: results of the earlier K.gradients calls
        self.results = []       # what this trace's K.gradients calls returned
        self.grad_calls = 0
        self.op_calls = 0
        self.random_sites = 0
        self.produced = {}
        self.substitute = {}    # id(tensor) -> (tensor, the gradient re-run's equal value)
        self.projections = {}   # id(tensor) -> (tensor, x, kernel, bias): see _note_projection
        self.reuse = reuse      # the variables an earlier trace made, in order: _new_variable
        self.created = []
        self.level = _jax_level()

    def swap(self, x):
        """``x``, or the gradient re-run's value equal to it (see ``_differentiate``):
        ops after ``K.gradients`` then use the forward pass JAX differentiated, and the
        first one is dead code (one forward pass per step, not two)."""
        if type(x) in (list, tuple):
            return type(x)(self.swap(v) for v in x)
        found = self.substitute.get(id(x))
        return found[1] if found is not None and found[0] is x else x

    def random_key(self, seed):
        self.random_sites += 1
        return self.random.key(self.random_sites, seed)

    def op_result(self, out):
        """Count a contract op's result (so ``gradients`` may differentiate with respect
        to it) and add the perturbation a gradient re-run asks for."""
        index = self.op_calls
        self.op_calls += 1
        if (isinstance(out, jax.Array) and np.issubdtype(out.dtype, np.floating)
                and _jax_level() is self.level):
            if index in self.perturb:
                out = out + self.perturb[index]
            self.produced[id(out)] = (index, out)
        return out


def _new_variable(value, name, constraint):
    """A new variable; inside a trace, the one an earlier trace of the same step made at
    the same point (same shape and dtype), so that retracing keeps the variables an
    optimizer makes inside ``get_updates`` (Keras 2.3.1's style), which
    ``compiled_function`` then threads as state."""
    ctx = _current()
    if ctx is None:
        return _Variable(value, name, constraint)
    index = len(ctx.created)
    var = ctx.reuse[index] if index < len(ctx.reuse) else None
    if var is None or var.shape != tuple(value.shape) or var.dtype != value.dtype:
        var = _Variable(value, name, constraint)
    ctx.created.append(var)
    return var


def _note_projection(out, x, kernel, bias=None):
    """Remember that ``out`` is ``x . kernel (+ bias)`` for a (batch, time, features) ``x``
    (``dot`` and ``bias_add`` call this), so ``rnn`` given ``out`` can compute each step's
    slice inside its loop instead (one small product per step is much faster on XLA's CPU
    backend than one large one, and the large one becomes dead code)."""
    ctx = _current()
    if ctx is None or _jax_level() is not ctx.level:
        return
    if bias is None:
        if x.ndim == 3 and kernel.ndim == 2:
            ctx.projections[id(out)] = (out, x, kernel, None)
        return
    found = ctx.projections.get(id(x))
    if found is not None and found[0] is x and found[3] is None and bias.ndim == 1:
        ctx.projections[id(out)] = (out, found[1], found[2], bias)


def _projection_of(x):
    """(x, kernel, bias or None) when ``x`` was noted by ``_note_projection``, else None."""
    ctx = _current()
    found = None if ctx is None else ctx.projections.get(id(x))
    if found is None or found[0] is not x:
        return None
    return found[1:]


def _jax_level():
    return None if _jax_trace_ctx is None else _jax_trace_ctx.trace


def _run(ctx, fn, inputs):
    _stack.append(ctx)
    try:
        with jax.ensure_compile_time_eval():  # ops on constants (shapes) stay concrete
            return fn(*inputs)
    finally:
        _stack.pop()


def _eager_random_key(seed):
    if seed is None:
        seed = np.random.randint(0, 2 ** 31 - 1)
    return jax.random.PRNGKey(int(seed))


class _Reached(Exception):
    def __init__(self, loss):
        Exception.__init__(self, 'K.gradients reached')
        self.loss = loss


def _locate(ctx, target):
    """How a gradient re-run substitutes ``target``: ('var', var), ('input', i) or
    ('op', op index); and its value here."""
    if isinstance(target, _Variable):
        found = ctx.values.get(id(target))
        if found is None:
            ctx.missing[id(target)] = target
            return ('var', target), target.value
        return ('var', target), found[1]
    for i, x in enumerate(ctx.inputs):
        if x is target:
            return ('input', i), x
    found = ctx.produced.get(id(target))
    if found is not None and found[1] is target:
        return ('op', found[0]), jnp.zeros(target.shape, target.dtype)
    raise ValueError('gradients: the JAX backend differentiates with respect to variables, '
                     'the compiled function\'s inputs and tensors made by backend ops; '
                     'received %r, made otherwise' % (target,))


def _uses(closed, first):
    """Whether the outputs of the jaxpr ``closed`` depend on its inputs from position
    ``first`` on (nested jaxprs count as one equation: a safe over-estimate)."""
    jaxpr = closed.jaxpr
    live = set(v for v in jaxpr.outvars if isinstance(v, _Var))
    for eqn in reversed(jaxpr.eqns):
        if any(o in live for o in eqn.outvars):
            live.update(v for v in eqn.invars if isinstance(v, _Var))
    return any(v in live for v in jaxpr.invars[first:])


def _differentiate(loss, targets, as_scalar):
    """d loss / d each target (distinct), inside the active trace.

    A re-run gives the earlier ``K.gradients`` calls of the function their values from
    this trace (each call re-runs only once, not once per earlier call), unless the loss
    depends on them (a gradient penalty): then the earlier calls are differentiated
    again inside the re-run, so second-order terms are exact."""
    if not targets:
        return []
    ctx = _current()
    k = ctx.grad_calls
    ctx.grad_calls += 1
    if ctx.stop_at == k:
        raise _Reached(loss)
    if ctx.given is not None and k < len(ctx.given):
        return ctx.given[k]
    places, start = zip(*[_locate(ctx, t) for t in targets])
    start = list(start)
    earlier = list(ctx.results)

    def rerun(args, given):
        """(the loss as a scalar, (loss, {op index: value}) of this re-run)"""
        values, inputs, perturb = dict(ctx.values), list(ctx.inputs), dict(ctx.perturb)
        for (kind, where), a in zip(places, args):
            if kind == 'var':
                values[id(where)] = (where, a)
            elif kind == 'input':
                inputs[where] = a
            else:
                perturb[where] = perturb[where] + a if where in perturb else a
        sub = Trace(ctx.fn, inputs, values, ctx.random, ctx.missing, stop_at=k,
                    perturb=perturb, given=given, reuse=ctx.created)
        try:
            _run(sub, ctx.fn, inputs)
        except _Reached as reached:
            _stack.append(sub)
            try:
                scalar = as_scalar(reached.loss)
            finally:
                _stack.pop()
            shared = {}
            if _jax_trace_ctx is not None:
                shared = dict(sub.produced.values())
            return scalar, (reached.loss, shared)
        raise RuntimeError('gradients: re-running the traced function to differentiate it '
                           'did not reach the same K.gradients call again (the function '
                           'must compute the same thing each time it is traced)')

    exact = bool(earlier) and _uses(jax.make_jaxpr(lambda s, g: rerun(s, g)[0])(start, earlier),
                                    len(start))
    given = None if exact else earlier
    scalar, pullback, (value, shared) = jax.vjp(lambda s: rerun(s, given), start, has_aux=True)
    grads = list(pullback(jnp.ones_like(scalar))[0])
    _share_forward(ctx, loss, value, shared)
    ctx.results.append(grads)
    return grads


def _share_forward(ctx, loss, value, shared):
    """Let what follows ``K.gradients`` in the traced function use the re-run's forward
    values (``Trace.swap``): the loss and every float op result before the call."""
    ctx.substitute[id(loss)] = (loss, value)
    for index, out in ctx.produced.values():
        if index in shared:
            ctx.substitute[id(out)] = (out, shared[index])
