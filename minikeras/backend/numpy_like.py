"""Code shared by the eager, numpy-like engines: the NumPy reference and MXNet.

Each function takes the engine's array namespace ``xp`` (``numpy`` or ``mxnet.numpy``)
and, where it must make tensors, the engine's ``to_tensor``. The engine folders keep
every op's definition; they call these for the parts that are the same line for line
(argument checks, index arithmetic, the recurrent loop).
"""
import builtins

import numpy as onp

from minikeras.backend import adapter, state
from minikeras.backend.conv_geometry import normalize_tuple


# --- argument checks ----------------------------------------------------------------

def axis_arg(axis):
    """An axis argument as the array namespace takes it: None, an int or a tuple."""
    if isinstance(axis, (list, tuple)):
        return tuple(int(a) for a in axis)
    if axis is None:
        return None
    return int(axis)


def dropout_noise_shape(x, level, noise_shape):
    """``dropout``'s checked ``level`` and its noise shape (None entries: ``x``'s)."""
    if not 0 <= level < 1:
        raise ValueError('dropout: level must be in [0, 1), received %r' % (level,))
    if noise_shape is None:
        noise_shape = x.shape
    return tuple(x.shape[i] if d is None else int(d) for i, d in enumerate(noise_shape))


def expect_ndim(op, x, ndim, what=''):
    if x.ndim != ndim:
        raise ValueError('%s: expected a %d-D %s, received shape %s'
                         % (op, ndim, what or 'tensor', tuple(x.shape)))


def batch_dot_axes(x, y, axes):
    """The axes (of x, of y) ``batch_dot`` contracts, checked against the shapes."""
    if x.ndim < 2 or y.ndim < 2:
        raise ValueError('batch_dot: both inputs need at least 2 axes, received shapes '
                         '%s and %s' % (x.shape, y.shape))
    if x.shape[0] != y.shape[0]:
        raise ValueError('batch_dot: batch sizes differ: %s and %s' % (x.shape, y.shape))
    if axes is None:
        axes = (x.ndim - 1, y.ndim - 1 if y.ndim == 2 else y.ndim - 2)
    if isinstance(axes, (int, onp.integer)):
        axes = (axes, axes)
    ax_x, ax_y = [int(a) % n for a, n in zip(axes, (x.ndim, y.ndim))]
    if ax_x == 0 or ax_y == 0:
        raise ValueError('batch_dot: cannot contract the batch axis 0, received axes=%r'
                         % (axes,))
    if x.shape[ax_x] != y.shape[ax_y]:
        raise ValueError('batch_dot: axis %d of x (shape %s) and axis %d of y (shape %s) '
                         'differ in length' % (ax_x, x.shape, ax_y, y.shape))
    return ax_x, ax_y


def bias_channel_axis(x, bias, data_format):
    """The axis of ``x`` that ``bias_add`` adds the 1-D ``bias`` along, checked."""
    channels_first = state.normalize_data_format(data_format) == 'channels_first'
    channel_axis = 1 if channels_first and x.ndim > 2 else x.ndim - 1
    if bias.ndim != 1 or bias.shape[0] != x.shape[channel_axis]:
        raise ValueError('bias_add: expected a 1-D bias of length %d (axis %d of x, shape %s), '
                         'received shape %s' % (x.shape[channel_axis], channel_axis, x.shape,
                                                bias.shape))
    return channel_axis


def check_2d(x, padding, op):
    """The input of a 2-D convolution or pooling: 4 axes, padding 'valid' or 'same'."""
    if x.ndim != 4:
        raise ValueError('%s: expected a 4-D input, received shape %s' % (op, x.shape))
    if padding not in ('valid', 'same'):
        raise ValueError("%s: padding must be 'valid' or 'same', received %r" % (op, padding))


def separable_conv2d_op(depthwise_conv2d, conv2d):
    """``separable_conv2d`` from the engine's ``depthwise_conv2d`` and ``conv2d``."""
    def separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1),
                         padding='valid', data_format=None, dilation_rate=(1, 1)):
        y = depthwise_conv2d(x, depthwise_kernel, strides, padding, data_format,
                             dilation_rate)
        return conv2d(y, pointwise_kernel, (1, 1), 'valid', data_format, (1, 1))
    return separable_conv2d


