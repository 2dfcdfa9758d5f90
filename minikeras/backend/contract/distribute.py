"""Contract: data-parallel training across processes (``minikeras.distribute``).

Every engine inherits the generic defaults of ``minikeras/backend/distribute_generic.py``
(MPI through mpi4py over OpenMPI); an engine adapter defines one of these ops itself only
where it has its own runtime (``tf.distribute``, CNTK's MPI learners, MXNet's KVStore).
"""

__all__ = ['distributed_runtime', 'launch_plan', 'make_communicator', 'data_parallel_step',
           'device_replicas']


def distributed_runtime():
    """Name of the runtime used for data parallelism on this engine: 'mpi' (generic,
    mpi4py over OpenMPI) or the engine's own ('tf.distribute', 'cntk.mpi',
    'mxnet.kvstore')."""


def launch_plan(num_workers, hosts, argv, base_env):
    """How ``minikeras-launch`` starts the workers for this engine: a list of
    ``(argv, env, ranks)`` process specs to start on this host, ``ranks`` the worker ranks
    that process runs (the launcher starts and supervises them and names the lost rank
    when one dies). ``hosts`` is a list of host names (None: this host only), ``argv``
    the user's command, ``base_env`` the environment with the ``MINIKERAS_DIST_*``
    variables set. An ``(argv, env)`` pair is also accepted: it runs the rank its
    ``env['MINIKERAS_DIST_RANK']`` names, or every rank when unset. Generic: one spec
    ``mpiexec -n N [--host ...] argv`` for all ranks."""


def make_communicator(config):
    """A ``minikeras.distribute.Communicator`` for this process. ``config`` is the dict
    ``minikeras.distribute.init`` builds (rank, world_size, hosts, port, timeout_s).
    Generic: collectives of mpi4py on MPI.COMM_WORLD with a timeout."""


def data_parallel_step(grad_step, apply_step, input_specs, communicator, name=None):
    """One compiled step of data-parallel SGD.

    ``grad_step(*tensors) -> (outputs, grads, updates)``: ``outputs`` = [loss] + metrics,
    ``grads`` one per trainable weight, ``updates`` the non-gradient (variable, value)
    pairs (batch-norm moving statistics, stateful metrics). ``apply_step(*grads) ->
    updates`` are the optimizer updates for given (already averaged) gradients. Returns
    ``f(*arrays) -> outputs`` as numpy arrays, averaged over the workers, having applied
    the averaged gradients (and averaged non-gradient updates) on every worker.
    The returned function also has ``last_size``: the global number of samples of its
    last call (the workers' batch sizes summed; a worker may get an empty batch at the
    end of an epoch and must still take part). Averages are weighted by each worker's
    batch size, so uneven parts give the one-process result. Generic: two
    ``compiled_function`` calls with one ``communicator.allreduce_sum`` between.
    """


def device_replicas(gpus, cpu_merge, cpu_relocation):
    """``multi_gpu_model``'s engine part: the ``gpus`` devices of this process (an int
    >= 2 or a list of device ids) as a ``Communicator`` for ``data_parallel_step``, which
    then splits each batch over them (each device computes the gradients of its slice).
    Engines without device replication raise NotImplementedError naming what to use
    instead; a missing device is a ValueError naming the devices there are."""
