"""Theano adapter: the patch matrix of a convolution (im2col) and its adjoint, as C ops,
for engines without a convolution op of their own (PyTensor).

A convolution there is a matrix product of the kernel with the input's patches,
(batch, out_h, out_w, kh * kw * channels). Built from graph ops, the patches are a
``Join`` of kh * kw strided slices (MNIST CNN: 27 ms for the second convolution) and
their gradient kh * kw strided increments into a zero-filled buffer (27 ms). ``_Im2Col``
copies each patch row with ``memcpy``; ``_Col2Im`` adds the gradient rows back in one
pass. Each is the other's gradient. NumPy versions serve the Python linker.
"""
import numpy as np

from minikeras.backend.theano._impl import T, _gradient, _tensor_input
from minikeras.backend.theano._impl import Apply as _Apply, COp as _COpBase

_GEOMETRY_C = """
    const npy_intp KH = %(kh)d, KW = %(kw)d, SH = %(sh)d, SW = %(sw)d;
    const npy_intp DH = %(dh)d, DW = %(dw)d;
    const npy_intp EH = (KH - 1) * DH + 1, EW = (KW - 1) * DW + 1;
"""

_IM2COL_C = """
{
%(geometry)s
    PyArrayObject *x = PyArray_GETCONTIGUOUS(%(x)s);
    if (!x) {
        %(fail)s
    }
    const npy_intp N = PyArray_DIMS(x)[0], H = PyArray_DIMS(x)[1];
    const npy_intp W = PyArray_DIMS(x)[2], C = PyArray_DIMS(x)[3];
    const npy_intp OH = H >= EH ? (H - EH) / SH + 1 : 0;
    const npy_intp OW = W >= EW ? (W - EW) / SW + 1 : 0;
    npy_intp dims[4] = {N, OH, OW, KH * KW * C};
    if (!%(z)s || !PyArray_IS_C_CONTIGUOUS(%(z)s) || PyArray_DIMS(%(z)s)[0] != dims[0]
            || PyArray_DIMS(%(z)s)[1] != dims[1] || PyArray_DIMS(%(z)s)[2] != dims[2]
            || PyArray_DIMS(%(z)s)[3] != dims[3]) {
        Py_XDECREF(%(z)s);
        %(z)s = (PyArrayObject*)PyArray_EMPTY(4, dims, %(typenum)s, 0);
        if (!%(z)s) {
            Py_DECREF(x);
            PyErr_SetString(PyExc_MemoryError, "im2col: no memory");
            %(fail)s
        }
    }
    {
        const %(ctype)s *xp = (const %(ctype)s*)PyArray_DATA(x);
        %(ctype)s *zp = (%(ctype)s*)PyArray_DATA(%(z)s);
        const size_t row = (size_t)C * sizeof(%(ctype)s);
        npy_intp n, oh, ow, i, j;
        for (n = 0; n < N; ++n)
          for (oh = 0; oh < OH; ++oh)
            for (ow = 0; ow < OW; ++ow)
              for (i = 0; i < KH; ++i) {
                const %(ctype)s *xr = xp + ((n * H + oh * SH + i * DH) * W + ow * SW) * C;
                for (j = 0; j < KW; ++j, zp += C)
                  memcpy(zp, xr + j * DW * C, row);
              }
    }
    Py_DECREF(x);
}
"""

_COL2IM_C = """
{
%(geometry)s
    npy_intp dims[4];
    int k;
    if (PyArray_DIM(%(s)s, 0) != 4) {
        PyErr_SetString(PyExc_ValueError, "col2im: the input shape must have 4 entries");
        %(fail)s
    }
    for (k = 0; k < 4; ++k)
        dims[k] = (npy_intp)*(npy_int64*)PyArray_GETPTR1(%(s)s, k);
    const npy_intp N = dims[0], H = dims[1], W = dims[2], C = dims[3];
    const npy_intp OH = H >= EH ? (H - EH) / SH + 1 : 0;
    const npy_intp OW = W >= EW ? (W - EW) / SW + 1 : 0;
    const npy_intp *gd = PyArray_DIMS(%(g)s);
    if (PyArray_NDIM(%(g)s) != 4 || gd[0] != N || gd[1] != OH || gd[2] != OW
            || gd[3] != KH * KW * C) {
        PyErr_Format(PyExc_ValueError, "col2im: patches of shape (%%ld, %%ld, %%ld, %%ld) "
                     "do not match an input of shape (%%ld, %%ld, %%ld, %%ld)",
                     (long)gd[0], (long)gd[1], (long)gd[2], (long)gd[3], (long)N,
                     (long)H, (long)W, (long)C);
        %(fail)s
    }
    PyArrayObject *g = PyArray_GETCONTIGUOUS(%(g)s);
    if (!g) {
        %(fail)s
    }
    Py_XDECREF(%(z)s);
    %(z)s = (PyArrayObject*)PyArray_ZEROS(4, dims, %(typenum)s, 0);
    if (!%(z)s) {
        Py_DECREF(g);
        PyErr_SetString(PyExc_MemoryError, "col2im: no memory");
        %(fail)s
    }
    {
        const %(ctype)s *gp = (const %(ctype)s*)PyArray_DATA(g);
        %(ctype)s *zp = (%(ctype)s*)PyArray_DATA(%(z)s);
        npy_intp n, oh, ow, i, j, c;
        for (n = 0; n < N; ++n)
          for (oh = 0; oh < OH; ++oh)
            for (ow = 0; ow < OW; ++ow)
              for (i = 0; i < KH; ++i) {
                %(ctype)s *zr = zp + ((n * H + oh * SH + i * DH) * W + ow * SW) * C;
                for (j = 0; j < KW; ++j, gp += C) {
                  %(ctype)s *zc = zr + j * DW * C;
                  for (c = 0; c < C; ++c)
                    zc[c] += gp[c];
                }
              }
    }
    Py_DECREF(g);
}
"""