def conv2d_transpose_args(to_tensor, x, kernel, padding, strides, dilation_rate):
    """``conv2d_transpose``'s input and kernel as tensors (a 4-D input checked), its
    strides and dilation as pairs."""
    x, kernel = to_tensor(x), to_tensor(kernel)
    check_2d(x, padding, 'conv2d_transpose')
    return (x, kernel, normalize_tuple(strides, 2, 'strides'),
            normalize_tuple(dilation_rate, 2, 'dilation_rate'))


def pool2d_args(x, pool_size, strides, padding, pool_mode):
    """pool2d's checked arguments: (pool_size, strides) as pairs."""
    check_2d(x, padding, 'pool2d')
    if pool_mode not in ('max', 'avg'):
        raise ValueError("pool2d: pool_mode must be 'max' or 'avg', received %r" % (pool_mode,))
    return normalize_tuple(pool_size, 2, 'pool_size'), normalize_tuple(strides, 2, 'strides')


def check_squeeze(x, axis):
    if x.shape[int(axis)] != 1:
        raise ValueError('squeeze: axis %d of a tensor of shape %s has length %d, expected 1'
                         % (axis, x.shape, x.shape[int(axis)]))


def check_tile(x, n):
    if len(n) != x.ndim:
        raise ValueError('tile: expected one repeat count per axis (%d), received %r'
                         % (x.ndim, n))


def check_repeat(x):
    if x.ndim != 2:
        raise ValueError('repeat: expected a 2-D tensor (batch, dim), received shape %s'
                         % (x.shape,))


def slice_index(x, start, size):
    """The index ``x[...]`` that ``slice(x, start, size)`` takes (size -1: to the end)."""
    if len(start) != len(size) or len(start) > x.ndim:
        raise ValueError('slice: start %r and size %r must have one entry per axis of a '
                         'tensor of shape %s' % (start, size, x.shape))
    return tuple(builtins.slice(b, None if s == -1 else b + s) for b, s in zip(start, size))


# --- ops written once ----------------------------------------------------------------

def layout_ops(xp, to_tensor, shape_tuple):
    """The engine's ``permute_dimensions``, ``flatten``, ``batch_flatten``, ``reverse``
    and ``slice``."""
    def permute_dimensions(x, pattern):
        return xp.transpose(to_tensor(x), tuple(int(p) for p in pattern))

    def flatten(x):
        return xp.reshape(to_tensor(x), (-1,))

    def batch_flatten(x):
        x = to_tensor(x)
        return xp.reshape(x, (x.shape[0], -1))

    def reverse(x, axes):
        return xp.flip(to_tensor(x), axis=axis_arg(axes))

    def slice(x, start, size):
        x = to_tensor(x)
        return x[slice_index(x, shape_tuple(start), shape_tuple(size))]
    return permute_dimensions, flatten, batch_flatten, reverse, slice


UNARY_OPS = ('negative', 'transpose', 'exp', 'log', 'sqrt', 'square', 'abs', 'sign', 'round',
             'sin', 'cos')


def unary_ops(xp, to_tensor, names=UNARY_OPS):
    """One op per name in ``names`` (default ``UNARY_OPS``, the ops that are the array
    namespace's function of one tensor; round: half to even): ``xp.<name>`` of the
    argument as a tensor."""
    def make(name):
        fn = getattr(xp, name)

        def op(x):
            return fn(to_tensor(x))
        op.__name__ = op.__qualname__ = name
        return op
    return tuple(make(name) for name in names)


BINARY_OPS = (('add', 'add'), ('subtract', 'subtract'), ('multiply', 'multiply'),
              ('divide', 'true_divide'), ('maximum', 'maximum'), ('minimum', 'minimum'),
              ('pow', 'power'), ('equal', 'equal'), ('not_equal', 'not_equal'),
              ('greater', 'greater'), ('greater_equal', 'greater_equal'), ('less', 'less'),
              ('less_equal', 'less_equal'))


def binary_ops(xp, binary):
    """The element-wise ops of two tensors, in ``BINARY_OPS`` order: each is
    ``binary(xp.<function>, x, y)`` (``pow(x, a)`` keeps Keras 2's argument name)."""
    def make(name, fn):
        if name == 'pow':
            def op(x, a):
                return binary(fn, x, a)
        else:
            def op(x, y):
                return binary(fn, x, y)
        op.__name__ = op.__qualname__ = name
        return op
    return tuple(make(name, getattr(xp, function)) for name, function in BINARY_OPS)


