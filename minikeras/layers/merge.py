"""Layers that merge a list of inputs (Keras 2): Add, Subtract, Multiply, Average,
Maximum, Minimum, Concatenate, Dot, and their functional forms."""
import numbers

import minikeras.backend as K
from minikeras.layers.base import Layer
from minikeras.layers.core import base_config, check_bool


class _Merge(Layer):
    """Element-wise merge of at least two inputs; inputs of lower rank get axes of length
    1 inserted after the batch axis, then numpy broadcasting applies."""

    def __init__(self, **kwargs):
        super(_Merge, self).__init__(**kwargs)
        self.supports_masking = True

    def _merge_function(self, inputs):
        raise NotImplementedError

    def _elemwise_shape(self, shape1, shape2):
        if len(shape1) < len(shape2):
            return self._elemwise_shape(shape2, shape1)
        if not shape2:
            return tuple(shape1)
        output = list(shape1[:len(shape1) - len(shape2)])
        for i, j in zip(shape1[len(shape1) - len(shape2):], shape2):
            if i is None or j is None:
                output.append(None)
            elif i == 1:
                output.append(j)
            elif j == 1 or i == j:
                output.append(i)
            else:
                raise ValueError('layer %s (%s): inputs of shapes %s and %s cannot be '
                                 'broadcast together'
                                 % (self.name, type(self).__name__, tuple(shape1),
                                    tuple(shape2)))
        return tuple(output)

    def _check_list(self, input_shape, exactly=None):
        if not isinstance(input_shape, list) or not input_shape \
                or not isinstance(input_shape[0], (list, tuple)):
            raise ValueError('layer %s (%s) must be called on a list of at least 2 inputs, '
                             'received one input of shape %s'
                             % (self.name, type(self).__name__, input_shape))
        if exactly is not None and len(input_shape) != exactly:
            raise ValueError('layer %s (%s) must be called on a list of exactly %d inputs, '
                             'received %d' % (self.name, type(self).__name__, exactly,
                                              len(input_shape)))
        if len(input_shape) < 2:
            raise ValueError('layer %s (%s) must be called on a list of at least 2 inputs, '
                             'received %d' % (self.name, type(self).__name__,
                                              len(input_shape)))
        batch_sizes = set(s[0] for s in input_shape if s and s[0] is not None)
        if len(batch_sizes) > 1:
            raise ValueError('layer %s (%s): inputs have different batch sizes: %s'
                             % (self.name, type(self).__name__,
                                [tuple(s) for s in input_shape]))

    def build(self, input_shape):
        self._check_list(input_shape)
        self.compute_output_shape(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        self._check_list(input_shape)
        output = tuple(input_shape[0][1:])
        for shape in input_shape[1:]:
            output = self._elemwise_shape(output, tuple(shape[1:]))
        batch_sizes = set(s[0] for s in input_shape) - set([None])
        batch = batch_sizes.pop() if len(batch_sizes) == 1 else None
        return (batch,) + output

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError('layer %s (%s) must be called on a list of inputs'
                             % (self.name, type(self).__name__))
        ndims = [K.ndim(x) for x in inputs]
        top = max(ndims)
        reshaped = []
        for x, n in zip(inputs, ndims):
            for _ in range(top - n):
                x = K.expand_dims(x, 1)
            reshaped.append(x)
        return self._merge_function(reshaped)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)) or len(mask) != len(inputs):
            raise ValueError('layer %s (%s): expected one mask (or None) per input, received '
                             '%r' % (self.name, type(self).__name__, mask))
        masks = [K.expand_dims(m, 0) for m in mask if m is not None]
        if not masks:
            return None
        return K.all(K.concatenate(masks, axis=0), axis=0, keepdims=False)


def _fold(op, inputs):
    """``op`` applied from the left: op(op(inputs[0], inputs[1]), inputs[2])..."""
    output = inputs[0]
    for x in inputs[1:]:
        output = op(output, x)
    return output


class Add(_Merge):
    """Sum of the inputs."""

    def _merge_function(self, inputs):
        return _fold(K.add, inputs)


class Subtract(_Merge):
    """First input minus the second (exactly two inputs)."""

    def build(self, input_shape):
        self._check_list(input_shape, exactly=2)
        super(Subtract, self).build(input_shape)

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise ValueError('layer %s (Subtract) must be called on exactly 2 inputs, '
                             'received %d' % (self.name, len(inputs)))
        return K.subtract(inputs[0], inputs[1])


class Multiply(_Merge):
    """Element-wise product of the inputs."""

    def _merge_function(self, inputs):
        return _fold(K.multiply, inputs)


class Average(_Merge):
    """Element-wise mean of the inputs."""

    def _merge_function(self, inputs):
        return K.divide(_fold(K.add, inputs), float(len(inputs)))


class Maximum(_Merge):
    """Element-wise maximum of the inputs."""

    def _merge_function(self, inputs):
        return _fold(K.maximum, inputs)


class Minimum(_Merge):
    """Element-wise minimum of the inputs."""

    def _merge_function(self, inputs):
        return _fold(K.minimum, inputs)


