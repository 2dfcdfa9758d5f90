"""Theano/PyTensor adapter: convolution and pooling.

Kernels arrive in the library's layout and mean cross-correlation (TensorFlow's
meaning). Inside, images are channels_last. Classic Theano uses its own GEMM-based
conv op with ``filter_flip=False`` (cross-correlation, so kernels are only transposed);
PyTensor has no CNN convolution op, so it gets an im2col built from strided slices and
one matrix product (its autodiff gives the gradients). Pooling without padding uses
classic Theano's pooling op; PyTensor (no pooling op) and 'same' padding (TensorFlow's
may be uneven, Theano's is not) take the maximum or sum of strided windows. 'same'
padding follows TensorFlow: when the padding is odd the extra row/column goes to the
bottom/right.
Transposed convolution is the adjoint (gradient) of this conv2d, so it agrees with it on
every engine by construction.
"""
import numpy as np

from minikeras.backend import state
from minikeras.backend.conv_geometry import channels_last_output_shape
from minikeras.backend.theano import _impl
from minikeras.backend.theano.layout import _nchw, _nchw_source, _nhwc
from minikeras.backend.theano.im2col import _im2col
from minikeras.backend.theano.max_pool import _tiled_max_pool
from minikeras.backend.theano._impl import T
from minikeras.backend.theano.core import _is_engine_tensor, _known_shape, _tag, _to_tensor
from minikeras.backend.theano import math as _m


def _pair(v, name):
    if isinstance(v, (int, np.integer)):
        return (int(v), int(v))
    v = tuple(int(a) for a in v)
    if len(v) != 2:
        raise ValueError('%s: expected an int or a pair of ints, received %r' % (name, v))
    return v


def _check_padding(padding, allowed=('valid', 'same')):
    if padding not in allowed:
        raise ValueError('padding must be one of %s, received %r'
                         % (', '.join(allowed), padding))


def _nhwc_input(x, data_format, padding):
    """What the 2-D convolutions check first: ``x`` as NHWC and the data format."""
    data_format = state.normalize_data_format(data_format)
    _check_padding(padding)
    return _to_nhwc(x, data_format), data_format


def _to_nhwc(x, data_format):
    x = _to_tensor(x)
    if x.ndim != 4:
        raise ValueError('expected a 4-D image tensor, received a tensor with %d axes'
                         % x.ndim)
    if data_format == 'channels_first':
        return _m.permute_dimensions(x, (0, 2, 3, 1))
    return x


def _from_nhwc(x, data_format):
    if data_format == 'channels_first':
        return _m.permute_dimensions(x, (0, 3, 1, 2))
    return x