def reduction_ops(xp, to_tensor, integer_kept, is_float):
    """The engine's ``sum``, ``prod``, ``cumsum`` (an integer input keeps its dtype:
    ``integer_kept(x) -> (x, dtype or None)``), ``mean`` and ``as_float`` (integers as
    floatx)."""
    def kept(fn, x, **kwargs):
        x, dt = integer_kept(to_tensor(x))
        if dt is not None:
            kwargs['dtype'] = dt
        return fn(x, **kwargs)

    def sum(x, axis=None, keepdims=False):
        return kept(xp.sum, x, axis=axis_arg(axis), keepdims=keepdims)

    def prod(x, axis=None, keepdims=False):
        return kept(xp.prod, x, axis=axis_arg(axis), keepdims=keepdims)

    def cumsum(x, axis=0):
        return kept(xp.cumsum, x, axis=int(axis))

    def as_float(x):
        x = to_tensor(x)
        return x if is_float(x) else x.astype(state.floatx())

    def mean(x, axis=None, keepdims=False):
        return xp.mean(as_float(x), axis=axis_arg(axis), keepdims=keepdims)
    return sum, prod, cumsum, mean, as_float


def clip_bounds(min_value, max_value):
    """``clip``'s bounds as Python numbers; Keras 2 collapses an empty range onto
    ``min_value``. Both None: nothing to clip."""
    if isinstance(min_value, onp.generic):
        min_value = min_value.item()
    if isinstance(max_value, onp.generic):
        max_value = max_value.item()
    if min_value is not None and max_value is not None and max_value < min_value:
        max_value = min_value
    return min_value, max_value


def clip_op(xp, to_tensor, unclipped, cast):
    """The engine's ``clip`` (bounds as ``clip_bounds`` makes them): ``unclipped(x)``
    when there is nothing to clip; ``cast``: the result in ``x``'s dtype."""
    def clip(x, min_value, max_value):
        x = to_tensor(x)
        min_value, max_value = clip_bounds(min_value, max_value)
        if min_value is None and max_value is None:
            return unclipped(x)
        clipped = xp.clip(x, min_value, max_value)
        return clipped.astype(x.dtype) if cast else clipped
    return clip


def pad(xp, x, pads):
    """``x`` zero-padded by ``pads`` (one (before, after) pair per axis), or ``x`` itself."""
    if builtins.all(p == (0, 0) for p in pads):
        return x
    return xp.pad(x, pads, mode='constant')


def indexing_ops(xp, to_tensor):
    """The engine's ``expand_dims``, ``squeeze``, ``repeat``, ``repeat_elements`` and
    ``gather``."""
    def expand_dims(x, axis=-1):
        return xp.expand_dims(to_tensor(x), int(axis))

    def squeeze(x, axis):
        x = to_tensor(x)
        check_squeeze(x, axis)
        return xp.squeeze(x, axis=int(axis))

    def repeat(x, n):
        x = to_tensor(x)
        check_repeat(x)
        return xp.repeat(xp.expand_dims(x, 1), int(n), axis=1)

    def repeat_elements(x, rep, axis):
        return xp.repeat(to_tensor(x), int(rep), axis=int(axis))

    def gather(reference, indices):
        indices = to_tensor(indices)
        if not onp.issubdtype(onp.dtype(indices.dtype), onp.integer):
            indices = indices.astype('int64')
        return xp.take(to_tensor(reference), indices, axis=0)
    return expand_dims, squeeze, repeat, repeat_elements, gather


def extreme_ops(xp, to_tensor):
    """The engine's ``max``, ``min``, ``argmax`` and ``argmin``."""
    def max(x, axis=None, keepdims=False):
        return xp.max(to_tensor(x), axis=axis_arg(axis), keepdims=keepdims)

    def min(x, axis=None, keepdims=False):
        return xp.min(to_tensor(x), axis=axis_arg(axis), keepdims=keepdims)

    def argmax(x, axis=-1):
        return xp.argmax(to_tensor(x), axis=int(axis))

    def argmin(x, axis=-1):
        return xp.argmin(to_tensor(x), axis=int(axis))
    return max, min, argmax, argmin


