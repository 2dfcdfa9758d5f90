"""Contract: element-wise math, reductions and tensor manipulation.

``axis`` may be an int, a list/tuple of ints, or None (all axes); negative axes count
from the end. Binary ops broadcast like numpy. Integer inputs stay integer where numpy
would keep them integer.
"""

__all__ = [
    'add', 'subtract', 'multiply', 'divide', 'negative',
    'dot', 'batch_dot', 'transpose', 'sum', 'prod', 'mean', 'var', 'std', 'max', 'min',
    'argmax', 'argmin', 'any', 'all', 'cumsum', 'cumprod', 'logsumexp',
    'exp', 'log', 'sqrt', 'square', 'abs', 'sign', 'round', 'sin', 'cos',
    'clip', 'maximum', 'minimum', 'pow',
    'equal', 'not_equal', 'greater', 'greater_equal', 'less', 'less_equal',
    'reshape', 'concatenate', 'stack', 'expand_dims', 'squeeze', 'tile', 'repeat',
    'repeat_elements', 'gather', 'one_hot', 'switch', 'permute_dimensions',
    'flatten', 'batch_flatten', 'reverse', 'slice', 'arange',
    'temporal_padding', 'spatial_2d_padding', 'resize_images',
]


def add(x, y):
    """x + y."""


def subtract(x, y):
    """x - y."""


def multiply(x, y):
    """x * y (element-wise)."""


def divide(x, y):
    """x / y (true division)."""


def negative(x):
    """-x."""


def dot(x, y):
    """Matrix product. For ``x`` of shape (..., n) and ``y`` of shape (n, m) the result is
    (..., m); for ``y`` with more than 2 axes, numpy's ``tensordot(x, y, [[-1], [-2]])``
    with y's second-last axis contracted (Keras 2 semantics)."""


def batch_dot(x, y, axes=None):
    """Per-sample dot of x (batch, ...) and y (batch, ...) over ``axes`` (int or pair;
    default: last axis of x with second-last of y, or last if y is 2-D). A 2-D result is
    expanded to (batch, 1)."""


def transpose(x):
    """Reverse the axes of ``x``."""


def sum(x, axis=None, keepdims=False):
    """Sum over ``axis``."""


def prod(x, axis=None, keepdims=False):
    """Product over ``axis``."""


def mean(x, axis=None, keepdims=False):
    """Mean over ``axis`` (float result)."""


def var(x, axis=None, keepdims=False):
    """Population variance over ``axis``."""


def std(x, axis=None, keepdims=False):
    """Population standard deviation over ``axis``."""


def max(x, axis=None, keepdims=False):
    """Maximum over ``axis``."""


def min(x, axis=None, keepdims=False):
    """Minimum over ``axis``."""


def argmax(x, axis=-1):
    """Index of the maximum along one axis (int64 or int32)."""


def argmin(x, axis=-1):
    """Index of the minimum along one axis."""


def any(x, axis=None, keepdims=False):
    """Logical or over ``axis`` (bool result)."""


def all(x, axis=None, keepdims=False):
    """Logical and over ``axis`` (bool result)."""


def cumsum(x, axis=0):
    """Cumulative sum along one axis."""


def cumprod(x, axis=0):
    """Cumulative product along one axis."""


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over ``axis``, computed stably."""


def exp(x):
    """e**x."""


def log(x):
    """Natural logarithm."""


def sqrt(x):
    """Square root."""


def square(x):
    """x**2."""


def abs(x):
    """Absolute value."""


def sign(x):
    """-1, 0 or 1."""


def round(x):
    """Round half to even."""


def sin(x):
    """Sine."""


def cos(x):
    """Cosine."""


def clip(x, min_value, max_value):
    """Values of ``x`` limited to [min_value, max_value] (scalars)."""


def maximum(x, y):
    """Element-wise maximum."""


def minimum(x, y):
    """Element-wise minimum."""


def pow(x, a):
    """x ** a, ``a`` a Python number."""


def equal(x, y):
    """x == y (bool tensor)."""


def not_equal(x, y):
    """x != y (bool tensor)."""


def greater(x, y):
    """x > y (bool tensor)."""


def greater_equal(x, y):
    """x >= y (bool tensor)."""


def less(x, y):
    """x < y (bool tensor)."""


def less_equal(x, y):
    """x <= y (bool tensor)."""


def reshape(x, shape):
    """``x`` with a new shape (tuple of ints, one may be -1, or an int tensor)."""


def concatenate(tensors, axis=-1):
    """Join a list of tensors along ``axis``."""


def stack(x, axis=0):
    """Stack a list of equally shaped tensors along a new ``axis``."""


def expand_dims(x, axis=-1):
    """Insert an axis of length 1 at ``axis``."""


def squeeze(x, axis):
    """Remove the axis ``axis`` of length 1."""


def tile(x, n):
    """Repeat ``x`` ``n[i]`` times along axis i (``n`` int or tuple)."""


def repeat(x, n):
    """For 2-D ``x`` (batch, dim): (batch, n, dim), each row repeated ``n`` times."""


def repeat_elements(x, rep, axis):
    """Repeat each element ``rep`` times along ``axis`` (numpy.repeat)."""


def gather(reference, indices):
    """Rows of ``reference`` picked by integer tensor ``indices``: shape
    ``indices.shape + reference.shape[1:]``."""


def one_hot(indices, num_classes):
    """Integer tensor (...) -> float tensor (..., num_classes)."""


def switch(condition, then_expression, else_expression):
    """Element-wise choice: ``condition`` (bool tensor broadcastable to the branches)
    picks ``then_expression`` where true. A condition with fewer axes than the branches
    applies along their leading axes (Keras 2: trailing axes of length 1 are added)."""


def permute_dimensions(x, pattern):
    """Transpose ``x`` by the tuple ``pattern``."""


def flatten(x):
    """``x`` as a 1-D tensor."""


def batch_flatten(x):
    """``x`` of shape (batch, ...) as (batch, prod(...))."""


def reverse(x, axes):
    """``x`` reversed along ``axes`` (int or tuple)."""


def slice(x, start, size):
    """``x[start[0]:start[0]+size[0], ...]`` with Python int lists ``start``, ``size``;
    size -1 means to the end."""


def arange(start, stop=None, step=1, dtype='int32'):
    """A 1-D tensor like numpy.arange."""


def temporal_padding(x, padding=(1, 1)):
    """Zero-pad axis 1 of a 3-D tensor by (left, right)."""


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    """Zero-pad the two spatial axes of a 4-D tensor by ((top, bottom), (left, right))."""


def resize_images(x, height_factor, width_factor, data_format, interpolation='nearest'):
    """Upsample the spatial axes of a 4-D tensor by integer factors ('nearest' or
    'bilinear')."""
