"""CNTK adapter: data-parallel training on CNTK's own MPI runtime.

Workers run under ``mpiexec`` (the generic ``launch_plan``, inherited); CNTK 2.7 links
OpenMPI and reduces gradients in its ``data_parallel_distributed_learner``. This adapter
computes gradients with CNTK's forward/backward passes (``compile``), not with CNTK
learners (a ``Trainer`` needs a dynamic batch axis), so the learner cannot sit inside
the model's step. Instead the sum between the gradient call and the update call (the
generic ``data_parallel_step``) goes through CNTK's MPI: a one-parameter ``Trainer``
whose loss is ``sum(p * g)`` with ``g`` this worker's packed values, fed as one sample;
the distributed learner all-reduces the gradient ``g`` over the workers (in the
learner's MPI aggregation, 32-bit i.e. unquantised) and plain SGD with learning rate
1 leaves ``-mean(g)`` in ``p``. Under mpiexec a worker that dies ends the whole job:
mpiexec stops the others and names the process (rank) that exited first.
"""
import atexit
import os

import numpy as np

from minikeras.backend import distribute_native as _native
from minikeras.backend.cntk.core import C
from minikeras.backend.parallel.communicator import DistributedError, buffer_dtype, pack, unpack

_RUNTIME = 'cntk.mpi'
_STATE = {'communicator': None}


def distributed_runtime():
    return _RUNTIME


class CNTKCommunicator(_native.SumCommunicator):
    """Sums through CNTK's data-parallel learner (MPI all-reduce of a gradient)."""

    runtime = _RUNTIME

    def __init__(self, config):
        if not (os.environ.get('OMPI_COMM_WORLD_SIZE') or os.environ.get('PMI_SIZE')):
            raise DistributedError(
                'the CNTK runtime (MPI data-parallel learners) runs under mpiexec: start '
                'the job with `minikeras-launch -n %d python train.py`'
                % config.get('world_size', 2))
        from cntk.train import distributed
        self._distributed = distributed
        self.rank = int(distributed.Communicator.rank())
        self.world_size = int(distributed.Communicator.num_workers())
        self.timeout_s = float(config.get('timeout_s') or 60.)
        self._reducers = {}
        atexit.register(self.close)
        self.share_peers()
        _STATE['communicator'] = self

    def _reducer(self, size, dtype):
        key = (size, np.dtype(dtype).name)
        if key not in self._reducers:
            g = C.input_variable((size,), dtype=dtype, name='minikeras_allreduce_input')
            p = C.parameter(shape=(size,), init=np.zeros(size, dtype=dtype), dtype=dtype)
            loss = C.reduce_sum(p * g)
            learner = self._distributed.data_parallel_distributed_learner(
                C.sgd([p], C.learning_parameter_schedule(1.0)), num_quantization_bits=32,
                distributed_after=0)
            self._reducers[key] = (g, p, C.Trainer(loss, (loss, None), [learner]))
        return self._reducers[key]

    def allreduce_sum(self, arrays):
        if not arrays:
            return []
        dtype = buffer_dtype(arrays)
        flat = pack(arrays, dtype)
        g, p, trainer = self._reducer(flat.size, dtype)
        p.value = np.zeros(flat.size, dtype=dtype)
        # CNTK's MPI waits without a deadline: a watchdog ends this process (naming the
        # lost peer) when a peer of this host is gone or the job's timeout passes
        done = _native.watchdog(self, 'the all-reduce through CNTK\'s MPI learner')
        try:
            trainer.train_minibatch({g: flat[None]})      # p = -(mean over workers)
        finally:
            done.set()
        total = -np.asarray(p.value, dtype=dtype) * self.world_size
        sums = unpack(total, [np.zeros(np.shape(a), dtype=dtype) for a in arrays])
        # a mean times the count is a sum up to rounding: integers are rounded back
        return [s.astype(np.asarray(a).dtype) if np.asarray(a).dtype.kind in 'fc'
                else np.rint(s).astype(np.asarray(a).dtype) for s, a in zip(sums, arrays)]

    def close(self):
        if _STATE['communicator'] is self:
            _STATE['communicator'] = None
            self._distributed.Communicator.finalize()


def make_communicator(config):
    if _STATE['communicator'] is not None:
        return _STATE['communicator']
    return CNTKCommunicator(config)