def joining_ops(xp, to_tensor, same_dtype, shape_tuple):
    """The engine's ``concatenate``, ``stack`` (of ``same_dtype(tensors)``) and ``tile``
    (``shape_tuple(n)``: the repeats as a tuple)."""
    def concatenate(tensors, axis=-1):
        return xp.concatenate(same_dtype(tensors), axis=int(axis))

    def stack(x, axis=0):
        return xp.stack(same_dtype(x), axis=int(axis))

    def tile(x, n):
        x = to_tensor(x)
        n = shape_tuple(n)
        check_tile(x, n)
        return xp.tile(x, n)
    return concatenate, stack, tile


def switch_op(xp, to_tensor, same_dtype):
    """The engine's ``switch``: a non-bool condition is ``!= 0``; the branches are brought
    to one dtype."""
    def switch(condition, then_expression, else_expression):
        then_expression, else_expression = adapter.branches(then_expression, else_expression)
        condition = to_tensor(condition)
        if condition.dtype != onp.bool_:
            condition = condition != 0
        then_expression, else_expression = same_dtype([then_expression, else_expression])
        return where_broadcast(xp, condition, then_expression, else_expression)
    return switch


def arange_values(start, stop=None, step=1, dtype='int32'):
    """``arange``'s values as a numpy array of ``dtype`` (one argument: the stop)."""
    if stop is None:
        start, stop = 0, start
    return onp.arange(start, stop, step).astype(dtype)


def where_broadcast(xp, condition, then_expression, else_expression):
    """``switch``: Keras 2 gives a condition with fewer axes than the branches trailing
    axes."""
    branch_ndim = builtins.max(then_expression.ndim, else_expression.ndim)
    while 0 < condition.ndim < branch_ndim:
        condition = xp.expand_dims(condition, -1)
    return xp.where(condition, then_expression, else_expression)


# --- activations and losses --------------------------------------------------------

def activation_ops(xp, to_tensor, selu_alpha, selu_scale):
    """The engine's ``elu``, ``selu``, ``hard_sigmoid`` and ``softsign``, keeping the
    input's dtype."""
    def elu(x, alpha=1.):
        x = to_tensor(x)
        # expm1 of min(x, 0) so the unused branch cannot overflow
        return xp.where(x > 0, x, alpha * xp.expm1(xp.minimum(x, 0))).astype(x.dtype)

    def selu(x):
        return (selu_scale * elu(x, selu_alpha)).astype(to_tensor(x).dtype)

    def hard_sigmoid(x):
        x = to_tensor(x)
        return xp.clip(0.2 * x + 0.5, 0., 1.).astype(x.dtype)

    def softsign(x):
        x = to_tensor(x)
        return x / (1 + xp.abs(x))
    return elu, selu, hard_sigmoid, softsign


def log_of_probabilities(xp, output, axis):
    """log of probabilities normalized and clipped to [epsilon, 1 - epsilon] along
    ``axis``."""
    p = output / xp.sum(output, axis=axis, keepdims=True)
    eps = state.epsilon()
    return xp.log(xp.clip(p, eps, 1 - eps))


def sparse_targets(xp, target, output, axis):
    """``sparse_categorical_crossentropy``'s class indices, checked against ``output``
    (a trailing axis of length 1 is dropped), and ``axis`` as a non-negative int."""
    axis = int(axis) % output.ndim
    if target.ndim == output.ndim:
        if target.shape[-1] != 1:
            raise ValueError('sparse_categorical_crossentropy: target of shape %s has as many '
                             'axes as output %s but its last axis is not of length 1'
                             % (target.shape, output.shape))
        target = xp.squeeze(target, axis=-1)
    expected = tuple(output.shape[:axis] + output.shape[axis + 1:])
    if tuple(target.shape) != expected:
        raise ValueError('sparse_categorical_crossentropy: expected integer targets of shape '
                         '%s for output of shape %s, received %s'
                         % (expected, output.shape, target.shape))
    return target, axis


def binary_crossentropy(xp, relu, target, output, from_logits):
    """``binary_crossentropy``; ``relu(z)`` is max(z, 0) in the engine."""
    if from_logits:
        # max(z, 0) - z * t + log(1 + exp(-|z|)), the stable form of the formula below
        return (relu(output) - output * target
                + xp.log1p(xp.exp(-xp.abs(output)))).astype(output.dtype)
    return binary_crossentropy_of_probabilities(xp, target, output)


def binary_crossentropy_of_probabilities(xp, target, output):
    """``binary_crossentropy`` of probabilities, clipped to [epsilon, 1 - epsilon]."""
    eps = state.epsilon()
    p = xp.clip(output, eps, 1 - eps)
    return -(target * xp.log(p) + (1 - target) * xp.log(1 - p))


