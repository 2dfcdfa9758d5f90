"""Pick the Theano implementation (classic Theano 1.0 or its maintained fork PyTensor)
and hide the few API differences between them.

``MINIKERAS_THEANO_IMPL=theano|pytensor`` forces one; otherwise the installed one is
used (PyTensor first when both are installed). Default flags are set through the
engine's environment variable before it is imported, never over a value the user gave:
``floatX=float32`` (so Python floats do not upcast float32 tensors) and, for PyTensor,
the C linker (``linker=cvm``) plus OpenBLAS when the system has it.
"""
import importlib
import logging
import os
import warnings

import numpy as np

from minikeras.backend.errors import ConfigError, EngineError
from minikeras.backend.theano import prefix_header as _prefix_header

CHOICES = ('pytensor', 'theano')
FLAGS_VAR = {'theano': 'THEANO_FLAGS', 'pytensor': 'PYTENSOR_FLAGS'}


def _installed(name):
    try:
        import importlib.util
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _choose():
    forced = os.environ.get('MINIKERAS_THEANO_IMPL', '').strip()
    if forced:
        if forced not in CHOICES:
            raise ConfigError('MINIKERAS_THEANO_IMPL: expected "theano" or "pytensor", '
                              'received %r' % forced)
        if not _installed(forced):
            raise EngineError('MINIKERAS_THEANO_IMPL=%s but %s is not installed in this '
                              'Python' % (forced, forced))
        return forced
    for name in CHOICES:
        if _installed(name):
            return name
    raise EngineError('neither theano nor pytensor is installed')


def _flag_keys(flags):
    keys = set()
    for part in flags.split(','):
        if '=' in part:
            keys.add(part.split('=', 1)[0].strip())
    return keys


def _openblas_available():
    for d in ('/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib',
              '/usr/lib/aarch64-linux-gnu'):
        if os.path.exists(os.path.join(d, 'libopenblas.so')):
            return True
    return False


def _set_default_flags(name):
    var = FLAGS_VAR[name]
    user = os.environ.get(var, '')
    keys = _flag_keys(user)
    defaults = []
    if 'floatX' not in keys:
        defaults.append('floatX=float32')
    if name == 'pytensor':
        if 'linker' not in keys and 'mode' not in keys:
            defaults.append('linker=cvm')
        if 'blas__ldflags' not in keys and _openblas_available():
            defaults.append('blas__ldflags=-lopenblas')
    if defaults:
        # Later entries win in THEANO_FLAGS, so the user's own flags keep priority.
        os.environ[var] = ','.join(defaults + ([user] if user else []))


IMPL = _choose()
_set_default_flags(IMPL)

if IMPL == 'theano':
    # Theano logs a warning at import when it finds no BLAS library; engine_info()
    # reports the BLAS in use instead of printing.
    _blas_logger = logging.getLogger('theano.tensor.blas')
    _old_level = _blas_logger.level
    _blas_logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            th = importlib.import_module('theano')
            T = importlib.import_module('theano.tensor')
            from theano.tensor.sharedvar import TensorSharedVariable as SharedVariable
            from theano.tensor.var import TensorConstant
            from theano.tensor.shared_randomstreams import RandomStreams as _NumpyStreams
            from theano.tensor.nnet import conv2d as _th_conv2d
            from theano.tensor.signal.pool import pool_2d as _th_pool2d
            from theano.tensor.extra_ops import cumsum as _th_cumsum, cumprod as _th_cumprod
            from theano.tensor.extra_ops import repeat as _th_repeat
            from theano import gradient as _gradient
            # for the adapter's own ops (relu_op, max_pool, bias, im2col, rows)
            from theano.gof import Apply, Op as COp
            from theano.gof import Op
            from theano.compile.builders import OpFromGraph
    finally:
        _blas_logger.setLevel(_old_level)
    Variable = th.gof.Variable
    VERSION = th.__version__
    from minikeras.backend.theano import module_cache as _module_cache
    _module_cache._install(importlib.import_module('theano.gof.cc'),
                          importlib.import_module('theano.gof.op'))
else:
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        th = importlib.import_module('pytensor')
        T = importlib.import_module('pytensor.tensor')
        import pytensor.tensor.random as _ptr
        from pytensor.tensor.sharedvar import TensorSharedVariable as SharedVariable
        from pytensor.tensor.variable import TensorConstant
        from pytensor import gradient as _gradient
        from pytensor.tensor.signal import convolve2d as _pt_convolve2d
        from pytensor.graph.basic import Apply
        from pytensor.link.c.op import COp
        from pytensor.graph.op import Op
        from pytensor.compile.builders import OpFromGraph
    Variable = th.graph.basic.Variable
    VERSION = th.__version__
    _th_conv2d = _th_pool2d = None

def _function(*args, **kwargs):
    """``theano.function``, after the C modules' precompiled header is in place."""
    _prefix_header._install(th, IMPL)
    return th.function(*args, **kwargs)


shared = th.shared
grad = th.grad
zero_grad = _gradient.zero_grad
NATIVE_CONV = _th_conv2d is not None


