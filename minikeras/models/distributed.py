"""``fit`` across workers (``minikeras.distribute``): sharded data, one data-parallel
step per batch, aggregated logs, chief-only output.

``session_for(model)`` is None for a single process, and ``fit`` then runs exactly as
without this module. Otherwise ``DistributedFit`` gives the training loop its sharded
data adapters, its step function (``K.data_parallel_step``: local gradients, averaged by
the engine's runtime, applied on every worker), the chief's initial weights and
optimizer state, and the callbacks this worker runs.
"""
import numpy as np

import minikeras.backend as K
from minikeras.distribute import sharding
from minikeras.models import data_adapters
from minikeras.utils.data_utils import Sequence

# Callbacks that write files, send data or print: they run on the chief only. A
# callback of another class opts in with a ``chief_only = True`` attribute.
_CHIEF_ONLY = ('ModelCheckpoint', 'CSVLogger', 'TensorBoard', 'RemoteMonitor',
               'ProgbarLogger')


def session_for(model):
    """The ``DistributedFit`` for ``model`` when several workers train, else None."""
    from minikeras import distribute
    if not distribute.is_initialized() and not distribute.launched():
        return None
    comm = distribute.communicator()
    if comm.world_size <= 1:
        return None
    return DistributedFit(model, comm)


def chief_only(callback):
    return bool(getattr(callback, 'chief_only', False)) or \
        type(callback).__name__ in _CHIEF_ONLY


class DistributedFit(object):
    def __init__(self, model, comm):
        self.model, self.comm = model, comm
        self.rank, self.world_size = comm.rank, comm.world_size
        self._functions = {}
        self._synced = False
        if getattr(model, 'stateful', False):
            raise ValueError('fit on %d workers: model %s is stateful (its RNN states follow '
                             'one sequence of batches); train it in one process'
                             % (self.world_size, model.name))

    # --- agreement ----------------------------------------------------------------
    def agree(self, value, what):
        """``value`` (JSON-able) when every worker has the same, else a clear error."""
        values = self.comm.allgather_object(value)
        if any(v != values[0] for v in values):
            raise ValueError('fit on %d workers: every worker must pass the same %s; '
                             'received %s (by rank)' % (self.world_size, what, values))
        return value

    def any(self, flag):
        return any(self.comm.allgather_object(bool(flag)))

    # --- data ---------------------------------------------------------------------
    def arrays(self, ins, batch_size, shuffle):
        self.agree([len(ins[0]), batch_size, str(shuffle)],
                   'data length, batch_size and shuffle')
        if batch_size < self.world_size:
            raise ValueError('fit on %d workers: batch_size is the global batch, split over '
                             'the workers; it must be at least %d, received %d'
                             % (self.world_size, self.world_size, batch_size))
        # below 2**24: exact through every runtime's sums, float32 ones included (MXNet's
        # KVStore rounded a larger seed to float32 precision, so a resumed run reshuffled)
        seed = int(np.random.randint(0, 2 ** 24)) if shuffle else 0
        seed = int(self.comm.broadcast([np.array([seed], dtype=np.int64)])[0][0])
        return ShardedArrays(ins, batch_size, shuffle, seed, self.rank, self.world_size)

    def generator(self, generator, steps, prepare):
        adapter = ShardedGenerator(generator, steps, prepare, self.rank, self.world_size)
        self.agree(adapter.batches, 'number of batches per epoch (steps_per_epoch)')
        return adapter

    # --- the step -----------------------------------------------------------------
    def function(self, mode, arrays):
        if mode != 'train':
            return self.model._function(mode, arrays)
        specs = [((None,) + tuple(a.shape[1:]), str(a.dtype)) for a in arrays]
        key = tuple(specs)
        fn = self._functions.get(key)
        if fn is None:
            model = self.model
            n_in = len(model._model_inputs())
            n_out = len(getattr(model, '_target_index', ()))
            grad_step, apply_step = train_parts(model, n_in, n_out)
            fn = K.data_parallel_step(grad_step, apply_step, specs, self.comm,
                                      name='%s_train' % model.name)
            self._functions[key] = fn
            self._sync_weights()
        return fn

    def _sync_weights(self):
        """Everyone starts from the chief's weights and optimizer state."""
        if self._synced:
            return
        model, opt = self.model, self.model.optimizer
        values = model.get_weights() + opt.get_weights()
        values = self.comm.broadcast(values, root=0)
        n = len(model.weights)
        model.set_weights(values[:n])
        opt.set_weights(values[n:])
        self._synced = True

    # --- callbacks and validation ------------------------------------------------
    def begin(self, verbose, callbacks):
        """The verbosity and callbacks of this worker: output on the chief only."""
        if self.rank == 0:
            return verbose, callbacks
        return 0, [c for c in (callbacks or []) if not chief_only(c)]

    def evaluate(self, val, callbacks):
        """Validation loss and metrics over every worker's part of the data."""
        model = self.model
        if val.ins is None:      # a generator: every worker runs all of it (same result)
            return model._evaluate_epoch(val.adapter(), verbose=0, callbacks=callbacks)
        part = sharding.local_part(np.arange(len(val.ins[0])), self.rank, self.world_size)
        values, n = [0.] * len(model.metrics_names), len(part)
        if n:
            batch = getattr(val.adapter(), 'batch_size', 32)
            adapter = data_adapters.ArrayAdapter([a[part] for a in val.ins], batch)
            values = model._evaluate_epoch(adapter, verbose=0, callbacks=callbacks)
        summed = self.comm.allreduce_sum([np.asarray(values, dtype=np.float64) * n,
                                          np.array([n], dtype=np.float64)])
        return [float(v) for v in summed[0] / summed[1][0]]