def batch_normalization(xp, to_tensor, scale, x, mean, var, beta, gamma, axis, epsilon,
                        cast=True):
    """``batch_normalization``; ``scale(centered, variance)`` divides by the standard
    deviation the engine's way; ``cast``: the result in ``x``'s dtype."""
    x = to_tensor(x)
    axis = int(axis) % x.ndim

    def along_axis(p):
        p = to_tensor(p)
        if p.ndim == 1:
            if p.shape[0] != x.shape[axis]:
                raise ValueError('batch_normalization: a parameter of length %d does not fit '
                                 'axis %d of x (shape %s)' % (p.shape[0], axis, x.shape))
            if axis == x.ndim - 1:
                return p
            shape = [1] * x.ndim
            shape[axis] = -1
            return xp.reshape(p, tuple(shape))
        return p  # already broadcastable to x (Keras 2 also passes such parameters)

    y = scale(x - along_axis(mean), along_axis(var) + epsilon)
    if gamma is not None:
        y = y * along_axis(gamma)
    if beta is not None:
        y = y + along_axis(beta)
    return y.astype(x.dtype) if cast else y


def l2_normalize(xp, x, axis):
    """``x`` divided by its L2 norm along ``axis`` (a squared norm below epsilon counts
    as epsilon)."""
    square_sum = xp.sum(xp.square(x), axis=axis_arg(axis), keepdims=True)
    return x / xp.sqrt(xp.maximum(square_sum, state.epsilon()))


# --- padding and resizing -----------------------------------------------------------

def spatial_axes(data_format, ndim):
    if state.normalize_data_format(data_format) == 'channels_first':
        return tuple(range(2, ndim))
    return tuple(range(1, ndim - 1))


def temporal_pads(x, padding):
    expect_ndim('temporal_padding', x, 3)
    left, right = padding
    return ((0, 0), (int(left), int(right)), (0, 0))


def spatial_2d_pads(x, padding, data_format):
    expect_ndim('spatial_2d_padding', x, 4)
    pads = [(0, 0)] * 4
    for axis, (before, after) in zip(spatial_axes(data_format, 4), padding):
        pads[axis] = (int(before), int(after))
    return tuple(pads)


def _bilinear_axis(xp, x, axis, factor):
    """Linear interpolation along ``axis`` to ``factor`` times its length, half-pixel
    centres (output i samples input coordinate (i + 0.5) / factor - 0.5, clamped at the
    edges), as ``tf.image.resize(method='bilinear')``."""
    n = x.shape[axis]
    coords = (onp.arange(n * factor) + 0.5) / factor - 0.5
    coords = onp.clip(coords, 0, n - 1)
    low = onp.floor(coords).astype('int64')
    high = onp.minimum(low + 1, n - 1)
    frac = (coords - low).astype(onp.dtype(x.dtype))
    shape = [1] * x.ndim
    shape[axis] = -1
    frac = xp.array(frac.reshape(shape), dtype=frac.dtype)
    low, high = xp.array(low, dtype='int64'), xp.array(high, dtype='int64')
    return xp.take(x, low, axis=axis) * (1 - frac) + xp.take(x, high, axis=axis) * frac


def resize_images(xp, x, height_factor, width_factor, data_format, interpolation):
    expect_ndim('resize_images', x, 4)
    h_axis, w_axis = spatial_axes(data_format, 4)
    if interpolation == 'nearest':
        x = xp.repeat(x, int(height_factor), axis=h_axis)
        return xp.repeat(x, int(width_factor), axis=w_axis)
    if interpolation == 'bilinear':
        x = _bilinear_axis(xp, x, h_axis, int(height_factor))
        return _bilinear_axis(xp, x, w_axis, int(width_factor))
    raise ValueError("resize_images: interpolation must be 'nearest' or 'bilinear', "
                     "received %r" % (interpolation,))


def padding_ops(xp, to_tensor):
    """The engine's ``temporal_padding``, ``spatial_2d_padding`` and ``resize_images``."""
    def temporal_padding(x, padding=(1, 1)):
        x = to_tensor(x)
        return pad(xp, x, temporal_pads(x, padding))

    def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
        x = to_tensor(x)
        return pad(xp, x, spatial_2d_pads(x, padding, data_format))

    def resize_images_op(x, height_factor, width_factor, data_format, interpolation='nearest'):
        return resize_images(xp, to_tensor(x), height_factor, width_factor, data_format,
                             interpolation)
    resize_images_op.__name__ = resize_images_op.__qualname__ = 'resize_images'
    return temporal_padding, spatial_2d_padding, resize_images_op