def _same_pads(x, axis, k_eff, stride):
    """TensorFlow's (before, after) 'same' padding of ``axis``: ints when the input
    length and the kernel size are known (or stride is 1 and the kernel size known),
    else symbolic."""
    n = _known_shape(x)[axis]
    symbolic_k = _is_engine_tensor(k_eff)
    if not symbolic_k and stride == 1:
        total = k_eff - 1
        return total // 2, total - total // 2
    if not symbolic_k and n is not None:
        out = -(-n // stride)
        total = max((out - 1) * stride + k_eff - n, 0)
        return total // 2, total - total // 2
    n = x.shape[axis]
    out = (n + stride - 1) // stride
    total = T.maximum((out - 1) * stride + k_eff - n, 0)
    before = total // 2
    return before, total - before


def _pad_same(x, k_eff, strides, value=0):
    """Pad NHWC ``x`` for 'same' so that a 'valid' window pass gives TF's output."""
    ph = _same_pads(x, 1, k_eff[0], strides[0])
    pw = _same_pads(x, 2, k_eff[1], strides[1])
    return _m._pad(x, {1: ph, 2: pw}, value=value), (ph, pw)


def _out_len(n, k_eff, stride, padding):
    if n is None or (padding != 'same' and _is_engine_tensor(k_eff)):
        return None
    if padding == 'same':
        return -(-n // stride)
    return (n - k_eff) // stride + 1 if n >= k_eff else 0


def _windows(x, ksize, strides, dilation):
    """The strided slices of padded NHWC ``x`` that a 'valid' window pass visits, one per
    kernel position (row-major over the kernel), each (batch, out_h, out_w, channels)."""
    kh, kw = ksize
    eh, ew = (kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1
    out = []
    for i in range(kh):
        h0 = i * dilation[0]
        h1 = h0 - (eh - 1)
        for j in range(kw):
            w0 = j * dilation[1]
            w1 = w0 - (ew - 1)
            out.append(x[:, h0:(h1 if h1 != 0 else None):strides[0],
                         w0:(w1 if w1 != 0 else None):strides[1], :])
    return out


def _eff(ksize, dilation):
    return ((ksize[0] - 1) * dilation[0] + 1, (ksize[1] - 1) * dilation[1] + 1)


def _kernel_size(kernel, kshape, op):
    """(kh, kw) of a kernel: ints, or symbolic scalars when only the run time knows them
    (classic Theano's conv op accepts those; PyTensor's im2col needs ints, so it falls
    back to its slower signal convolution)."""
    kh, kw = kshape[0], kshape[1]
    if kh is not None and kw is not None:
        return kh, kw
    return (kernel.shape[0] if kh is None else kh, kernel.shape[1] if kw is None else kw)


def _dilate_kernel(kernel, dilation):
    """A (h, w, ...) kernel with dilation-1 zeros between its taps."""
    if dilation == (1, 1):
        return kernel
    kh, kw = kernel.shape[0], kernel.shape[1]
    shape = [(kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1] + \
        [kernel.shape[i] for i in range(2, kernel.ndim)]
    base = T.zeros(shape, dtype=kernel.dtype)
    return T.set_subtensor(base[::dilation[0], ::dilation[1]], kernel)


def _signal_conv_nhwc(x, kernel, strides, padding, dilation, depthwise):
    """Convolution for kernels whose spatial size only the run time knows (PyTensor):
    its batched 2-D signal convolution, summed over input channels."""
    k = _dilate_kernel(kernel, dilation)
    k_eff = (k.shape[0], k.shape[1])
    if padding == 'same':
        x, _ = _pad_same(x, k_eff, strides)
    flipped = k[::-1, ::-1]
    if depthwise:
        xc = x.dimshuffle(0, 3, 'x', 1, 2)               # (N, C, 1, H, W)
        kc = flipped.dimshuffle(2, 3, 0, 1)               # (C, M, h, w)
        out = _impl._signal_convolve2d_valid(xc, kc)      # (N, C, M, OH, OW)
        out = out.reshape((out.shape[0], -1, out.shape[3], out.shape[4]), ndim=4)
    else:
        xc = x.dimshuffle(0, 'x', 3, 1, 2)               # (N, 1, Cin, H, W)
        kc = flipped.dimshuffle('x', 3, 2, 0, 1)          # (1, Cout, Cin, h, w)
        out = T.sum(_impl._signal_convolve2d_valid(xc, kc), axis=2)
    out = out[:, :, ::strides[0], ::strides[1]]
    return out.dimshuffle(0, 2, 3, 1)


def _kernel_of(x, kernel, op, layout):
    """``kernel`` as a 4-D tensor of ``x``'s dtype, its known shape and spatial size."""
    kernel = _to_tensor(kernel)
    if kernel.ndim != 4:
        raise ValueError('%s: expected a 4-D kernel %s, received %d axes'
                         % (op, layout, kernel.ndim))
    if kernel.dtype != x.dtype:
        kernel = T.cast(kernel, x.dtype)
    kshape = _known_shape(kernel)
    return kernel, kshape, _kernel_size(kernel, kshape, op)


def _padded_windows(x, size, k_eff, strides, padding, dilation):
    """The kernel windows of ``x`` (padded first when ``padding`` is 'same')."""
    if padding == 'same':
        x, _ = _pad_same(x, k_eff, strides)
    return _windows(x, size, strides, dilation)


def _output_shape(xs, k_eff, strides, padding, channels):
    return (xs[0], _out_len(xs[1], k_eff[0], strides[0], padding),
            _out_len(xs[2], k_eff[1], strides[1], padding), channels)


def _conv2d_nhwc(x, kernel, strides, padding, dilation):
    kernel, kshape, (kh, kw) = _kernel_of(x, kernel, 'conv2d', '(h, w, in, out)')
    cin, cout = kshape[2], kshape[3]
    xs = _known_shape(x)
    if xs[3] is not None and cin is not None and xs[3] != cin:
        raise ValueError('conv2d: the input has %d channels but the kernel expects %d '
                         '(kernel shape %s)' % (xs[3], cin, kshape))
    k_eff = _eff((kh, kw), dilation)
    out_shape = _output_shape(xs, k_eff, strides, padding, cout)
    if _impl.NATIVE_CONV:
        border = 'valid'
        if padding == 'same':
            ph = _same_pads(x, 1, k_eff[0], strides[0])
            pw = _same_pads(x, 2, k_eff[1], strides[1])
            if all(isinstance(p, int) for p in ph + pw) and ph[0] == ph[1] and \
                    pw[0] == pw[1]:
                border = (ph[0], pw[0])
            else:
                x = _m._pad(x, {1: ph, 2: pw})
        out = _impl._native_conv2d(_nchw(x), kernel.dimshuffle(3, 2, 0, 1),
                                  border, strides, dilation)
        return _tag(_nhwc(out), out_shape)
    if _is_engine_tensor(kh) or _is_engine_tensor(kw):
        return _tag(_signal_conv_nhwc(x, kernel, strides, padding, dilation, False),
                    out_shape)
    if padding == 'same':
        x, _ = _pad_same(x, k_eff, strides)
    if kh == kw == 1:
        cols = x[:, ::strides[0], ::strides[1], :]     # the input is its own patch matrix
    else:
        cols = _im2col(x, (kh, kw), strides, dilation)
    out = T.dot(cols, kernel.reshape((kh * kw * cin, cout)))
    return _tag(out, out_shape)


def conv2d(x, kernel, strides=(1, 1), padding='valid', data_format=None,
           dilation_rate=(1, 1)):
    x, data_format = _nhwc_input(x, data_format, padding)
    out = _conv2d_nhwc(x, kernel, _pair(strides, 'strides'), padding,
                       _pair(dilation_rate, 'dilation_rate'))
    return _from_nhwc(out, data_format)


def conv1d(x, kernel, strides=1, padding='valid', data_format=None, dilation_rate=1):
    data_format = state.normalize_data_format(data_format)
    _check_padding(padding, ('valid', 'same', 'causal'))
    x = _to_tensor(x)
    kernel = _to_tensor(kernel)
    if x.ndim != 3 or kernel.ndim != 3:
        raise ValueError('conv1d: expected a 3-D input and a 3-D kernel (w, in, out), '
                         'received %d and %d axes' % (x.ndim, kernel.ndim))
    if isinstance(strides, (tuple, list)):
        strides = strides[0]
    if isinstance(dilation_rate, (tuple, list)):
        dilation_rate = dilation_rate[0]
    if data_format == 'channels_first':
        x = _m.permute_dimensions(x, (0, 2, 1))
    if padding == 'causal':
        kw = _known_shape(kernel)[0]
        if kw is None:
            kw = kernel.shape[0]
        x = _m._pad(x, {1: ((kw - 1) * int(dilation_rate), 0)})
        padding = 'valid'
    x4 = _m.expand_dims(x, 1)
    k4 = _m.expand_dims(kernel, 0)
    out = _conv2d_nhwc(x4, k4, (1, int(strides)), padding, (1, int(dilation_rate)))
    out = _m.squeeze(out, 1)
    if data_format == 'channels_first':
        out = _m.permute_dimensions(out, (0, 2, 1))
    return out


def conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding='valid',
                     data_format=None, dilation_rate=(1, 1)):
    x, data_format = _nhwc_input(x, data_format, padding)
    kernel = _to_tensor(kernel)
    if _is_engine_tensor(output_shape):
        raise ValueError('conv2d_transpose: output_shape must be a tuple whose spatial and '
                         'channel entries are ints (batch may be None or a tensor)')
    output_shape = channels_last_output_shape(output_shape, data_format)
    batch = output_shape[0]
    static_batch = batch if isinstance(batch, (int, np.integer)) else None
    if batch is None or isinstance(batch, (int, np.integer)):
        batch = x.shape[0]
    oh, ow, cout = (int(d) for d in output_shape[1:])
    kshape = _known_shape(kernel)
    if kshape[2] is not None and kshape[2] != cout:
        raise ValueError('conv2d_transpose: output_shape has %d channels but the kernel '
                         '(h, w, out, in) %s makes %d' % (cout, kshape, kshape[2]))
    # The adjoint of y -> conv2d(y, kernel): kernel (h, w, out, in) read as a conv2d
    # kernel maps `out` channels to `in` channels.
    y = T.zeros((batch, oh, ow, cout), dtype=x.dtype)
    forward = _conv2d_nhwc(y, kernel, _pair(strides, 'strides'), padding,
                           _pair(dilation_rate, 'dilation_rate'))
    out = _impl.grad(T.sum(forward * x), y)
    _tag(out, (static_batch if static_batch is not None else _known_shape(x)[0], oh, ow, cout))
    return _from_nhwc(out, data_format)


def _depthwise_nhwc(x, kernel, strides, padding, dilation):
    kernel, kshape, (kh, kw) = _kernel_of(x, kernel, 'depthwise_conv2d',
                                          '(h, w, in, multiplier)')
    cin, mult = kshape[2], kshape[3]
    xs = _known_shape(x)
    if cin is None:
        cin = xs[3]
    if cin is None:
        raise ValueError('depthwise_conv2d: the number of input channels must be known when '
                         'the function is built (kernel shape %s)' % (kshape,))
    k_eff = _eff((kh, kw), dilation)
    out_shape = _output_shape(xs, k_eff, strides, padding,
                              None if mult is None else cin * mult)
    if _impl.NATIVE_CONV:
        border = 'valid'
        if padding == 'same':
            x, _ = _pad_same(x, k_eff, strides)
        k = kernel.reshape((kh, kw, 1, -1), ndim=4).dimshuffle(3, 2, 0, 1)
        out = _impl._native_conv2d(_nchw(x), k, border, strides, dilation, num_groups=cin)
        return _tag(_nhwc(out), out_shape)
    if _is_engine_tensor(kh) or _is_engine_tensor(kw):
        return _tag(_signal_conv_nhwc(x, kernel, strides, padding, dilation, True),
                    out_shape)
    patches = _padded_windows(x, (kh, kw), k_eff, strides, padding, dilation)
    out = None
    for idx, p in enumerate(patches):
        i, j = divmod(idx, kw)
        term = p.dimshuffle(0, 1, 2, 3, 'x') * kernel[i, j].dimshuffle('x', 'x', 'x', 0, 1)
        out = term if out is None else out + term
    out = out.reshape((out.shape[0], out.shape[1], out.shape[2],
                       cin * mult if mult is not None else -1), ndim=4)
    return _tag(out, out_shape)


def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding='valid',
                     data_format=None, dilation_rate=(1, 1)):
    x, data_format = _nhwc_input(x, data_format, padding)
    out = _depthwise_nhwc(x, depthwise_kernel, _pair(strides, 'strides'), padding,
                          _pair(dilation_rate, 'dilation_rate'))
    return _from_nhwc(out, data_format)


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1),
                     padding='valid', data_format=None, dilation_rate=(1, 1)):
    x, data_format = _nhwc_input(x, data_format, padding)
    d = _depthwise_nhwc(x, depthwise_kernel, _pair(strides, 'strides'), padding,
                        _pair(dilation_rate, 'dilation_rate'))
    out = _conv2d_nhwc(d, pointwise_kernel, (1, 1), 'valid', (1, 1))
    return _from_nhwc(out, data_format)


