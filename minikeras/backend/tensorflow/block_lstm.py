"""TensorFlow adapter: ``BlockLSTM``'s forward pass with a gradient of our own.

TensorFlow's gradient of ``BlockLSTM`` (``BlockLSTMGrad``) adds each step's weight
gradient ``[x_t, h_{t-1}]^T @ dgates_t`` into the weight gradient inside its loop: a
matrix product whose inner dimension is the batch (32 for the IMDB LSTM), and a
read-modify-write of the whole (input + units) x 4 units matrix, per step. It took 19 of
the IMDB LSTM step's 31 ms.

Here the loop (a ``tf.while_loop`` from the last step to the first) carries only what is
recurrent: the gradients of h and of the cell state, and one product
``dgates_t @ W_h^T`` per step. The factors each gate's gradient needs from the forward
pass (``BlockLSTM`` returns the gate activations) are computed for all steps at once
before the loop, and the weight, bias and input gradients after it, each as one product
over all steps. Forward + backward of that recurrence (80 steps, batch 32, 128 units,
one thread): 18 ms against 24.5 ms with ``BlockLSTMGrad``; the IMDB LSTM's training step
24 ms against 31. Same values to float32 rounding
(``tests/backend/test_tensorflow_specific.py``).

The cell is Keras's: no peepholes, ``forget_bias=0``, no clipping; gates in
``BlockLSTM``'s order i, c, f, o in one weight matrix for [x, h].
"""
from minikeras.backend.tensorflow._tf import tf


def _zeros_if_none(grad, like):
    return tf.zeros_like(like) if grad is None else grad


def _gates_gradient_factors(c0, cs, i, f, o, ci, co):
    """Per step, what multiplies the cell-state gradient (gates i, c, f) or the output
    gradient (gate o) into each gate's pre-activation gradient, side by side as
    [T, batch, 4 units]; and what carries h's gradient into the cell state's."""
    cs_prev = tf.concat([c0[None], cs[:-1]], 0)
    factors = tf.concat([ci * i * (1. - i), i * (1. - ci * ci), cs_prev * f * (1. - f),
                         co * o * (1. - o)], -1)
    return factors, o * (1. - co * co)


def _backward(x, c0, h0, w, outputs, d_cs, d_h):
    i, cs, f, o, ci, co, h = outputs
    d_cs, d_h = _zeros_if_none(d_cs, cs), _zeros_if_none(d_h, h)
    factors, h_to_cs = _gates_gradient_factors(c0, cs, i, f, o, ci, co)
    n_in = tf.shape(x)[-1]
    w_x, w_h = w[:n_in], w[n_in:]
    steps = tf.shape(x)[0]

    def per_step(value):
        return tf.TensorArray(value.dtype, size=steps).unstack(value)
    d_h_t, d_cs_t, h_to_cs_t, factors_t, f_t = [per_step(v) for v in
                                                (d_h, d_cs, h_to_cs, factors, f)]

    def step(t, d_h_next, d_cs_next, d_gates):
        d_h_here = d_h_t.read(t) + d_h_next
        d_cs_here = d_cs_t.read(t) + d_cs_next + d_h_here * h_to_cs_t.read(t)
        d_gate = tf.concat([d_cs_here, d_cs_here, d_cs_here, d_h_here], -1) * factors_t.read(t)
        return (t - 1, tf.matmul(d_gate, w_h, transpose_b=True), d_cs_here * f_t.read(t),
                d_gates.write(t, d_gate))

    _, d_h0, d_c0, d_gates = tf.while_loop(
        lambda t, *_: t >= 0, step,
        (steps - 1, tf.zeros_like(h0), tf.zeros_like(c0),
         tf.TensorArray(x.dtype, size=steps)))
    d_gates = d_gates.stack()
    flat = tf.reshape(d_gates, [-1, tf.shape(d_gates)[-1]])
    h_prev = tf.concat([h0[None], h[:-1]], 0)
    d_w = tf.concat([tf.matmul(tf.reshape(x, [-1, n_in]), flat, transpose_a=True),
                     tf.matmul(tf.reshape(h_prev, [-1, tf.shape(h)[-1]]), flat,
                               transpose_a=True)], 0)
    d_x = tf.reshape(tf.matmul(flat, w_x, transpose_b=True), tf.shape(x))
    # the bias gradient as a product with ones: Eigen's sum over the leading axis of the
    # (steps x batch, 4 units) matrix took 1 ms, the product 0.1
    d_b = tf.matmul(tf.ones([1, tf.shape(flat)[0]], flat.dtype), flat)[0]
    return d_x, d_c0, d_h0, d_w, d_b


@tf.custom_gradient
def _block_lstm(x, c0, h0, w, b):
    """Cell states and outputs of all steps ([T, batch, units] each) of Keras's LSTM cell
    over time-major ``x`` from the states ``h0``, ``c0``; ``w``: [x, h] x 4 units, ``b``:
    4 units, gates in the order i, c, f, o."""
    no_peephole = tf.zeros(tf.shape(b)[-1:] // 4, b.dtype)
    outputs = tf.raw_ops.BlockLSTM(
        seq_len_max=tf.cast(tf.shape(x)[0], tf.int64), x=x, cs_prev=c0, h_prev=h0, w=w,
        wci=no_peephole, wcf=no_peephole, wco=no_peephole, b=b, forget_bias=0.0,
        cell_clip=-1.0, use_peephole=False)

    def gradient(d_cs, d_h):
        return _backward(x, c0, h0, w, outputs, d_cs, d_h)
    return (outputs[1], outputs[6]), gradient

