"""``multi_gpu_model`` on TensorFlow: one model's training step split over the devices of
this machine with ``tf.distribute.MirroredStrategy``.

The returned model shares every layer (and so every weight) with the original; its
training step is one ``tf.function``: each device computes the gradients of its slice
of the batch (``strategy.run``), the strategy sums them weighted by slice size (an
all-reduce over the devices), and the optimizer's updates are applied once, to the
model's ordinary variables. Evaluation and prediction run as the original model does.
"""
from minikeras.backend.tensorflow._tf import tf
from minikeras.backend.parallel.communicator import LocalCommunicator


class MirroredReplicas(LocalCommunicator):
    """The devices of this process as replicas (one process: its collectives are the
    identity; the split happens inside the step)."""

    runtime = 'tf.distribute.MirroredStrategy'

    def __init__(self, devices):
        self.devices = list(devices)
        self.strategy = tf.distribute.MirroredStrategy(self.devices)


def _slice(tensor, replica, count):
    n = tf.shape(tensor)[0]
    start, stop = replica * n // count, (replica + 1) * n // count
    return tensor[start:stop]


def _mirrored_step(grad_step, apply_step, input_specs, replicas, name, weighted_parts,
                  cast_back):
    """The ``data_parallel_step`` of ``replicas``: ``weighted_parts(values, n)`` gives
    the batch-size-weighted values of one slice (and ``n``) for the sum, and
    ``cast_back(mean, dtype)`` a mean in its value's dtype."""
    from minikeras.backend.tensorflow.compile import CompiledFunction
    strategy, count = replicas.strategy, len(replicas.devices)
    sizes = {}

    def fn(*tensors):
        def replica_fn(*full):
            replica = tf.distribute.get_replica_context().replica_id_in_sync_group
            part = [_slice(t, replica, count) for t in full]
            n = tf.shape(part[0])[0]
            outputs, grads, updates = grad_step(*part)
            values = list(outputs) + list(grads) + [v for _, v in updates]
            sizes['counts'] = (len(outputs), len(grads), [var for var, _ in updates])
            sizes['dtypes'] = [tf.convert_to_tensor(v).dtype for v in values]
            return weighted_parts(values, n)
        per_replica = strategy.run(replica_fn, args=tuple(tensors))
        sums = [strategy.reduce(tf.distribute.ReduceOp.SUM, v, axis=None)
                for v in per_replica]
        k, g, targets = sizes['counts']
        total = sums[-1]
        means = [cast_back(s / tf.cast(total, s.dtype), dtype)
                 for s, dtype in zip(sums[:-1], sizes['dtypes'])]
        state = list(zip(targets, means[k + g:]))
        return means[:k] + [total], state + list(apply_step(*means[k:k + g]))

    compiled = CompiledFunction(fn, input_specs, name=name)

    def step(*arrays):
        values = compiled(*arrays)
        step.last_size = int(round(float(values[-1])))
        return values[:-1]
    step.__name__ = str(name)
    step.last_size = 0
    return step
