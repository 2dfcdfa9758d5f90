"""MXNet adapter: data-parallel training on MXNet's KVStore (``dist_sync``).

The pip wheel of MXNet 1.9.1 has the distributed KVStore compiled in (ps-lite;
``mx.runtime.Features()['DIST_KVSTORE']``), so no Horovod is needed: ``launch_plan``
starts the processes the way MXNet's ``tools/launch.py`` does in local mode, the same
command in every role: one scheduler, one server per host and the workers, told apart
by ``DMLC_ROLE`` and joined through ``DMLC_PS_ROOT_URI``/``DMLC_PS_ROOT_PORT``
(``DMLC_NUM_SERVER``, ``DMLC_NUM_WORKER``). A scheduler or server process runs MXNet's
server loop when it imports MXNet and exits with the job.

Each training step runs the gradient pass in MXNet's engine, pushes the gradients
(with the outputs and non-gradient updates, each weighted by the worker's batch size,
packed into one array) to the servers, which sum them (``dist_sync`` waits for every
worker), pulls the sum and applies the optimizer's updates, all on NDArrays: nothing
goes through numpy between the gradient and the update. ps-lite itself waits forever
for a dead worker, so every wait has the job's deadline and watches the peers of this
host: a lost peer raises ``DistributedError`` naming its rank.
"""
import atexit
import os
import sys
import threading

import numpy as onp

from minikeras.backend import distribute_native as _native
from minikeras.backend.parallel.communicator import (
    DistributedError, buffer_dtype, pack, unpack)

_RUNTIME = 'mxnet.kvstore'
_STATE = {'communicator': None, 'faulted': False}
_INSTALL = ('pip install mxnet==1.9.1 (the PyPI wheel includes the distributed KVStore; a '
            'build from source needs USE_DIST_KVSTORE=1)')


def distributed_runtime():
    return _RUNTIME


def launch_plan(num_workers, hosts, argv, base_env):
    worker_hosts = _native.worker_hosts(num_workers, hosts)
    servers = list(hosts or []) or ['localhost']
    root = servers[0]
    one_host = all(_native.is_local(h) for h in servers)
    # several machines: every launcher uses the base port, and the scheduler listens on
    # every interface (ps-lite binds it to DMLC_PS_ROOT_URI unless DMLC_USE_KUBERNETES)
    port = _native.ports_for(1, servers, base_env)[0]
    common = {'DMLC_PS_ROOT_URI': '127.0.0.1' if one_host else root,
              'DMLC_PS_ROOT_PORT': str(port), 'DMLC_NUM_SERVER': str(len(servers)),
              'DMLC_NUM_WORKER': str(num_workers)}
    if base_env.get('MINIKERAS_DIST_IFACE'):       # ps-lite's choice of network interface
        common['DMLC_INTERFACE'] = base_env['MINIKERAS_DIST_IFACE']
    specs = []
    if _native.is_local(root):
        scheduler = _aux_env(base_env, common, 'scheduler')
        if not one_host:
            scheduler['DMLC_USE_KUBERNETES'] = '1'
        specs.append((list(argv), scheduler, []))
    for host in servers:
        if _native.is_local(host):
            specs.append((list(argv), _aux_env(base_env, common, 'server'), []))
    for rank, host in enumerate(worker_hosts):
        if _native.is_local(host):
            extra = dict(common, DMLC_ROLE='worker')
            specs.append((list(argv), _native.worker_env(base_env, rank, num_workers, extra),
                          [rank]))
    return specs


def _aux_env(base_env, common, role):
    env = dict(base_env)
    env.update(common)
    env['DMLC_ROLE'] = role
    env['MINIKERAS_DIST_ROLE'] = role
    return env


def _exit_if_faulted():
    if _STATE['faulted']:       # ps-lite would wait forever for the lost peer at exit
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)


