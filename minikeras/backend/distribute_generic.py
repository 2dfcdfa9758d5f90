"""The generic data-parallel runtime every engine inherits: MPI (mpi4py over OpenMPI).

An engine adapter overrides one of these ops by defining it in its own topic module
(``minikeras/backend/<engine>/distribute.py``); see ``contract/distribute.py``. Nothing
here imports mpi4py or an engine at import time.
"""
import os
import shutil
import subprocess

import numpy as np

MPI_INSTALL = ('apt-get install openmpi-bin libopenmpi-dev && pip install mpi4py')


def distributed_runtime():
    return 'mpi'


def _mpiexec():
    path = shutil.which('mpiexec') or shutil.which('mpirun')
    if path is None:
        from minikeras.backend.parallel.communicator import DistributedError
        raise DistributedError('minikeras-launch: no mpiexec (or mpirun) on PATH; the %r '
                               'runtime needs an MPI library. Install it with: %s'
                               % (distributed_runtime(), MPI_INSTALL))
    return path


def _is_openmpi(path):
    try:
        out = subprocess.run([path, '--version'], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return b'Open MPI' in out or b'OpenRTE' in out


def _host_slots(num_workers, hosts):
    """'h1:2,h2:1': ``num_workers`` ranks spread round-robin over ``hosts``."""
    counts = [0] * len(hosts)
    for i in range(num_workers):
        counts[i % len(hosts)] += 1
    return ','.join('%s:%d' % (h, c) for h, c in zip(hosts, counts) if c)


def launch_plan(num_workers, hosts, argv, base_env):
    mpiexec = _mpiexec()
    cmd = [mpiexec, '-n', str(num_workers)]
    env = dict(base_env)
    if _is_openmpi(mpiexec):
        if hasattr(os, 'geteuid') and os.geteuid() == 0:    # containers run as root
            cmd.append('--allow-run-as-root')
            env['OMPI_ALLOW_RUN_AS_ROOT'] = env['OMPI_ALLOW_RUN_AS_ROOT_CONFIRM'] = '1'
        # more ranks than cores is fine for data parallelism; no core pinning; CMA
        # single-copy is often refused inside containers
        cmd += ['--oversubscribe', '--bind-to', 'none',
                '--mca', 'btl_vader_single_copy_mechanism', 'none']
        iface = env.get('MINIKERAS_DIST_IFACE')
        if iface:
            cmd += ['--mca', 'btl_tcp_if_include', iface, '--mca', 'oob_tcp_if_include',
                    iface]
        for name in sorted(env):                 # forward our variables to every host
            if name.startswith('MINIKERAS_') or name in ('KERAS_BACKEND', 'PYTHONPATH',
                                                          'THEANO_FLAGS', 'PYTENSOR_FLAGS'):
                cmd += ['-x', name]
    if hosts:
        cmd += ['--host', _host_slots(num_workers, hosts)]
    return [(cmd + list(argv), env, list(range(num_workers)))]


def make_communicator(config):
    from minikeras.backend.parallel.mpi import MPICommunicator
    return MPICommunicator(timeout_s=config.get('timeout_s') or 60.)


def device_replicas(gpus, cpu_merge, cpu_relocation):
    import minikeras.backend as K
    raise NotImplementedError(
        'multi_gpu_model: the %r engine cannot replicate a model over devices (gpus=%r). '
        'Train data-parallel over processes instead: minikeras-launch -n %s python '
        'train.py (one process per device; see docs/DISTRIBUTED.md), or use the '
        'TensorFlow engine.' % (K.backend(), gpus, gpus if isinstance(gpus, int) else
                                len(gpus)))


def data_parallel_step(grad_step, apply_step, input_specs, communicator, name=None):
    import minikeras.backend as K
    label = str(name or 'data_parallel_step')
    traced = {}

    def forward(*tensors):
        outputs, grads, updates = grad_step(*tensors)
        outputs, grads, updates = list(outputs), list(grads), list(updates)
        traced['sizes'] = (len(outputs), len(grads))
        traced['state'] = [v for v, _ in updates]
        return outputs + grads + [value for _, value in updates], []

    grad_fn = K.compiled_function(forward, input_specs, name=label + '_grads')
    holder = {}

    def apply_fn(values):
        if 'fn' not in holder:
            n_out, n_grads = traced['sizes']
            specs = [(tuple(v.shape), str(v.dtype)) for v in values]

            def apply(*tensors):
                grads, state = tensors[:n_grads], tensors[n_grads:]
                return [], list(apply_step(*grads)) + list(zip(traced['state'], state))
            holder['fn'] = K.compiled_function(apply, specs, name=label + '_apply')
        holder['fn'](*values)

    def step(*arrays):
        n = len(arrays[0]) if arrays else 0
        if n:
            values = grad_fn(*arrays)
            holder['like'] = values
        elif 'like' in holder:          # this worker has no sample in this batch
            values = [np.zeros_like(v) for v in holder['like']]
        else:
            from minikeras.backend.parallel.communicator import DistributedError
            raise DistributedError('rank %d received an empty first batch: the global batch '
                                   'size must be at least the number of workers'
                                   % communicator.rank)
        # one collective: every value weighted by this worker's batch size, and the size
        summed = communicator.allreduce_sum([np.asarray(v) * n for v in values] +
                                            [np.array([n], dtype=np.float64)])
        total = float(summed[-1][0])
        means = [np.asarray(s / total, dtype=np.asarray(v).dtype)
                 for s, v in zip(summed[:-1], values)]
        n_out = traced['sizes'][0]
        apply_fn(means[n_out:])
        step.last_size = int(round(total))
        return means[:n_out]
    step.__name__ = label
    step.last_size = 0
    return step
