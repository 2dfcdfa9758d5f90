"""Contract: variables, tensors, shapes, compiled functions and gradients.

Shapes are tuples of ints with ``None`` for a dimension known only at run time.
``dtype`` arguments are numpy-style names ('float32', 'int32', ...); ``None`` means
``floatx()``. "Tensor" means the engine's own value type (eager array or symbolic node).
"""

__all__ = [
    'variable', 'constant', 'is_tensor', 'is_variable', 'get_value', 'set_value',
    'eval', 'int_shape', 'ndim', 'dtype', 'shape', 'count_params', 'cast',
    'zeros', 'ones', 'eye', 'zeros_like', 'ones_like', 'identity',
    'gradients', 'stop_gradient', 'compiled_function', 'engine_info',
]


def variable(value, dtype=None, name=None, constraint=None):
    """A mutable engine variable holding a copy of numpy ``value``.

    ``constraint`` (callable tensor -> tensor or None) is stored as ``.constraint`` and
    applied by optimizers after each update. Trainable by default; the engine keeps
    ``name`` for error messages.
    """


def constant(value, dtype=None, shape=None, name=None):
    """An immutable tensor from a Python scalar or numpy array; with ``shape`` a scalar
    ``value`` is broadcast to that shape."""


def is_tensor(x):
    """True if ``x`` is an engine tensor or variable (not a numpy array)."""


def is_variable(x):
    """True if ``x`` was made by ``variable``."""


def get_value(x):
    """The value of a variable (or constant) as a numpy array."""


def set_value(x, value):
    """Assign numpy ``value`` to variable ``x``; shapes must match."""


def eval(x):
    """Evaluate a tensor that depends on no input and return a numpy array."""


def int_shape(x):
    """Static shape of ``x`` as a tuple of int or None."""


def ndim(x):
    """Number of axes of ``x``."""


def dtype(x):
    """dtype name of ``x`` as a string, e.g. 'float32'."""


def shape(x):
    """Run-time shape of ``x`` as an int32 tensor of length ``ndim(x)``."""


def count_params(x):
    """Number of scalars in variable ``x``."""


def cast(x, dtype):
    """``x`` converted to ``dtype``."""


def zeros(shape, dtype=None, name=None):
    """A variable of zeros of static ``shape``."""


def ones(shape, dtype=None, name=None):
    """A variable of ones of static ``shape``."""


def eye(size, dtype=None, name=None):
    """A variable holding the ``size`` x ``size`` identity matrix."""


def zeros_like(x, dtype=None, name=None):
    """A tensor of zeros with the shape of ``x``."""


def ones_like(x, dtype=None, name=None):
    """A tensor of ones with the shape of ``x``."""


def identity(x, name=None):
    """A tensor equal to ``x``."""


def gradients(loss, variables):
    """Gradients of scalar ``loss`` with respect to each variable in ``variables``.

    Valid inside a function traced by ``compiled_function`` (and on KerasTensors, which
    defer it to such a function). Returns a list of tensors shaped like the variables.
    Engines without a gradient graph op may return placeholders that the compiled
    function resolves; callers only combine them with ops of this contract.
    """


def stop_gradient(variables):
    """``variables`` (a tensor or list of tensors) with gradients blocked."""


def compiled_function(fn, input_specs, name=None):
    """Compile ``fn`` into one engine call. The heart of the training engine.

    ``input_specs`` is a list of ``(shape, dtype)`` pairs; ``shape[0]`` may be None.
    ``fn(*tensors)`` is called once (or once per engine trace) with engine tensors of
    those specs and returns ``(outputs, updates)``: a list of tensors and a list of
    ``(variable, new_value)`` pairs. Returns a callable ``f(*arrays) -> list of numpy
    arrays`` that computes the outputs for numpy inputs and then applies all updates,
    all in one call into compiled engine code where the engine has it.

    The callable may also have an ``unchecked(*arrays)`` method: the same call for
    numpy arrays the caller has already checked (exactly the specs' dtypes, and shapes
    that fit them), without the per-call argument checks and conversions; it must give
    the same outputs and updates. Callers use ``getattr(f, 'unchecked', f)``, so an
    engine without one serves through ``f`` itself.
    """


def engine_info():
    """A dict describing the engine: ``{'name', 'implementation', 'version',
    'unsupported': [op names that raise NotImplementedError]}``."""