def _config_summary():
    c = th.config
    if IMPL == 'theano':
        return {'floatX': c.floatX, 'mode': c.mode, 'optimizer': c.optimizer,
                'linker': c.linker, 'blas': c.blas.ldflags}
    return {'floatX': c.floatX, 'mode': c.mode, 'optimizer': c.optimizer,
            'linker': c.linker, 'blas': c.blas__ldflags}


def _tensor_input(dtype, shape, name=None):
    """A symbolic input; axes of static length 1 are broadcastable."""
    shape = tuple(shape)
    if IMPL == 'theano':
        return T.TensorType(dtype, tuple(d == 1 for d in shape))(name)
    return T.tensor(dtype=dtype, shape=tuple(None if d is None else int(d) for d in shape),
                    name=name)


def _shared_variable(value, name=None):
    if IMPL == 'theano':
        return th.shared(value, name=name, strict=False,
                         broadcastable=tuple(d == 1 for d in value.shape))
    return th.shared(value, name=name, shape=value.shape)


def _static_shape(x):
    """Static shape as known to the engine's type (None where unknown)."""
    if IMPL == 'theano':
        return tuple(1 if b else None for b in x.broadcastable)
    return tuple(None if d is None else int(d) for d in x.type.shape)


def _fit_type(value, ref):
    """``value`` converted to exactly the type of ``ref`` (dtype and broadcast pattern /
    static shape), as updates and scan states require."""
    value = T.as_tensor_variable(value)
    if value.dtype != ref.dtype:
        value = T.cast(value, ref.dtype)
    if value.ndim != ref.ndim:
        raise ValueError('expected a tensor with %d axes, received one with %d'
                         % (ref.ndim, value.ndim))
    if IMPL == 'theano':
        if value.broadcastable != ref.broadcastable:
            value = T.patternbroadcast(value, ref.broadcastable)
        return value
    if value.type != ref.type:
        value = ref.type.filter_variable(value, allow_convert=True)
    return value


def _unbroadcast(x):
    """``x`` with no axis marked broadcastable (Theano's scan is strict about it)."""
    if IMPL == 'theano':
        if any(x.broadcastable):
            return T.unbroadcast(x, *range(x.ndim))
        return x
    return x


def _set_broadcastable(x, pattern):
    """Mark axes where ``pattern`` is True as broadcastable (their length is 1)."""
    axes = [i for i, b in enumerate(pattern) if b]
    if not axes:
        return x
    if IMPL == 'theano':
        return T.addbroadcast(x, *axes)
    return T.specify_broadcastable(x, *axes)


def _squeeze(x, axis):
    if IMPL == 'theano':
        x = T.addbroadcast(x, axis)
        return x.dimshuffle([i for i in range(x.ndim) if i != axis])
    return T.squeeze(x, axis=axis)


def _sigmoid(x):
    if IMPL == 'theano':
        return T.nnet.sigmoid(x)
    return T.sigmoid(x)


def _softmax_lastaxis_2d(x):
    if IMPL == 'theano':
        return T.nnet.softmax(x)
    return T.special.softmax(x, axis=-1)


def _abs(x):
    if IMPL == 'theano':
        return T.abs_(x)
    return T.abs(x)


def _sign(x):
    if IMPL == 'theano':
        return T.sgn(x)
    return T.sign(x)


def _cumsum(x, axis):
    if IMPL == 'theano':
        return _th_cumsum(x, axis=axis)
    return T.cumsum(x, axis=axis)


def _cumprod(x, axis):
    if IMPL == 'theano':
        return _th_cumprod(x, axis=axis)
    return T.cumprod(x, axis=axis)


def _repeat(x, repeats, axis):
    if IMPL == 'theano':
        return _th_repeat(x, repeats, axis=axis)
    return T.repeat(x, repeats, axis=axis)


def _tile(x, reps):
    if IMPL == 'theano':
        return T.tile(x, reps, ndim=x.ndim)
    return T.tile(x, reps)


def _scan(fn, **kwargs):
    """``scan`` returning (outputs, updates); the updates carry random states used in
    the loop."""
    if IMPL == 'theano':
        return th.scan(fn, **kwargs)
    with warnings.catch_warnings():
        # PyTensor announces a future return signature; this code asks for updates.
        warnings.filterwarnings('ignore', message='Scan return signature',
                                category=DeprecationWarning)
        # Scan moves random states used in the loop to default updates itself.
        warnings.filterwarnings('ignore', message='Setting default_update',
                                category=DeprecationWarning)
        return th.scan(fn, return_updates=True, **kwargs)


def _batched_tensordot(x, y, axes):
    """Per-sample tensordot of x (b, ...) and y (b, ...) over axes (ax, ay), ax, ay > 0."""
    if IMPL == 'theano':
        return T.batched_tensordot(x, y, axes=list(axes))
    ax, ay = axes
    x_rest = [i for i in range(1, x.ndim) if i != ax]
    y_rest = [i for i in range(1, y.ndim) if i != ay]
    b, k = x.shape[0], x.shape[ax]
    x3 = x.dimshuffle([0] + x_rest + [ax]).reshape((b, -1, k), ndim=3)
    y3 = y.dimshuffle([0, ay] + y_rest).reshape((b, k, -1), ndim=3)
    out = T.matmul(x3, y3)
    shape = [b] + [x.shape[i] for i in x_rest] + [y.shape[i] for i in y_rest]
    return out.reshape(T.stack(shape), ndim=len(shape))


