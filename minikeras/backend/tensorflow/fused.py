"""TensorFlow adapter: the fused ops. ``lstm`` runs TensorFlow's ``BlockLSTM`` kernel
(the CPU op behind ``tf.contrib.rnn.LSTMBlockFusedCell``): the whole sequence in one op,
forward and backward, instead of a ``tf.while_loop`` of ~15 ops per step. For the IMDB
LSTM (batch 32, 80 steps, 128 units, one thread) forward + backward of the recurrence
take 26 ms against 114 ms for the loop. Its gradient is our own (``block_lstm.py``):
TensorFlow's ``BlockLSTMGrad`` forms the weight gradient step by step.

``BlockLSTM`` computes Keras's cell (no peepholes; ``forget_bias=0``; ``cell_clip=-1``
turns clipping off) with its gates in the order i, c, f, o and one weight matrix for
[x, h]: the Keras kernels are stacked and their gate columns reordered inside the graph,
so the gradients flow back to them. (``BlockLSTMV2``, whose gates are in Keras's order,
computes the same forward pass but TensorFlow 2.21's gradient for it does not match the
loop's.) Other dtypes than float32 take the generic loop.

``optimizer_step`` runs Keras's rules through TensorFlow's fused in-place update kernels
where their formulas are Keras's: ``ResourceApplyAdam`` (Adam without AMSGrad; given the
bias-corrected rate and beta powers of 0), ``ResourceApplyKerasMomentum`` (SGD with
momentum, Nesterov or not), ``ResourceApplyAdagradV2`` and ``ResourceApplyAdadelta``
(Keras's formulas; the kernel multiplies by a reciprocal square root where Keras
divides by a square root, a difference of an ulp). Each is one pass over the
parameter and its slots, written in place: the IMDB LSTM's 20000 x 128 embedding takes
2.8 ms against 8.7-10.5 ms for the generic expression (about ten elementwise passes and
a copy per assign). The kernels run after every read of the old values (TensorFlow
orders a function's reads and writes of one variable as they were made); the returned
new values are reads after them, which ``compiled_function`` recognizes
(``_written_in_place``) and does not assign again. Other rules (RMSprop's epsilon is
outside the square root in Keras, inside in TensorFlow's kernel), other dtypes, and
anything but variables take the generic rule.
"""
import sys

from minikeras.backend import generic
from minikeras.backend.tensorflow import block_lstm as _block
from minikeras.backend.tensorflow._tf import tf, _to_tensor

__all__ = ['lstm', 'optimizer_step']

# id(new value) -> (new value, variable) for values that optimizer_step wrote in place;
# compiled_function takes them out as it meets their updates.
_IN_PLACE = {}


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
    cs, h = _block._block_lstm(x_tm, c0, h0, weights, b)
    last = h[-1]
    return last, tf.transpose(h, [1, 0, 2]), [last, cs[-1]]


def _written_in_place(var, value):
    """Whether ``value`` is ``var``'s value after a fused in-place update (and forget it)."""
    entry = _IN_PLACE.pop(id(value), None)
    return entry is not None and entry[0] is value and entry[1] is var


def _fused_method(method, config):
    if method == 'adam':
        return not config.get('amsgrad')
    if method == 'sgd':
        return config.get('momentum', 0.) != 0.
    return method in ('adagrad', 'adadelta')


def _all_float32_variables(groups):
    return all(isinstance(v, tf.Variable) and v.dtype == tf.float32 and hasattr(v, 'handle')
               for group in groups for v in group)


def _apply(method, p, g, slots, i, lr, config):
    c = lambda value: tf.constant(value, tf.float32)   # noqa: E731
    if method == 'adam':
        # beta powers of 0: the kernel's rate lr * sqrt(1 - 0) / (1 - 0) is lr, which
        # Keras's rule has already bias-corrected
        return tf.raw_ops.ResourceApplyAdam(
            var=p.handle, m=slots[0][i].handle, v=slots[1][i].handle, beta1_power=c(0.),
            beta2_power=c(0.), lr=lr, beta1=c(config['beta_1']), beta2=c(config['beta_2']),
            epsilon=c(config['epsilon']), grad=g)
    if method == 'sgd':
        return tf.raw_ops.ResourceApplyKerasMomentum(
            var=p.handle, accum=slots[0][i].handle, lr=lr, grad=g,
            momentum=c(config['momentum']), use_nesterov=bool(config.get('nesterov')))
    if method == 'adadelta':
        return tf.raw_ops.ResourceApplyAdadelta(
            var=p.handle, accum=slots[0][i].handle, accum_update=slots[1][i].handle, lr=lr,
            rho=c(config['rho']), epsilon=c(config['epsilon']), grad=g)
    return tf.raw_ops.ResourceApplyAdagradV2(
        var=p.handle, accum=slots[0][i].handle, lr=lr, epsilon=c(config['epsilon']), grad=g)


def optimizer_step(method, params, grads, slots, lr, config):
    if tf.executing_eagerly() or not _fused_method(method, config) or \
            not _all_float32_variables([params] + list(slots)):
        return generic.optimizer_step(_ops(), method, params, grads, slots, lr, config)
    lr = tf.cast(_to_tensor(lr), tf.float32)
    new_params = []
    for i, (p, g) in enumerate(zip(params, grads)):
        g = tf.convert_to_tensor(g, tf.float32)     # IndexedSlices: dense, as Keras's rule
        with tf.control_dependencies([_apply(method, p, g, slots, i, lr, config)]):
            new_p = p.read_value()
        _IN_PLACE[id(new_p)] = (new_p, p)
        new_params.append(new_p)
    return new_params, [list(kind) for kind in slots]