# --- the recurrent loop -------------------------------------------------------------

def _rnn_mask(to_tensor, mask, inputs):
    """``mask`` as a (batch, time) bool tensor, checked against ``inputs``."""
    mask = to_tensor(mask)
    if mask.ndim == 3 and mask.shape[2] == 1:
        mask = mask[:, :, 0]
    if tuple(mask.shape) != tuple(inputs.shape[:2]):
        raise ValueError('rnn: mask of shape %s does not match inputs (batch, time) = %s'
                         % (mask.shape, inputs.shape[:2]))
    return mask if mask.dtype == onp.bool_ else mask != 0


def rnn_inputs(to_tensor, inputs, mask):
    """``rnn``'s checked ``inputs`` (batch, time, ...) and ``mask`` as a (batch, time) bool
    tensor (or None)."""
    inputs = to_tensor(inputs)
    if inputs.ndim < 3:
        raise ValueError('rnn: expected inputs of shape (batch, time, ...), received shape %s'
                         % (inputs.shape,))
    if inputs.shape[1] == 0:
        raise ValueError('rnn: inputs have no time steps (shape %s)' % (inputs.shape,))
    if mask is not None:
        mask = _rnn_mask(to_tensor, mask, inputs)
    return inputs, mask


def keep_where(xp, mask_t, new, old):
    """``new`` where the (batch,) mask is true, else ``old``."""
    return xp.where(xp.reshape(mask_t, (-1,) + (1,) * (new.ndim - 1)), new, old)


def rnn(xp, to_tensor, step_function, inputs, initial_states, go_backwards, mask,
        constants):
    """``K.rnn`` as a Python loop over time on eager tensors (any length, any mask)."""
    inputs, mask = rnn_inputs(to_tensor, inputs, mask)
    steps = inputs.shape[1]
    states = [to_tensor(s) for s in adapter.to_list(initial_states)]
    constants = adapter.to_list(constants)
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    outputs, previous = [], None
    for t in order:
        output, new_states = step_function(inputs[:, t], states + constants)
        output = to_tensor(output)
        new_states = [to_tensor(s) for s in adapter.to_list(new_states)]
        if mask is not None:
            previous = xp.zeros_like(output) if previous is None else previous
            output = keep_where(xp, mask[:, t], output, previous)
            new_states = [keep_where(xp, mask[:, t], to_tensor(new), to_tensor(old))
                          for new, old in zip(new_states, states)]
        outputs.append(output)
        previous, states = output, new_states
    return outputs[-1], xp.stack(outputs, axis=1), states


class ValueHolder(object):
    """Base of the NumPy reference's and JAX's variables: a mutable holder of ``.value``
    (an array of the engine), with ``.name``, ``.constraint``, ``.trainable``; shape,
    dtype, ndim and ``len`` are the value's. Operators: ``set_operators``."""

    __array_priority__ = 100

    def __init__(self, value, name, constraint=None):
        self.value = value
        self.name = name
        self.constraint = constraint
        self.trainable = True

    @property
    def shape(self):
        return tuple(self.value.shape)

    @property
    def dtype(self):
        return self.value.dtype

    @property
    def ndim(self):
        return self.value.ndim

    def __len__(self):
        return len(self.value)


def set_operators(cls, xp, binary):
    """Give a variable class ``cls`` Python's arithmetic and comparison operators from the
    array namespace ``xp``; ``binary(fn, reflected=False)`` makes one method."""
    for name, fn in [('add', xp.add), ('sub', xp.subtract), ('mul', xp.multiply),
                     ('truediv', xp.true_divide), ('floordiv', xp.floor_divide),
                     ('mod', xp.mod), ('pow', xp.power), ('matmul', xp.matmul)]:
        setattr(cls, '__%s__' % name, binary(fn))
        setattr(cls, '__r%s__' % name, binary(fn, reflected=True))
    for name, fn in [('lt', xp.less), ('le', xp.less_equal), ('gt', xp.greater),
                     ('ge', xp.greater_equal)]:
        setattr(cls, '__%s__' % name, binary(fn))