def _out_len(n, eff, stride):
    return (n - eff) // stride + 1 if n >= eff else 0


class _PatchOp(_COpBase):
    """Shared geometry: kernel (kh, kw), strides (sh, sw), dilation (dh, dw), NHWC."""
    __props__ = ('kh', 'kw', 'sh', 'sw', 'dh', 'dw')

    def __init__(self, kh, kw, sh, sw, dh, dw):
        self.kh, self.kw, self.sh, self.sw, self.dh, self.dw = (
            int(kh), int(kw), int(sh), int(sw), int(dh), int(dw))

    def _geometry(self):
        return (self.kh, self.kw, self.sh, self.sw, self.dh, self.dw)

    def _eff(self):
        return (self.kh - 1) * self.dh + 1, (self.kw - 1) * self.dw + 1

    def _slices(self, h, w):
        """((i, j), rows, cols) for each kernel position, in patch order."""
        eh, ew = self._eff()
        oh, ow = _out_len(h, eh, self.sh), _out_len(w, ew, self.sw)
        for i in range(self.kh):
            for j in range(self.kw):
                r0, c0 = i * self.dh, j * self.dw
                yield (slice(r0, r0 + (oh - 1) * self.sh + 1, self.sh) if oh else slice(0, 0),
                       slice(c0, c0 + (ow - 1) * self.sw + 1, self.sw) if ow else slice(0, 0))

    def _c_values(self, node, sub):
        dtype = node.outputs[0].dtype
        values = dict(zip(('kh', 'kw', 'sh', 'sw', 'dh', 'dw'), self._geometry()))
        return dict(fail=sub['fail'], ctype='npy_' + dtype, typenum='NPY_' + dtype.upper(),
                    geometry=_GEOMETRY_C % values)

    def c_headers(self, **kwargs):
        return ['<string.h>']

    def c_code_cache_version(self):
        return (1,)


class _Im2Col(_PatchOp):
    """NHWC ``x`` -> its patches (batch, out_h, out_w, kh * kw * channels), 'valid'."""

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        if x.ndim != 4 or not str(x.dtype).startswith('float'):
            raise TypeError('im2col: expected a 4-D float tensor, received %s' % x.type)
        return _Apply(self, [x], [_tensor_input(x.dtype, (None,) * 4)])

    def infer_shape(self, *args):
        n, h, w, c = args[-1][0]
        eh, ew = self._eff()
        oh = T.switch(T.ge(h, eh), (h - eh) // self.sh + 1, 0)
        ow = T.switch(T.ge(w, ew), (w - ew) // self.sw + 1, 0)
        return [(n, oh, ow, self.kh * self.kw * c)]

    def perform(self, node, inputs, outputs):
        x = inputs[0]
        parts = [x[:, rows, cols, :] for rows, cols in self._slices(x.shape[1], x.shape[2])]
        outputs[0][0] = np.ascontiguousarray(np.concatenate(parts, axis=3))

    def grad(self, inputs, output_grads):
        return [_Col2Im(*self._geometry())(output_grads[0], inputs[0].shape)]

    def c_code(self, node, name, inputs, outputs, sub):
        values = self._c_values(node, sub)
        values.update(x=inputs[0], z=outputs[0])
        return _IM2COL_C % values


class _Col2Im(_PatchOp):
    """(patch gradient, input shape) -> the gradient of ``_Im2Col``'s input: each
    patch row added back where it was copied from."""

    def make_node(self, g, shape):
        g = T.as_tensor_variable(g)
        shape = T.cast(T.as_tensor_variable(shape), 'int64')
        if g.ndim != 4 or shape.ndim != 1:
            raise TypeError('col2im: expected 4-D patches and a shape vector, received '
                            '%s and %s' % (g.type, shape.type))
        return _Apply(self, [g, shape], [_tensor_input(g.dtype, (None,) * 4)])

    def infer_shape(self, *args):
        shape = args[-2].inputs[1]      # (node, shapes) or (fgraph, node, shapes)
        return [tuple(shape[k] for k in range(4))]

    def connection_pattern(self, node):
        return [[True], [False]]

    def perform(self, node, inputs, outputs):
        g, shape = inputs
        z = np.zeros(tuple(int(d) for d in shape), dtype=g.dtype)
        c = z.shape[3]
        for k, (rows, cols) in enumerate(self._slices(z.shape[1], z.shape[2])):
            z[:, rows, cols, :] += g[..., k * c:(k + 1) * c]
        outputs[0][0] = z

    def grad(self, inputs, output_grads):
        return [_Im2Col(*self._geometry())(output_grads[0]),
                _gradient.DisconnectedType()()]

    def c_code(self, node, name, inputs, outputs, sub):
        values = self._c_values(node, sub)
        values.update(g=inputs[0], s=inputs[1], z=outputs[0])
        return _COL2IM_C % values


def _im2col(x, size, strides, dilation):
    """The 'valid' patches of NHWC ``x``: (batch, out_h, out_w, kh * kw * channels), in
    kernel order (row-major over the kernel, channels fastest)."""
    return _Im2Col(size[0], size[1], strides[0], strides[1], dilation[0], dilation[1])(x)