class Concatenate(_Merge):
    """Join the inputs along ``axis``; the other axes must match."""

    def __init__(self, axis=-1, **kwargs):
        super(Concatenate, self).__init__(**kwargs)
        if not isinstance(axis, numbers.Integral) or isinstance(axis, bool):
            raise ValueError('Concatenate: axis must be an integer, received axis=%r'
                             % (axis,))
        self.axis = int(axis)

    def compute_output_shape(self, input_shape):
        self._check_list(input_shape)
        shapes = [tuple(s) for s in input_shape]
        ndim = len(shapes[0])
        if any(len(s) != ndim for s in shapes) or not -ndim <= self.axis < ndim:
            raise ValueError('layer %s (Concatenate) with axis=%d needs inputs of equal rank '
                             'that have that axis, received shapes %s'
                             % (self.name, self.axis, shapes))
        axis = self.axis % ndim
        output = list(shapes[0])
        for s in shapes[1:]:
            for i in range(ndim):
                if i == axis:
                    continue
                if output[i] is None:
                    output[i] = s[i]
                elif s[i] is not None and s[i] != output[i]:
                    raise ValueError('layer %s (Concatenate) with axis=%d needs inputs whose '
                                     'other axes match, received shapes %s'
                                     % (self.name, self.axis, shapes))
        sizes = [s[axis] for s in shapes]
        output[axis] = None if any(d is None for d in sizes) else sum(sizes)
        return tuple(output)

    def call(self, inputs):
        return K.concatenate(list(inputs), axis=self.axis)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)) or len(mask) != len(inputs):
            raise ValueError('layer %s (Concatenate): expected one mask (or None) per input, '
                             'received %r' % (self.name, mask))
        if all(m is None for m in mask):
            return None
        masks = []
        for x, m in zip(inputs, mask):
            if m is None:
                masks.append(K.ones_like(x, dtype='bool'))
            elif K.ndim(m) < K.ndim(x):
                masks.append(K.expand_dims(m))
            else:
                masks.append(m)
        return K.all(K.concatenate(masks, axis=self.axis), axis=-1, keepdims=False)

    def get_config(self):
        return base_config(self, {'axis': self.axis})


class Dot(_Merge):
    """Per-sample dot product of two inputs over ``axes`` (int or pair); ``normalize``
    l2-normalizes both along those axes first (cosine proximity)."""

    def __init__(self, axes, normalize=False, **kwargs):
        super(Dot, self).__init__(**kwargs)
        if isinstance(axes, numbers.Integral) and not isinstance(axes, bool):
            self.axes = int(axes)
        else:
            try:
                pair = tuple(axes)
            except TypeError:
                pair = ()
            if len(pair) != 2 or not all(isinstance(a, numbers.Integral) for a in pair):
                raise ValueError('Dot: axes must be an integer or a pair of integers, '
                                 'received axes=%r' % (axes,))
            self.axes = [int(a) for a in pair]
        self.normalize = check_bool('Dot', 'normalize', normalize)
        self.supports_masking = True

    def _axes(self, ndims):
        pair = [self.axes, self.axes] if isinstance(self.axes, int) else list(self.axes)
        out = []
        for a, n in zip(pair, ndims):
            if not -n <= a < n or a % n == 0:
                raise ValueError('layer %s (Dot): axes=%r is not a non-batch axis of inputs '
                                 'with %d and %d axes' % (self.name, self.axes, ndims[0],
                                                          ndims[1]))
            out.append(a % n)
        return out

    def compute_output_shape(self, input_shape):
        self._check_list(input_shape, exactly=2)
        shape1, shape2 = list(input_shape[0]), list(input_shape[1])
        axes = self._axes([len(shape1), len(shape2)])
        d1, d2 = shape1[axes[0]], shape2[axes[1]]
        if d1 is not None and d2 is not None and d1 != d2:
            raise ValueError('layer %s (Dot): axis %d of the first input (shape %s) and axis '
                             '%d of the second (shape %s) differ in length'
                             % (self.name, axes[0], tuple(shape1), axes[1], tuple(shape2)))
        shape1.pop(axes[0])
        shape2.pop(axes[1])
        shape2.pop(0)
        output = shape1 + shape2
        if len(output) == 1:
            output += [1]
        return tuple(output)

    def call(self, inputs):
        x1, x2 = inputs[0], inputs[1]
        axes = self._axes([K.ndim(x1), K.ndim(x2)])
        if self.normalize:
            x1 = K.l2_normalize(x1, axis=axes[0])
            x2 = K.l2_normalize(x2, axis=axes[1])
        return K.batch_dot(x1, x2, axes=tuple(axes))

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        return base_config(self, {'axes': self.axes, 'normalize': self.normalize})


def _functional(layer_class, name):
    """The functional form of a merge layer: ``layer_class(**kwargs)(inputs)``."""
    def merge(inputs, **kwargs):
        return layer_class(**kwargs)(inputs)
    merge.__name__ = merge.__qualname__ = name
    merge.__doc__ = 'Functional form of ``%s``.' % layer_class.__name__
    return merge


add = _functional(Add, 'add')
subtract = _functional(Subtract, 'subtract')
multiply = _functional(Multiply, 'multiply')
average = _functional(Average, 'average')
maximum = _functional(Maximum, 'maximum')
minimum = _functional(Minimum, 'minimum')


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of ``Concatenate``."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes, normalize=False, **kwargs):
    """Functional form of ``Dot``."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