class KVStoreCommunicator(_native.SumCommunicator):
    """Sums through a ``dist_sync`` KVStore (pushes are summed by the servers)."""

    runtime = _RUNTIME

    def __init__(self, config):
        import mxnet as mx
        if os.environ.get('DMLC_ROLE') != 'worker':
            raise DistributedError(
                'the MXNet runtime (KVStore dist_sync) needs DMLC_ROLE=worker and the DMLC_* '
                'addresses in each worker\'s environment: start the job with '
                '`minikeras-launch -n %d python train.py`' % config.get('world_size', 2))
        if not mx.runtime.Features().is_enabled('DIST_KVSTORE'):
            raise DistributedError('this MXNet build has no distributed KVStore: %s'
                                   % _INSTALL)
        self._mx = mx
        self.timeout_s = float(config.get('timeout_s') or 60.)
        self._kv = mx.kv.create('dist_sync')
        self.world_size = int(self._kv.num_workers)
        # the launcher's rank (the KVStore numbers workers in the order they connect)
        self.rank = int(config.get('rank', self._kv.rank))
        self._keys = {}
        atexit.register(_exit_if_faulted)
        self.share_peers()
        _STATE['communicator'] = self

    # --- waiting with a deadline -----------------------------------------------------
    def _wait(self, array, what):
        """Wait for ``array`` (an NDArray being pulled) with the job's deadline."""
        done = threading.Event()
        failure = []

        def wait():
            try:
                array.wait_to_read()
            except Exception as e:   # an MXNet error, reported below
                failure.append(e)
            done.set()
        threading.Thread(target=wait, daemon=True).start()
        self.wait_or_fail(done, what, self._lost)
        if failure:
            raise DistributedError('rank %d: %s failed in MXNet\'s KVStore: %s'
                                   % (self.rank, what, failure[0]))

    def _lost(self, error):
        _STATE['faulted'] = True
        raise error

    # --- sums ------------------------------------------------------------------------
    def _key(self, size, dtype):
        key = self._keys.get((size, dtype))
        if key is None:
            key = self._keys[(size, dtype)] = len(self._keys) + 1
            self._kv.init(key, self._mx.nd.zeros((size,), dtype=dtype))
        return key

    def sum_flat(self, flat, what='allreduce'):
        """Sum over the workers of the 1-D NDArray ``flat`` (a new NDArray)."""
        nd = flat.as_nd_ndarray() if hasattr(flat, 'as_nd_ndarray') else flat
        key = self._key(int(nd.shape[0]), onp.dtype(nd.dtype).name)
        out = self._mx.nd.zeros(nd.shape, dtype=nd.dtype)
        self._kv.push(key, nd)
        self._kv.pull(key, out=out)
        self._wait(out, what)
        return out

    def allreduce_sum(self, arrays):
        if not arrays:
            return []
        flat = pack(arrays, buffer_dtype(arrays))
        total = self.sum_flat(self._mx.nd.array(flat, dtype=flat.dtype)).asnumpy()
        return unpack(total, arrays)

    def close(self):
        _STATE['communicator'] = None


def make_communicator(config):
    if _STATE['communicator'] is not None:
        return _STATE['communicator']
    return KVStoreCommunicator(config)


def data_parallel_step(grad_step, apply_step, input_specs, communicator, name=None):
    if not isinstance(communicator, KVStoreCommunicator):
        from minikeras.backend import distribute_generic
        return distribute_generic.data_parallel_step(grad_step, apply_step, input_specs,
                                                     communicator, name)
    from mxnet import np as mnp
    from minikeras.backend.mxnet.compile import compiled_function
    label = str(name or 'data_parallel_step')
    sizes = {}

    def fn(*tensors):
        n = int(tensors[0].shape[0]) if tensors else 1
        if n or 'like' not in sizes:
            outputs, grads, updates = grad_step(*tensors)
            values = list(outputs) + list(grads) + [v for _, v in updates]
            like = [mnp.array(v) if not hasattr(v, 'shape') else v for v in values]
            sizes['like'] = [(tuple(v.shape), v.dtype) for v in like]
            sizes['parts'] = (len(outputs), len(grads), [var for var, _ in updates])
        else:   # no sample for this worker in this batch: it adds zeros (and 0 samples)
            like = [mnp.zeros(shape, dtype=dt) for shape, dt in sizes['like']]
        k, g, targets = sizes['parts']
        dtype = buffer_dtype([onp.zeros(0, dtype=onp.dtype(v.dtype)) for v in like])
        parts = [(v.astype(dtype) * n if n else mnp.zeros(v.shape, dtype=dtype)).reshape(-1)
                 for v in like]
        flat = mnp.concatenate(parts + [mnp.array([n], dtype=dtype)])
        total = communicator.sum_flat(flat, 'the gradient all-reduce of %s' % label)
        total = total.as_np_ndarray()
        count = float(total[-1].asnumpy())
        means, i = [], 0
        for v in like:
            size = int(onp.prod(v.shape))
            means.append((total[i:i + size] / count).reshape(v.shape).astype(v.dtype))
            i += size
        sizes['last'] = int(round(count))
        state = list(zip(targets, means[k + g:]))
        return means[:k], state + list(apply_step(*means[k:k + g]))

    compiled = compiled_function(fn, input_specs, name=label)

    def step(*arrays):
        values = compiled(*arrays)
        step.last_size = sizes.get('last', 0)
        return values
    step.__name__ = label
    step.last_size = 0
    return step