def _clone_replace(outputs, replace):
    if IMPL == 'theano':
        return th.clone(outputs, replace=replace)
    from pytensor.graph.replace import clone_replace
    return clone_replace(outputs, replace=replace)


def _put_on(out, proxy, x):
    """``out``, built on the input ``proxy``, rebuilt on ``x`` (same type): only the nodes
    that depend on ``proxy`` are copied, with their inputs swapped (no ``make_node``, so
    no shape inference over ``x``'s ancestors, and ``x`` itself is kept, not cloned)."""
    nodes = {}

    def rebuilt(var):
        if var is proxy:
            return x
        node = var.owner
        if node is None:
            return var
        if node not in nodes:
            inputs = [rebuilt(v) for v in node.inputs]
            changed = any(a is not b for a, b in zip(inputs, node.inputs))
            nodes[node] = node.clone_with_new_inputs(inputs, strict=True) if changed else node
        return nodes[node].outputs[node.outputs.index(var)]
    return rebuilt(out)


def _native_conv2d(x, kernel, border_mode, subsample, dilation, num_groups=1):
    """Classic Theano's conv2d on NCHW input and (out, in/groups, h, w) kernels,
    cross-correlation (no kernel flip)."""
    return _th_conv2d(x, kernel, border_mode=border_mode, subsample=subsample,
                      filter_flip=False, filter_dilation=dilation, num_groups=num_groups)


def _native_pool2d(x, pool_size, strides, mode):
    """Classic Theano's pooling op (C code, with its own gradient op) on NCHW input,
    no padding; ``mode`` 'max' or 'avg'."""
    return _th_pool2d(x, ws=pool_size, stride=strides, ignore_border=True,
                      mode='max' if mode == 'max' else 'average_inc_pad')


def _signal_convolve2d_valid(x, kernel):
    """PyTensor's batched 2-D true convolution over the last two axes ('valid')."""
    return _pt_convolve2d(x, kernel, mode='valid')


# --- random streams ------------------------------------------------------------------

class RandomSource(object):
    """One seeded stream of random numbers whose state advances on every call of a
    compiled function that uses it. Both engines draw with NumPy's generators (Theano:
    a shared RandomState; its MRG streams would draw element by element in Python under
    the Python linker, ~25 us per number)."""

    def __init__(self, seed):
        self.seed = int(seed)
        if IMPL == 'theano':
            self._th = _NumpyStreams(seed=self.seed)
        else:
            self._rng = _ptr.shared_rng(np.random.default_rng(self.seed))

    def _pytensor_draw(self, method, *args, **kwargs):
        next_rng, value = getattr(self._rng, method)(*args, **kwargs)
        self._advance(next_rng)
        return value

    def _advance(self, next_rng):
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            # The state advances with every call of a compiled function (also inside
            # scan), like Theano's shared streams.
            self._rng.default_update = next_rng

    def uniform(self, size, low, high, dtype, ndim=None):
        """``ndim``: the result's number of axes when ``size`` is symbolic (Theano)."""
        if IMPL == 'theano':
            return self._th.uniform(size=size, low=low, high=high, ndim=ndim, dtype=dtype)
        if dtype in ('float32', 'float64') and (low, high) == (0., 1.):
            next_rng, value = _standard_uniform(dtype)(size=size, rng=self._rng,
                                                        return_next_rng=True)
            self._advance(next_rng)
            return value
        return T.cast(self._pytensor_draw('uniform', low, high, size=size), dtype)

    def normal(self, size, avg, std, dtype, ndim=None):
        if IMPL == 'theano':
            return self._th.normal(size=size, avg=avg, std=std, ndim=ndim, dtype=dtype)
        return T.cast(self._pytensor_draw('normal', avg, std, size=size), dtype)


_STANDARD_UNIFORM = {}


def _standard_uniform(dtype):
    """PyTensor's random op drawing U[0, 1) of ``dtype`` (float32 or float64) with
    ``Generator.random``: its ``uniform`` draws float64 through the general
    ``Generator.uniform(low, high)`` and is cast after (MNIST MLP dropout: 0.58 against
    0.11 ms for a 128 x 512 mask)."""
    op = _STANDARD_UNIFORM.get(dtype)
    if op is None:
        from pytensor.tensor.random.op import RandomVariable

        class StandardUniformRV(RandomVariable):
            name = 'standard_uniform'
            signature = '->()'
            _print_name = ('StandardUniform', '\\operatorname{StandardUniform}')

            def rng_fn(self, rng, size):
                return rng.random(size, dtype=np.dtype(self.dtype))

        op = _STANDARD_UNIFORM[dtype] = StandardUniformRV(dtype=dtype)
    return op


def _erfinv(x):
    return T.erfinv(x)