def pool2d(x, pool_size, strides=(1, 1), padding='valid', data_format=None,
           pool_mode='max'):
    data_format = state.normalize_data_format(data_format)
    _check_padding(padding)
    if pool_mode not in ('max', 'avg'):
        raise ValueError('pool2d: pool_mode must be "max" or "avg", received %r'
                         % (pool_mode,))
    pool_size = _pair(pool_size, 'pool_size')
    strides = _pair(strides, 'strides')
    x = _to_nhwc(x, data_format)
    xs = _known_shape(x)
    out_shape = _output_shape(xs, pool_size, strides, padding, xs[3])
    if pool_mode == 'max' and padding == 'valid' and strides == pool_size:
        source = _nchw_source(x)    # the NCHW result of a convolution (see layout.py)
        if source is not None:
            nchw = (xs[0], xs[3], xs[1], xs[2])
            out = _nhwc(_tiled_max_pool(source, pool_size, (2, 3), nchw))
        else:
            out = _tiled_max_pool(x, pool_size, (1, 2), xs)
        return _from_nhwc(_tag(out, out_shape), data_format)
    if _impl.NATIVE_CONV and padding == 'valid':
        out = _impl._native_pool2d(_nchw(x), pool_size, strides, pool_mode)
        return _from_nhwc(_tag(_nhwc(out), out_shape), data_format)
    src = x
    if padding == 'same':
        fill = -np.inf if pool_mode == 'max' else 0
        src, (ph, pw) = _pad_same(x, pool_size, strides, value=fill)
    windows = _windows(src, pool_size, strides, (1, 1))
    out = windows[0]
    for w in windows[1:]:
        out = T.maximum(out, w) if pool_mode == 'max' else out + w
    if pool_mode == 'avg':
        if padding == 'same':
            ones = T.ones((1, x.shape[1], x.shape[2], 1), dtype=x.dtype)
            ones = _impl._set_broadcastable(ones, (True, False, False, True))
            padded = _m._pad(ones, {1: ph, 2: pw})
            cw = _windows(padded, pool_size, strides, (1, 1))
            count = cw[0]
            for w in cw[1:]:
                count = count + w
            count = _impl._set_broadcastable(count, (True, False, False, True))
            out = out / count
        else:
            out = out / np.asarray(pool_size[0] * pool_size[1], dtype=x.dtype)
    _tag(out, out_shape)
    return _from_nhwc(out, data_format)
