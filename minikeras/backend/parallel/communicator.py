"""The ``Communicator`` protocol every runtime implements, and the world-size-1 one.

A communicator moves numpy arrays and small Python objects between the worker processes
of one training job. ``minikeras.distribute.init`` makes the one of the active engine
(``K.make_communicator``); ``LocalCommunicator`` is the identity used when one process
trains alone, so that ``fit`` then is exactly plain ``fit``.
"""
import numpy as np


class DistributedError(RuntimeError):
    """A distributed job cannot go on: a peer was lost, timed out, or the setup is wrong.
    ``lost_rank`` is the rank found missing (None when unknown)."""

    def __init__(self, message, lost_rank=None):
        super(DistributedError, self).__init__(message)
        self.lost_rank = lost_rank


class Communicator(object):
    """Collectives between the workers. Arrays are lists of numpy arrays; every worker
    must call the same collectives in the same order."""

    rank = 0
    world_size = 1
    runtime = 'local'

    def allreduce_mean(self, arrays):
        """Element-wise mean over the workers of each array (a new list)."""
        total = self.allreduce_sum(arrays)
        return [np.asarray(t / float(self.world_size), dtype=np.asarray(a).dtype)
                for t, a in zip(total, arrays)]

    def allreduce_sum(self, arrays):
        """Element-wise sum over the workers of each array (a new list)."""
        raise NotImplementedError

    def broadcast(self, arrays, root=0):
        """``root``'s values of ``arrays`` on every worker (a new list)."""
        raise NotImplementedError

    def allgather_object(self, obj):
        """A list with every worker's ``obj`` (small JSON-able Python values), by rank."""
        raise NotImplementedError

    def barrier(self):
        """Return once every worker has called it."""
        raise NotImplementedError

    def abort(self, reason):
        """Stop every worker of the job now, naming this rank and ``reason``."""
        raise NotImplementedError

    def close(self):
        """Release the runtime (a no-op when it is shared with the engine)."""


class LocalCommunicator(Communicator):
    """One worker: every collective returns its input (as copies)."""

    def allreduce_sum(self, arrays):
        return [np.array(a, copy=True) for a in arrays]

    def allreduce_mean(self, arrays):
        return [np.array(a, copy=True) for a in arrays]

    def broadcast(self, arrays, root=0):
        if root != 0:
            raise ValueError('broadcast: root must be 0 with one worker, received %r' % root)
        return [np.array(a, copy=True) for a in arrays]

    def allgather_object(self, obj):
        return [obj]

    def barrier(self):
        pass

    def abort(self, reason):
        raise DistributedError('rank 0 aborted the job: %s' % reason, lost_rank=None)


def pack(arrays, dtype):
    """One flat ``dtype`` buffer holding ``arrays`` (so a collective is one call)."""
    if not arrays:
        return np.zeros(0, dtype=dtype)
    return np.concatenate([np.asarray(a, dtype=dtype).ravel() for a in arrays])


def unpack(buffer, like):
    """The arrays of ``pack(like, ...)`` read back from ``buffer``, shaped and typed like
    ``like``."""
    out, i = [], 0
    for a in like:
        a = np.asarray(a)
        out.append(buffer[i:i + a.size].reshape(a.shape).astype(a.dtype))
        i += a.size
    return out


def buffer_dtype(arrays):
    """float64 when any array is float64 (or an integer), else float32."""
    kinds = set(np.asarray(a).dtype for a in arrays)
    return np.float32 if kinds and kinds <= set([np.dtype('float32'), np.dtype('float16')]) \
        else np.float64
