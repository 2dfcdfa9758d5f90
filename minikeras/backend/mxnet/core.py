"""MXNet adapter: variables, tensors, shapes, gradients and random streams.

Execution model: imperative ``mxnet.numpy`` arrays (NumPy semantics: 0-d arrays, bool
and int64 dtypes, broadcasting) with ``mxnet.autograd``. A compiled function runs the
traced Python function with autograd recording on; ``gradients`` calls
``autograd.grad`` on the recorded computation (recording stays on, so a function may
differentiate several losses, one after the other); the updates are copied into the
variables after every new value is computed (Keras 2 semantics). Backward passes run
inside MXNet's engine.

Variables are ``_Variable``s, a subclass of ``mxnet.numpy.ndarray`` with ``name``,
``constraint`` and ``trainable`` attributes; float variables have a gradient buffer
attached so autograd can differentiate with respect to them.
"""
import ctypes
import functools
import re
import weakref

import numpy as onp

import mxnet as mx
from mxnet import autograd
from mxnet import np as mnp

from minikeras.backend import adapter, state


def _activate_numpy_semantics():
    """NumPy shape semantics for every thread (0-d and zero-size arrays), NumPy array
    semantics for this one (``mx.np`` arrays from Gluon helpers)."""
    prev = ctypes.c_int()
    mx.base.check_call(mx.base._LIB.MXSetIsNumpyShape(ctypes.c_int(2), ctypes.byref(prev)))
    mx.util._set_np_array(True)


_activate_numpy_semantics()

NDArray = mx.nd.NDArray
MXNetError = mx.base.MXNetError


# --- errors -------------------------------------------------------------------------

def _summarize_mxnet_error(error):
    """The useful part of an MXNetError message (no C++ stack)."""
    text = str(error)
    if 'Stack trace' in text:
        text = text.split('Stack trace', 1)[0]
    parts = text.split('MXNetError:')
    message = parts[-1] if len(parts) > 1 else text
    lines = [line.strip() for line in message.strip().splitlines()
             if line.strip() and not line.strip().startswith(('File "', 'Traceback'))]
    message = ' '.join(lines)
    message = re.sub(r'^Check failed: [^:]*: ', '', message)
    return message or text.strip()


def _mxnet_value_error(op, error, args=()):
    shapes = ['%s %s' % (type(a).__name__ if not isinstance(a, NDArray) else 'tensor',
                         tuple(a.shape)) for a in args if hasattr(a, 'shape')]
    received = ' (received %s)' % ', '.join(shapes) if shapes else ''
    return ValueError('MXNet backend: %s failed%s: %s'
                      % (op, received, _summarize_mxnet_error(error)))


