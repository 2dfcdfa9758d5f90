"""Contract: activations, losses, convolution, pooling and normalization.

Kernel layouts are the library's single weight layout, whatever the engine:
conv1d (width, in, out); conv2d (h, w, in, out); conv2d_transpose (h, w, out, in);
depthwise (h, w, in, multiplier); pointwise (1, 1, in*multiplier, out). Kernels mean
cross-correlation (TensorFlow's meaning); an engine whose convolution flips the kernel
converts inside its adapter. ``data_format`` is 'channels_last' or 'channels_first';
None means ``image_data_format()``. ``padding`` is 'valid' or 'same' (conv1d also
'causal').
"""

__all__ = [
    'relu', 'elu', 'selu', 'sigmoid', 'hard_sigmoid', 'tanh', 'softmax', 'log_softmax',
    'softplus', 'softsign',
    'categorical_crossentropy', 'sparse_categorical_crossentropy', 'binary_crossentropy',
    'l2_normalize', 'in_top_k', 'dropout', 'bias_add',
    'conv1d', 'conv2d', 'conv2d_transpose', 'depthwise_conv2d', 'separable_conv2d',
    'pool2d', 'batch_normalization',
]


def relu(x, alpha=0., max_value=None, threshold=0.):
    """Rectified linear unit: x if x > threshold, else alpha * (x - threshold); capped at
    ``max_value`` if given."""


def elu(x, alpha=1.):
    """x if x > 0 else alpha * (exp(x) - 1)."""


def selu(x):
    """Scaled ELU (alpha 1.6732632423543772, scale 1.0507009873554805)."""


def sigmoid(x):
    """1 / (1 + exp(-x))."""


def hard_sigmoid(x):
    """clip(0.2 * x + 0.5, 0, 1)."""


def tanh(x):
    """Hyperbolic tangent."""


def softmax(x, axis=-1):
    """Softmax along ``axis``."""


def log_softmax(x, axis=-1):
    """log(softmax(x)) computed stably."""


def softplus(x):
    """log(1 + exp(x))."""


def softsign(x):
    """x / (1 + |x|)."""


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy between one-hot/probability ``target`` and ``output`` along ``axis``.
    Without ``from_logits``, ``output`` is a probability distribution that is renormalized
    and clipped to [epsilon, 1 - epsilon]. Result drops ``axis``."""


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Like ``categorical_crossentropy`` with integer class ``target`` of the output's shape
    without ``axis`` (a trailing axis of length 1 is allowed)."""


def binary_crossentropy(target, output, from_logits=False):
    """Element-wise binary cross-entropy; probabilities clipped to [eps, 1 - eps]."""


def l2_normalize(x, axis=None):
    """x / sqrt(max(sum(x**2, axis), epsilon)) along ``axis``."""


def in_top_k(predictions, targets, k):
    """Bool (batch,) tensor: whether integer ``targets[i]`` is among the top ``k`` of
    ``predictions[i]``."""


def dropout(x, level, noise_shape=None, seed=None):
    """Zero each entry with probability ``level`` and scale kept ones by 1/(1 - level).
    ``noise_shape`` (tuple, None entries taken from ``x``) broadcasts the mask. Fresh
    randomness on every call of a compiled function."""


def bias_add(x, bias, data_format=None):
    """Add 1-D ``bias`` along the channel axis of ``x`` (last, or 1 for channels_first
    with ndim > 2)."""


def conv1d(x, kernel, strides=1, padding='valid', data_format=None, dilation_rate=1):
    """1-D convolution of (batch, steps, in) [channels_last] with kernel (w, in, out)."""


def conv2d(x, kernel, strides=(1, 1), padding='valid', data_format=None,
           dilation_rate=(1, 1)):
    """2-D convolution (cross-correlation) with kernel (h, w, in, out)."""


def conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding='valid',
                     data_format=None, dilation_rate=(1, 1)):
    """Transposed 2-D convolution (the gradient of conv2d) with kernel (h, w, out, in).
    ``output_shape`` is the full output shape in ``data_format`` (batch may be None or a
    tensor)."""


def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding='valid',
                     data_format=None, dilation_rate=(1, 1)):
    """Per-channel 2-D convolution with kernel (h, w, in, multiplier); output channels
    ordered in-major: channel ``c * multiplier + m``."""


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1),
                     padding='valid', data_format=None, dilation_rate=(1, 1)):
    """``depthwise_conv2d`` followed by a 1x1 ``conv2d`` with ``pointwise_kernel``."""


def pool2d(x, pool_size, strides=(1, 1), padding='valid', data_format=None,
           pool_mode='max'):
    """2-D pooling ('max' or 'avg'); 'same' average pooling divides by the count of
    non-padded entries."""


def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):
    """(x - mean) / sqrt(var + epsilon) * gamma + beta, with 1-D parameters broadcast
    along ``axis``; ``beta``/``gamma`` may be None."""