def train_parts(model, n_in, n_out):
    """The train step split for ``K.data_parallel_step``: gradients (and non-gradient
    updates) of this worker's batch, then the optimizer's updates for given gradients."""
    params = model._trainable_weights_for_training()
    opt = model.optimizer
    opt.build(params)

    def grad_step(*tensors):
        xs, ys, sws = tensors[:n_in], tensors[n_in:n_in + n_out], tensors[n_in + n_out:]
        outputs, masks, ctx = model._forward(xs, training=True, with_masks=True)
        total, values = model._loss_and_metrics(ys, outputs, sws, ctx, masks)
        grads = opt._raw_gradients(total, params)
        return [total] + values, grads, list(ctx.updates) + list(ctx.state_updates)

    def apply_step(*grads):
        # the optimizer's own get_updates, fed the averaged gradients (then clipped)
        opt.get_gradients = lambda loss, ps: opt._clip_gradients(list(grads))
        try:
            return list(opt.get_updates(None, params))
        finally:
            del opt.get_gradients
    return grad_step, apply_step


class ShardedArrays(object):
    """``ArrayAdapter`` for one worker: its part of every global batch."""

    in_memory = True

    def __init__(self, ins, batch_size, shuffle, seed, rank, world_size):
        self.ins, self.batch_size, self.shuffle, self.seed = list(ins), batch_size, shuffle, seed
        self.rank, self.world_size = rank, world_size
        self.samples = len(self.ins[0])

    def first(self):
        part = sharding.local_part(np.arange(min(self.batch_size, self.samples)),
                                   self.rank, self.world_size)
        return [a[part] for a in self.ins]

    def callback_params(self):
        return {'steps': None, 'samples': self.samples, 'batch_size': self.batch_size}

    def epoch(self, epoch=0):
        order = sharding.epoch_order(self.samples, self.batch_size, self.shuffle, self.seed,
                                     epoch)
        for ids in sharding.array_batches(order, self.batch_size, self.rank,
                                          self.world_size):
            yield [a[ids] for a in self.ins]


class ShardedGenerator(object):
    """``GeneratorAdapter`` for one worker: ``batches`` batches per epoch in all (a
    Sequence's length, or steps_per_epoch), worker ``rank`` trains on every
    ``world_size``-th. A Python generator must yield the same batches on every worker
    (each worker reads them all and keeps its own)."""

    in_memory = False
    samples = None

    def __init__(self, generator, steps, prepare, rank, world_size):
        self.batches = int(steps) if steps is not None else None
        self._sequence = generator if isinstance(generator, Sequence) else None
        if self.batches is None:
            if self._sequence is None:
                raise ValueError('fit_generator: steps_per_epoch must be given when the '
                                 'data is a Python generator')
            self.batches = len(self._sequence)
        self._iter = None if self._sequence is not None else iter(generator)
        self._prepare, self.rank, self.world_size = prepare, rank, world_size
        if self.batches < world_size:
            raise ValueError('fit on %d workers: an epoch of %d batches leaves a worker '
                             'without data; give at least one batch per worker'
                             % (world_size, self.batches))
        self.steps = sharding.global_steps(self.batches, world_size)
        self._first = self._pending = self._empty = None

    def _batch(self, index):
        raw = self._sequence[index] if self._sequence is not None else next(self._iter)
        return self._prepare(*data_adapters._split(raw, 'fit'))

    def _step_batch(self, step):
        """This worker's batch of global ``step`` (None when none is left for it); a
        generator's batches of the other workers are read and dropped."""
        mine = None
        for j in range(self.world_size):
            index = sharding.batch_of_step(step, j, self.world_size, self.batches)
            if index is None:
                break
            if j == self.rank:
                mine = self._batch(index)
            elif self._sequence is None:
                next(self._iter)
        return mine

    def first(self):
        if self._first is None:
            if self._sequence is not None:
                self._first = self._batch(self.rank)
            else:          # read step 0 now; the first epoch starts with it
                self._first = self._pending = self._step_batch(0)
            self._empty = [a[:0] for a in self._first]
        return self._first

    def callback_params(self):
        return {'steps': self.steps, 'samples': None, 'batch_size': None,
                'count_mode': 'steps'}

    def epoch(self, epoch=0):
        self.first()
        for step in range(self.steps):
            if step == 0 and self._pending is not None:
                mine, self._pending = self._pending, None
            else:
                mine = self._step_batch(step)
            yield mine if mine is not None else self._empty
        if self._sequence is not None and hasattr(self._sequence, 'on_epoch_end'):
            self._sequence.on_epoch_end()


def replicated_model(model, replicas):
    """``multi_gpu_model``'s model: it shares every layer (and so every weight) of
    ``model``; its training step is ``K.data_parallel_step`` over ``replicas`` (the
    devices ``K.device_replicas`` gives), so each device computes the gradients of its
    slice of the batch. Evaluation and prediction run as ``model`` does."""
    from minikeras.models.training import Model

    class MultiDeviceModel(Model):
        def _function(self, mode, arrays):
            if mode != 'train':
                return super(MultiDeviceModel, self)._function(mode, arrays)
            specs = [((None,) + tuple(a.shape[1:]), str(a.dtype)) for a in arrays]
            key = ('train',) + tuple(specs)
            fn = self._functions.get(key)
            if fn is None:
                n_in = len(self._model_inputs())
                n_out = len(getattr(self, '_target_index', ()))
                grad_step, apply_step = train_parts(self, n_in, n_out)
                fn = K.data_parallel_step(grad_step, apply_step, specs, replicas,
                                          name='%s_train' % self.name)
                self._functions[key] = fn
            return fn

    return MultiDeviceModel(model.inputs, model.outputs, name='%s_on_%d_devices'
                            % (model.name, len(getattr(replicas, 'devices', ()))))
