"""TensorFlow adapter: the fused ops. ``lstm`` runs TensorFlow's ``BlockLSTM`` kernel
(the CPU op behind ``tf.contrib.rnn.LSTMBlockFusedCell``): the whole sequence in one op,
forward and backward, instead of a ``tf.while_loop`` of ~15 ops per step. For the IMDB
LSTM (batch 32, 80 steps, 128 units, one thread) forward + backward of the recurrence
take 26 ms against 114 ms for the loop.

``BlockLSTM`` computes Keras's cell (no peepholes; ``forget_bias=0``; ``cell_clip=-1``
turns clipping off) with its gates in the order i, c, f, o and one weight matrix for
[x, h]: the Keras kernels are stacked and their gate columns reordered inside the graph,
so the gradients flow back to them. (``BlockLSTMV2``, whose gates are in Keras's order,
computes the same forward pass but TensorFlow 2.21's gradient for it does not match the
loop's.) Other dtypes than float32 take the generic loop. ``optimizer_step`` is the
generic one: TensorFlow's update already runs inside the step's one ``tf.function``.
"""
import sys

from minikeras.backend import generic
from minikeras.backend.tensorflow._tf import tf, _to_tensor

__all__ = ['lstm']


def _icfo(m):
    """Gate columns from Keras's order (i, f, c, o) to BlockLSTM's (i, c, f, o)."""
    i, f, c, o = tf.split(m, 4, axis=-1)
    return tf.concat([i, c, f, o], axis=-1)


def _ops():
    return sys.modules[__package__]


def lstm(inputs, initial_states, kernel, recurrent_kernel, bias=None, go_backwards=False):
    x = _to_tensor(inputs)
    h0, c0 = [_to_tensor(s) for s in initial_states]
    arrays = [x, h0, c0, _to_tensor(kernel), _to_tensor(recurrent_kernel)] + (
        [_to_tensor(bias)] if bias is not None else [])
    if any(a.dtype != tf.float32 for a in arrays) or x.shape.rank != 3 or x.shape[1] == 0:
        return generic.lstm(_ops(), inputs, initial_states, kernel, recurrent_kernel, bias,
                            go_backwards)
    units = int(recurrent_kernel.shape[0])
    x_tm = tf.transpose(x, [1, 0, 2])
    if go_backwards:
        x_tm = tf.reverse(x_tm, [0])
    weights = _icfo(tf.concat([arrays[3], arrays[4]], axis=0))
    b = _icfo(arrays[5]) if bias is not None else tf.zeros((4 * units,), tf.float32)
    no_peephole = tf.zeros((units,), tf.float32)
    _, cs, _, _, _, _, h = tf.raw_ops.BlockLSTM(
        seq_len_max=tf.cast(tf.shape(x_tm)[0], tf.int64), x=x_tm, cs_prev=c0, h_prev=h0,
        w=weights, wci=no_peephole, wcf=no_peephole, wco=no_peephole, b=b, forget_bias=0.0,
        cell_clip=-1.0, use_peephole=False)
    last = h[-1]
    return last, tf.transpose(h, [1, 0, 2]), [last, cs[-1]]
