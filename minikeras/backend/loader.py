"""Import an engine adapter and check it against the contract."""
import functools
import importlib
import inspect
import re

from minikeras.backend.contract import CONTRACT, METADATA_OPS
from minikeras.backend.engines import ENGINES, valid_names
from minikeras.backend.errors import EngineError
from minikeras.backend import adapter, symbolic


# a custom engine is named by an absolute dotted module path (my_pkg.my_backend); a
# relative name ('.numpy') or a file path is refused before importlib sees it
_MODULE_PATH = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$')


def resolve_module(name):
    if name in ENGINES:
        return ENGINES[name]['module']
    if _MODULE_PATH.match(name):
        return name
    if '.' in name or '/' in name or '\\' in name:
        raise EngineError('minikeras engine %r (from KERAS_BACKEND or the config file) is '
                          'neither an engine name (%s) nor an absolute dotted module path '
                          'such as my_pkg.my_backend (relative names and file paths are not '
                          'accepted)' % (name, valid_names()))
    raise EngineError('unknown minikeras engine %r (from KERAS_BACKEND or the config file); '
                      'valid engines: %s, or a module path such as my_pkg.my_backend'
                      % (name, valid_names()))


def import_engine(name):
    module_name = resolve_module(name)
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        if name in ENGINES:
            raise EngineError('minikeras engine %r cannot be loaded in this Python: %s. '
                              'Install it with: %s' % (name, e, ENGINES[name]['install']))
        raise EngineError('custom minikeras engine module %r cannot be imported: %s'
                          % (module_name, e))
    adapter.inherit_defaults(module)   # e.g. a custom engine written as one module
    check_contract(module, name)
    return module


def signature_problem(stub, impl):
    """None if ``impl`` takes the same arguments as the contract ``stub``."""
    try:
        want, got = inspect.signature(stub), inspect.signature(impl)
    except (TypeError, ValueError) as e:
        return 'signature unreadable (%s)' % e
    w = [(p.name, p.default) for p in want.parameters.values()]
    g = [(p.name, p.default) for p in got.parameters.values()]
    if w != g:
        return 'expected (%s), found (%s)' % (_fmt(want), _fmt(got))
    return None


def _fmt(sig):
    return ', '.join(str(p) for p in sig.parameters.values())


def check_contract(module, name):
    """Raise EngineError naming every contract op ``module`` lacks, every op it exports
    (``__all__``) that the contract does not declare, and every op whose arguments
    differ from the contract's."""
    missing = [op for op in CONTRACT if not callable(getattr(module, op, None))]
    extra = []
    if hasattr(module, '__all__'):
        extra = [op for op in adapter.engine_ops(module) if op not in CONTRACT]
    wrong = []
    for op, stub in CONTRACT.items():
        impl = getattr(module, op, None)
        if callable(impl):
            problem = signature_problem(stub, impl)
            if problem:
                wrong.append('%s: %s' % (op, problem))
    parts = []
    if missing:
        parts.append('missing ops: %s' % ', '.join(missing))
    if extra:
        parts.append('ops not in the contract: %s' % ', '.join(extra))
    if wrong:
        parts.append('ops with other arguments than the contract: %s' % '; '.join(wrong))
    if parts:
        raise EngineError('minikeras engine %r (%s) breaks the backend contract: %s'
                          % (name, module.__name__, '. '.join(parts)))


def unsupported_ops(module):
    return adapter.unsupported_ops(module)


# Ops that return a context manager, never recorded on symbolic inputs.
CONTEXT_OPS = ('control_dependencies',)


def wrap(op, impl):
    """The public ``K.<op>``: the engine's function, recorded symbolically when given
    KerasTensors; docstring and signature from the contract."""
    stub = CONTRACT[op]
    if op in METADATA_OPS:
        def public(*args, **kwargs):
            if args and isinstance(args[0], symbolic.KerasTensor):
                return _metadata(op, args[0])
            return impl(*args, **kwargs)
    else:
        def public(*args, **kwargs):
            if op not in CONTEXT_OPS and symbolic.any_symbolic(args, kwargs):
                if op == 'gradients':
                    return symbolic.record_gradients(*args, **kwargs)
                return symbolic.record_op(op, args, kwargs)
            return impl(*args, **kwargs)
    functools.update_wrapper(public, stub)
    public.engine_impl = impl
    return public


def _metadata(op, kt):
    if op == 'int_shape':
        return kt.shape
    if op == 'ndim':
        return kt.ndim
    if op == 'dtype':
        return kt.dtype
    if op == 'is_tensor':
        return True
    if op == 'is_variable':
        return False
    if op == 'count_params':
        raise TypeError('count_params counts the entries of a variable; received a symbolic '
                        'tensor of shape %s' % (kt.shape,))
    raise TypeError('%s is not defined for a symbolic tensor' % op)
