"""TensorFlow adapter: data-parallel training on ``tf.distribute``.

Workers are processes joined by ``tf.distribute.MultiWorkerMirroredStrategy``, each
started with its ``TF_CONFIG`` (``launch_plan``: one process per rank, addresses on
free ports). The strategy must exist before TensorFlow runs its first op (TensorFlow
configures collective ops at program startup, and variables made before cannot be read
after): a process that ``minikeras-launch`` started for this runtime (``TF_CONFIG`` and
``MINIKERAS_DIST_WORLD_SIZE`` > 1 in its environment) therefore joins the cluster when
the TensorFlow engine is imported (``join_if_launched``; it waits there for its peers),
and ``minikeras.distribute.init()`` later finds that communicator.

The model's variables stay ordinary ``tf.Variable``s (made by ``K.variable`` outside any
strategy scope, so layers need not know about distribution); the chief's initial
values reach the others by ``Communicator.broadcast``. A training step is ONE
``tf.function``: forward and gradients, a single batched collective all-reduce of the
gradients, outputs and non-gradient updates (``CollectiveReduceV2`` ring ops, weighted by
each worker's batch size), then the optimizer's updates, all in-graph. Collectives run
with the job's timeout; a peer that dies is reported by TensorFlow's coordination
service (missing heartbeats, about 10 s) and surfaces as ``DistributedError`` naming it.
"""
import json
import os

from minikeras.backend import distribute_native as _native
from minikeras.backend.tensorflow import _mirrored
from minikeras.backend.tensorflow._tf import tf
from minikeras.backend.parallel.communicator import (
    DistributedError, buffer_dtype, pack, unpack)

_RUNTIME = 'tf.distribute'
_STATE = {'communicator': None}


def distributed_runtime():
    return _RUNTIME


def launch_plan(num_workers, hosts, argv, base_env):
    ranks_hosts = _native.worker_hosts(num_workers, hosts)
    ports = _native.ports_for(num_workers, ranks_hosts, base_env)
    addresses = ['%s:%d' % (h, p) for h, p in zip(ranks_hosts, ports)]
    specs = []
    for rank, host in enumerate(ranks_hosts):
        if not _native.is_local(host):
            continue            # started by the launcher of that host
        tf_config = {'cluster': {'worker': addresses},
                     'task': {'type': 'worker', 'index': rank}}
        env = _native.worker_env(base_env, rank, num_workers,
                                 {'TF_CONFIG': json.dumps(tf_config)})
        specs.append((list(argv), env, [rank]))
    return specs


def _tf_errors():
    return (tf.errors.UnavailableError, tf.errors.DeadlineExceededError,
            tf.errors.CancelledError, tf.errors.AbortedError, tf.errors.InternalError)


def _raise_lost(error, comm):
    """A ``DistributedError`` for TensorFlow's collective ``error``: the peers of this
    host that exited or stopped, else the task TensorFlow names (missing heartbeats)."""
    gone = comm.gone_peers()
    if gone:
        raise comm.lost_error('a collective (%s)' % type(error).__name__, gone)
    message = getattr(error, 'message', None) or str(error)
    unhealthy = _native.lost_rank(message, comm.rank,
                                  r'unhealthy[^/]*/job:worker/replica:\d+/task:(\d+)')
    rank = unhealthy if unhealthy is not None else _native.lost_rank(message, comm.rank)
    raise DistributedError(_native.lost_message(_RUNTIME, comm.rank, rank, message),
                           lost_rank=rank)


class TFCommunicator(_native.SumCommunicator):
    """Collectives of a ``MultiWorkerMirroredStrategy`` (ring all-reduce over gRPC)."""

    runtime = _RUNTIME

    def __init__(self, config):
        if not os.environ.get('TF_CONFIG'):
            raise DistributedError(
                'the TensorFlow runtime (tf.distribute) needs TF_CONFIG in each worker\'s '
                'environment: start the job with `minikeras-launch -n %d python train.py`'
                % config.get('world_size', 2))
        timeout = config.get('timeout_s')
        self.timeout_s = float(timeout or 60.)
        options = tf.distribute.experimental.CommunicationOptions(
            implementation=tf.distribute.experimental.CommunicationImplementation.RING,
            timeout_seconds=float(timeout) if timeout else None)
        try:
            self.strategy = tf.distribute.MultiWorkerMirroredStrategy(
                communication_options=options)
        except RuntimeError as e:
            if 'program startup' not in str(e):
                raise
            raise DistributedError(
                'tf.distribute must be set up before TensorFlow runs anything: call '
                'minikeras.distribute.init() at the start of the script, before building a '
                'model or creating a variable (%s)' % e)
        resolver = self.strategy.cluster_resolver
        self.rank = int(resolver.task_id)
        self.world_size = int(self.strategy.num_replicas_in_sync)
        self.device = self.strategy.extended.worker_devices[0]
        self.share_peers()
        _STATE['communicator'] = self

    # --- in-graph (and eager) sum over workers ---------------------------------------
    def sum_tensors(self, tensors):
        """Sum over workers of each tensor (one batched collective), as plain tensors on
        this worker's device. Works eagerly and inside a ``tf.function``."""
        if not tensors:
            return []
        reduced = self.strategy.extended.batch_reduce_to(
            tf.distribute.ReduceOp.SUM, [(t, self.device) for t in tensors])
        return [self.strategy.experimental_local_results(r)[0] for r in reduced]

    def _run(self, fn):
        try:
            return fn()
        except _tf_errors() as e:
            _raise_lost(e, self)

    def allreduce_sum(self, arrays):
        if not arrays:
            return []
        dtype = buffer_dtype(arrays)

        def run():
            with tf.device(self.device):
                flat = tf.constant(pack(arrays, dtype))
                return self.sum_tensors([flat])[0].numpy()
        return unpack(self._run(run), arrays)

    def close(self):
        _STATE['communicator'] = None