def _translate_errors(fn):
    """Decorate a contract op so MXNet's errors surface as short ValueErrors."""
    @functools.wraps(fn)
    def op(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except MXNetError as e:
            raise _mxnet_value_error(fn.__name__, e, args) from None
    return op


# --- graph capture bookkeeping (see ``capture``) -------------------------------------
# Arrays a captured step may read without making them: variables, constants and cached
# helper arrays, marked as leaves of autograd's record so the ops on them are recorded
# and the leaves can be named. ``_traces`` holds the trace of the call being traced.

_traces = []
_KNOWN = {}   # id -> weak reference
_zeros = mnp.zeros   # (``capture`` wraps mx.np's creation functions while tracing)


def _mark(array):
    """Make ``array`` a leaf of autograd's record (no gradient) unless it has a record."""
    try:
        autograd.get_symbol(array)
    except MXNetError:
        autograd.mark_variables([array], [_zeros(array.shape, dtype=array.dtype)], 'null')
    return array


def _known(array):
    """Note ``array`` as one a captured step may read (it stays where it is)."""
    key = id(array)
    _KNOWN[key] = weakref.ref(array, lambda _, key=key: _KNOWN.pop(key, None))
    return _mark(array)


def _known_arrays():
    return [a for a in (ref() for ref in list(_KNOWN.values())) if a is not None]


def _foldable(result, channel_axis, with_bias):
    """While tracing: ``with_bias(bias)`` computes ``result`` plus a bias on
    ``channel_axis`` in one op (a convolution's or inner product's own bias)."""
    _traces[-1].folds[id(result)] = (result, channel_axis, with_bias)


def _fold(x, channel_axis, bias):
    """``x`` plus ``bias`` as the op that made ``x`` with its own bias, while tracing;
    else None. The op without the bias is then left out of the captured graph (nothing
    it computes is read), and the bias gradient is the op's (MXNet's broadcast add has a
    slow backward)."""
    if not _traces:
        return None
    fold = _traces[-1].folds.get(id(x))
    if fold is None or fold[0] is not x or fold[1] != channel_axis or bias.ndim != 1 or \
            bias.dtype != x.dtype or int(bias.shape[0]) != int(x.shape[channel_axis]):
        return None
    return fold[2](bias)


def _shadow(result, first):
    """While tracing: channels_last ``result`` is ``first`` (channels_first) moved."""
    _traces[-1].shadows[id(result)] = (result, first)


def _shadow_of(x):
    """The channels_first form of ``x`` noted while tracing, or None."""
    if not _traces:
        return None
    shadow = _traces[-1].shadows.get(id(x))
    return shadow[1] if shadow is not None and shadow[0] is x else None


def _note(array):
    """An array made while a call is traced (a constant the step may read). ``capture``
    notes what ``mx.np``'s creation functions make; other ways of making an array (DLPack)
    call this."""
    if _traces:
        _traces[-1].leaves.append(_mark(array))
    return array


# --- conversions --------------------------------------------------------------------

def _np_dtype(dtype):
    return onp.dtype(state.floatx() if dtype is None else dtype)


def _t(x, dtype=None):
    """``x`` as an ``mx.np.ndarray`` (tensors pass through, numpy data is copied)."""
    if isinstance(x, mnp.ndarray):
        return x if dtype is None or x.dtype == onp.dtype(dtype) else x.astype(dtype)
    if isinstance(x, NDArray):
        x = x.as_np_ndarray()
        return x if dtype is None else x.astype(dtype)
    if isinstance(x, (list, tuple)) and any(isinstance(v, NDArray) for v in x):
        return mnp.stack([_t(v, dtype) for v in x])
    if hasattr(x, 'numpy') and not isinstance(x, onp.ndarray):  # e.g. a framework tensor
        x = x.numpy()
    array = onp.asarray(x) if dtype is None else onp.asarray(x, dtype=dtype)
    return mnp.array(array, dtype=array.dtype)


_SHARABLE = frozenset(['bool', 'uint8', 'int32', 'int64', 'uint32', 'uint64', 'float16',
                       'float32', 'float64'])


def _from_host(values, fresh=False):
    """A private copy of the numpy array ``values`` as an MXNet array, made without
    waiting for MXNet's engine. ``mnp.array`` copies through an engine op and waits for
    it, so at the start of a step it waits for all the work still queued from the
    previous step (with one engine thread, the queue is first in, first out). Here the
    MXNet array shares the memory of a fresh numpy copy (DLPack) and keeps it alive, so
    the next step's ops are queued while the engine finishes the last one's. ``fresh``:
    ``values`` is already a new array nothing else holds (no second copy)."""
    if values.dtype.name not in _SHARABLE or not values.dtype.isnative or values.ndim == 0:
        return mnp.array(values, dtype=values.dtype.name)
    values = onp.ascontiguousarray(values) if fresh else onp.array(values, order='C',
                                                                    copy=True)
    return _note(mx.nd.from_numpy(values, zero_copy=True, array_cls=mnp.ndarray))


def _is_float_dtype(dt):
    return onp.issubdtype(onp.dtype(dt), onp.floating)


def _shape_tuple(shape):
    """A static shape from an int, a tuple/list of ints (maybe 0-d tensors) or a tensor."""
    if isinstance(shape, (int, onp.integer)):
        return (int(shape),)
    if isinstance(shape, NDArray):
        return tuple(int(d) for d in shape.asnumpy().reshape(-1))
    return tuple(int(d.asnumpy()) if isinstance(d, NDArray) else int(d) for d in shape)


# --- variables ----------------------------------------------------------------------

class _Variable(mnp.ndarray):
    """A variable: an ``mx.np.ndarray`` with ``name``, ``constraint`` and ``trainable``,
    hashable by identity (plain MXNet arrays refuse ``hash``). Arithmetic on it gives
    plain arrays."""

    __hash__ = object.__hash__

    def __repr__(self):
        return '<mxnet variable %r shape=%s dtype=%s>' % (
            self.name, tuple(self.shape), onp.dtype(self.dtype).name)


def _new_variable(array, name, constraint):
    """Turn the freshly made ``array`` into a ``_Variable`` (it takes over the handle)."""
    var = _Variable(array.handle, writable=True)
    array.handle = None  # ownership moved: the husk frees nothing
    var.name = name
    var.constraint = constraint
    var.trainable = True
    if _is_float_dtype(var.dtype):
        var.attach_grad()  # autograd may differentiate with respect to it
    return _known(var)


def variable(value, dtype=None, name=None, constraint=None):
    if name is None:
        name = 'variable_%d' % state.get_uid('mxnet_variable')
    if isinstance(value, NDArray):
        value = value.asnumpy()
    array = onp.array(value, dtype=_np_dtype(dtype))
    return _new_variable(mnp.array(array, dtype=array.dtype), name, constraint)


def constant(value, dtype=None, shape=None, name=None):
    if isinstance(value, NDArray):
        value = value.asnumpy()
    array = onp.array(value, dtype=_np_dtype(dtype))
    if shape is not None:
        shape = _shape_tuple(shape)
        array = adapter.constant_array(array, shape)
    return _known(mnp.array(array, dtype=array.dtype))


def is_tensor(x):
    return isinstance(x, NDArray)


def is_variable(x):
    return isinstance(x, _Variable)


def get_value(x):
    if isinstance(x, NDArray):
        return x.asnumpy()
    return onp.array(x)


def _assign(var, value):
    """Copy tensor ``value`` into variable ``var`` (same shape, cast to var's dtype)."""
    if value.dtype != var.dtype:
        value = value.astype(var.dtype)
    value.copyto(var)


def set_value(x, value):
    if not is_variable(x):
        raise TypeError('set_value: expected a variable made by K.variable, received %r'
                        % (x,))
    if isinstance(value, NDArray):
        value = value.asnumpy()
    value = onp.asarray(value)
    if value.shape != x.shape:
        raise ValueError('set_value: variable %r has shape %s, received a value of shape %s'
                         % (x.name, x.shape, value.shape))
    _assign(x, _from_host(value.astype(x.dtype), fresh=True))  # no wait for x's queue


def eval(x):
    return get_value(x)


def int_shape(x):
    if isinstance(x, NDArray):
        return tuple(int(d) for d in x.shape)
    return tuple(int(d) for d in onp.shape(x))


def ndim(x):
    return len(int_shape(x))


def dtype(x):
    if isinstance(x, NDArray):
        return onp.dtype(x.dtype).name
    return onp.asarray(x).dtype.name


def shape(x):
    return mnp.array(onp.array(int_shape(x), dtype='int32'), dtype='int32')


def count_params(x):
    return int(onp.prod(int_shape(x), dtype=onp.int64))


def cast(x, dtype):
    return _t(x).astype(onp.dtype(dtype).name, copy=False)  # the same dtype: no copy op


zeros, ones, eye = adapter.filled_variables(
    variable, lambda shape, op: _shape_tuple(shape))


def zeros_like(x, dtype=None, name=None):
    x = _t(x)
    return mnp.zeros(x.shape, dtype=onp.dtype(x.dtype if dtype is None else dtype).name)


def ones_like(x, dtype=None, name=None):
    x = _t(x)
    return mnp.ones(x.shape, dtype=onp.dtype(x.dtype if dtype is None else dtype).name)


def identity(x, name=None):
    return _t(x).copy()


# --- gradients ----------------------------------------------------------------------

_UNREACHABLE = re.compile(r'with respect to the (\d+)-th variable because it is unreachable')


def _differentiate(loss, targets):
    """autograd.grad of ``loss`` for ``targets``; unreachable targets get zeros."""
    grads = [None] * len(targets)
    pending = list(range(len(targets)))
    while pending:
        try:
            found = autograd.grad(loss, [targets[i] for i in pending], retain_graph=True,
                                  create_graph=False, train_mode=True)
        except MXNetError as e:
            message = str(e)
            match = _UNREACHABLE.search(message)
            if match:
                pending.pop(int(match.group(1)) - 1)  # MXNet counts from 1
                continue
            if 'not in a computational graph' in message or \
                    'there is no computational graph' in message.lower():
                break  # nothing reachable: all gradients are zero
            raise ValueError('gradients: MXNet could not differentiate the loss: %s'
                             % _summarize_mxnet_error(e)) from None
        for i, g in zip(pending, found):
            grads[i] = g.as_np_ndarray() if not isinstance(g, mnp.ndarray) else g
        break
    return [g if g is not None else mnp.zeros(t.shape, dtype=t.dtype)
            for g, t in zip(grads, targets)]


class _InputGradientAsked(Exception):
    """A compiled function's call asked for the gradient of an input it had given no
    gradient buffer (see ``compile.py``): the call starts again with every buffer."""


class _InputWatch(object):
    """The inputs of the compiled function being called: which have a gradient buffer,
    and which ``gradients`` asked for."""

    def __init__(self, tensors, with_grad):
        self.index = {id(t): i for i, t in enumerate(tensors)}
        self.with_grad = with_grad
        self.asked = set()

    def check(self, targets):
        for v in targets:
            i = self.index.get(id(v))
            if i is not None:
                self.asked.add(i)
                if i not in self.with_grad:
                    raise _InputGradientAsked(i)


_input_watches = []


def gradients(loss, variables):
    if not isinstance(loss, NDArray):
        raise TypeError('gradients: expected the loss as an MXNet tensor computed inside a '
                        'compiled function, received %r' % (loss,))
    variables = list(variables)
    if not autograd.is_recording():
        raise ValueError('gradients: the MXNet backend differentiates only inside a function '
                         'compiled by K.compiled_function / K.function (the forward pass '
                         'must be recorded)')
    targets, index = [], {}
    for v in variables:
        if not isinstance(v, NDArray):
            raise TypeError('gradients: expected MXNet tensors to differentiate with respect '
                            'to, received %r' % (v,))
        if id(v) not in index:
            index[id(v)] = len(targets)
            targets.append(v)
    for v in targets:
        if not _is_float_dtype(v.dtype):
            raise ValueError('gradients: cannot differentiate with respect to %r of dtype %s '
                             '(only float tensors)' % (getattr(v, 'name', v), v.dtype))
    if _input_watches:
        _input_watches[-1].check(targets)
    if loss.ndim != 0 and loss.size != 1:
        loss = loss.sum()
    grads = _differentiate(loss, targets)
    if _traces:
        _traces[-1].note_gradients(loss, targets, grads)
    return [grads[index[id(v)]] for v in variables]


def _stopped(x):
    x = _t(x)
    if _traces:   # recorded, so a captured graph has it (detach leaves no record)
        return mx.nd.BlockGrad(x.as_nd_ndarray()).as_np_ndarray()
    return x.detach()


def stop_gradient(variables):
    if isinstance(variables, (list, tuple)):
        return [_stopped(v) for v in variables]
    return _stopped(variables)


# --- random streams -----------------------------------------------------------------
# Random values come from numpy ``RandomState`` streams, with the NumPy reference's
# rules, and are copied into MXNet. (Reseeding MXNet's own generator costs ~5 ms per
# call, and per-call-site streams need reseeding; numpy also gives the same values as
# the reference engine for the same seed.)
# - Eagerly a seed gives the same values on every call; no seed draws from numpy's
#   global generator, so ``numpy.random.seed`` makes a script repeatable.
# - Inside a compiled function every random call site (counted in call order) has its
#   own stream, started at its seed, or for an unseeded site at a seed drawn from
#   numpy's global generator on the function's first call (TensorFlow draws op seeds
#   when tracing): each call draws fresh values, and the sequence is reproducible.
# - A compiled function remembers what each site drew on its last call and draws the
#   next values (into MXNet arrays that share numpy's memory) ahead of the call that
#   uses them: at the end of a call, while it waits for the engine to compute its
#   outputs, so the drawing costs the step no time.

_active_streams = []


class _RandomSites(object):
    """The random call sites of one compiled function: their streams, what they drew
    last time, and the values drawn ahead for the current call."""

    def __init__(self):
        self.calls = 0
        self.streams = {}
        self.recipes = {}   # site -> (key, sample, dtype)
        self.ahead = {}     # site -> (key, mx array)

    def start_call(self):
        self.calls = 0
        self.draw_ahead()

    def draw_ahead(self):
        """Draw the next call's values for every site that has none drawn yet."""
        for site, (key, sample, dtype) in self.recipes.items():
            if site not in self.ahead:
                self.ahead[site] = (key, _to_mx(sample(self.streams[site]), dtype))

    def draw(self, key, seed, sample, dtype):
        self.calls += 1
        site = self.calls
        if site not in self.streams:
            if seed is None:
                seed = onp.random.randint(0, 2 ** 31 - 1)
            self.streams[site] = onp.random.RandomState(int(seed))
        self.recipes[site] = (key, sample, dtype)
        ahead = self.ahead.pop(site, None)
        if ahead is not None and ahead[0] == key:
            value = ahead[1]
        else:
            value = _to_mx(sample(self.streams[site]), dtype)
        if _traces:
            _traces[-1].randoms.append((site, _mark(value)))
        return value

    def draw_all(self):
        """This call's values of every site, by site, for a captured step (which makes
        the same draws, in the same order, as the traced call)."""
        values = {}
        for site, (key, sample, dtype) in self.recipes.items():
            ahead = self.ahead.pop(site, None)
            values[site] = ahead[1] if ahead is not None and ahead[0] == key else \
                _to_mx(sample(self.streams[site]), dtype)
        return values


def _to_mx(values, dtype):
    """A random sample (a new numpy array) as an MXNet array of ``dtype``."""
    return _from_host(onp.asarray(values, dtype=dtype), fresh=True)


def _random_tensor(key, seed, sample, dtype):
    """``sample(random_state)`` (a numpy array) as an MXNet tensor of ``dtype``, drawn
    from the stream the rules above pick. ``key`` describes the draw (kind, shape and
    parameters) so values drawn ahead are used only for the same draw."""
    if _active_streams:
        return _active_streams[-1].draw(key, seed, sample, dtype)
    rng = onp.random.RandomState(int(seed)) if seed is not None else onp.random
    return _to_mx(sample(rng), dtype)


def engine_info():
    return adapter.describe(__package__, 'mxnet', 'mxnet', mx.__version__)
