"""Theano adapter: NCHW sources of NHWC tensors around classic Theano's convolution and
pooling ops (which work on NCHW).

A channels_last convolution is ``dimshuffle(conv(dimshuffle(x)))``: the bias add and
ReLU after it then run on a strided NHWC view of the NCHW result, and the next
convolution or pooling reads a strided view of that (in the MNIST CNN the pooling op
took 33 ms forward and 56 ms backward on such a view, against 6 and 34 on a contiguous
one). So an NHWC tensor made by ``_nhwc`` remembers its NCHW source (in the variable's
``tag``): ``_nchw`` of it is that source, and ``bias_add`` and ``relu`` compute on the
source and return ``_nhwc`` of their result. Theano prunes the NHWC views nothing reads.
The values are the same; only the layout of intermediate results changes.
"""


def _nhwc(y):
    """NCHW ``y`` as NHWC, remembering ``y``."""
    out = y.dimshuffle(0, 2, 3, 1)
    out.tag.minikeras_nchw = y
    return out


def _nchw_source(x):
    """The NCHW tensor an NHWC ``x`` was made from by ``_nhwc``, or None."""
    return getattr(getattr(x, 'tag', None), 'minikeras_nchw', None)


def _nchw(x):
    """NHWC ``x`` as NCHW."""
    source = _nchw_source(x)
    return source if source is not None else x.dimshuffle(0, 3, 1, 2)
