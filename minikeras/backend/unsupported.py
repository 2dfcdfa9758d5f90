"""Helper for adapters: an op the engine truly cannot do."""
import inspect

from minikeras.backend.contract import CONTRACT


def unsupported(engine, op, reason=''):
    """A function with the contract's signature for ``op`` that raises
    ``NotImplementedError('<Engine> backend: <op> is not supported ...')``."""
    def fn(*args, **kwargs):
        raise NotImplementedError('%s backend: %s is not supported%s'
                                  % (engine, op, (' (%s)' % reason) if reason else ''))
    fn.__name__ = op
    fn.__signature__ = inspect.signature(CONTRACT[op])
    fn.unsupported = True
    return fn