def _launched_config():
    """The config of a worker started by ``minikeras-launch`` for tf.distribute, or None."""
    try:
        world_size = int(os.environ.get('MINIKERAS_DIST_WORLD_SIZE') or 1)
    except ValueError:
        return None
    if world_size < 2 or not os.environ.get('TF_CONFIG'):
        return None
    return {'rank': int(os.environ.get('MINIKERAS_DIST_RANK') or 0), 'world_size': world_size,
            'timeout_s': float(os.environ.get('MINIKERAS_DIST_TIMEOUT') or 60.)}


def _join_if_launched():
    """Called when the engine is imported: join the cluster now when launched for it."""
    config = _launched_config()
    if config is not None and _STATE['communicator'] is None:
        TFCommunicator(config)


def make_communicator(config):
    if _STATE['communicator'] is not None:
        return _STATE['communicator']
    return TFCommunicator(config)


def _weighted_parts(values, n):
    """Each of ``values`` times this part's batch size ``n`` (zeros for an empty batch;
    non-float values as float64), then ``n``: what is summed over the parts."""
    values = [tf.convert_to_tensor(v) for v in values]
    # one dtype for the whole batch of collectives (they are packed together): float32
    # when every value is a float32 (or float16), else float64
    low = all(v.dtype in (tf.float32, tf.float16) for v in values)
    dtype = tf.float32 if low else tf.float64
    has, weight = n > 0, tf.cast(n, dtype)
    scaled = [tf.where(has, tf.cast(v, dtype) * weight, tf.zeros(tf.shape(v), dtype))
              for v in values]
    return scaled + [weight]


def _weighted_mean(comm, values, n):
    """Mean of ``values`` over the global batch: the sum over workers of the weighted
    parts, divided by the summed sizes. Returns (means, global batch size)."""
    sums = comm.sum_tensors(_weighted_parts(values, n))
    total = sums[-1]
    means = []
    for s, v in zip(sums[:-1], values):
        means.append(_cast_back(s / tf.cast(total, s.dtype), tf.convert_to_tensor(v).dtype))
    return means, total


def _cast_back(mean, dtype):
    """A mean computed in the reduction's dtype, in the value's own ``dtype``."""
    if mean.dtype == dtype:
        return mean
    return tf.cast(mean if dtype.is_floating else tf.round(mean), dtype)


def data_parallel_step(grad_step, apply_step, input_specs, communicator, name=None):
    if isinstance(communicator, _mirrored.MirroredReplicas):
        return _mirrored._mirrored_step(grad_step, apply_step, input_specs, communicator,
                                       name or 'data_parallel_step', _weighted_parts,
                                       _cast_back)
    if not isinstance(communicator, TFCommunicator):
        from minikeras.backend import distribute_generic
        return distribute_generic.data_parallel_step(grad_step, apply_step, input_specs,
                                                     communicator, name)
    from minikeras.backend.tensorflow.compile import CompiledFunction

    def fn(*tensors):
        with tf.device(communicator.device):
            n = tf.shape(tensors[0])[0] if tensors else tf.constant(1)
            outputs, grads, updates = grad_step(*tensors)
            outputs, grads, updates = list(outputs), list(grads), list(updates)
            means, total = _weighted_mean(communicator,
                                          outputs + grads + [v for _, v in updates], n)
            k, g = len(outputs), len(grads)
            state = [(var, value) for (var, _), value in zip(updates, means[k + g:])]
            return means[:k] + [total], state + list(apply_step(*means[k:k + g]))

    compiled = CompiledFunction(fn, input_specs, name=name or 'data_parallel_step')

    def step(*arrays):
        try:
            values = compiled(*arrays)
        except _tf_errors() as e:
            _raise_lost(e, communicator)
        step.last_size = int(round(float(values[-1])))   # the global batch's size
        return values[:-1]
    step.__name__ = str(name or 'data_parallel_step')
    step.last_size = 0
    step.compiled = compiled
    return step


def device_replicas(gpus, cpu_merge, cpu_relocation):
    if isinstance(gpus, (list, tuple)):
        wanted = ['/gpu:%d' % int(g) for g in gpus]
    else:
        wanted = ['/gpu:%d' % i for i in range(int(gpus))]
    available = ['/gpu:%d' % i for i in range(len(tf.config.list_logical_devices('GPU')))]
    missing = [d for d in wanted if d not in available]
    if missing:
        raise ValueError('To call `multi_gpu_model` with `gpus=%s`, we expect the following '
                         'devices to be available: %s. However this machine only has: %s. '
                         'Try reducing `gpus`.' % (gpus, ['/cpu:0'] + wanted,
                                                   ['/cpu:0'] + available))
    # cpu_merge / cpu_relocation place Keras 2's merge and weights on the CPU; here the
    # weights are the model's own variables and the strategy reduces the gradients
    return _mirrored.MirroredReplicas(wanted)
