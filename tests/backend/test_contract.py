"""The active engine implements the backend contract exactly: every op, the contract's
argument lists, no public extras, and a visible list of what it cannot do."""
import inspect
import pkgutil
import importlib

import pytest

import minikeras.backend as K
from minikeras.backend import loader
from minikeras.backend import numpy as reference
from minikeras.backend.contract import CONTRACT

ENGINE = K.backend()

# Public functions an engine package may define beyond the contract ops, by qualified
# name. Helpers should be private (leading underscore); list a public one here only when
# it is a deliberate interface of its own, with the reason.
ALLOWED_HELPERS = set([
    # model export (minikeras.export calls these), not backend ops
    'minikeras.backend.tensorflow.export.write',
    'minikeras.backend.tensorflow.export.run',
    'minikeras.backend.tensorflow.export.converter_versions',
    # the TF Serving REST stand-in (minikeras.deploy runs it), not backend ops
    'minikeras.backend.tensorflow.serving.latest_version',
    'minikeras.backend.tensorflow.serving.main',
    'minikeras.backend.tensorflow.serving.make_server',
    'minikeras.backend.tensorflow.serving.serve_in_thread',
])

# Ops each engine marks unsupported (raises NotImplementedError). Changing what an engine
# can do means changing this list, so gaps stay visible in review.
EXPECTED_UNSUPPORTED = {
    'numpy': ['gradients'],
    'tensorflow': [],
    'theano': ['ctc_label_dense_to_sparse'],
    'cntk': ['ctc_label_dense_to_sparse'],
    'mxnet': ['ctc_label_dense_to_sparse'],
    'jax': [],
}


def _engine_modules(engine):
    modules = [engine]
    if hasattr(engine, '__path__'):
        for info in pkgutil.walk_packages(engine.__path__, engine.__name__ + '.'):
            modules.append(importlib.import_module(info.name))
    return modules


def _extra_public_functions(engine, allowed):
    extras = []
    for module in _engine_modules(engine):
        for name, obj in sorted(vars(module).items()):
            qualified = '%s.%s' % (module.__name__, name)
            if name.startswith('_') or name in CONTRACT or qualified in allowed:
                continue
            if inspect.isfunction(obj) and obj.__module__ == module.__name__:
                extras.append(qualified)
    return extras


@pytest.mark.parametrize('engine', [K._engine, reference], ids=['active', 'numpy-reference'])
def test_every_contract_op_with_contract_arguments(engine):
    missing = [op for op in CONTRACT if not callable(getattr(engine, op, None))]
    assert not missing, 'engine %s lacks contract ops: %s' % (engine.__name__, missing)
    wrong = {}
    for op, stub in CONTRACT.items():
        problem = loader.signature_problem(stub, getattr(engine, op))
        if problem:
            wrong[op] = problem
    assert not wrong, 'ops whose arguments differ from the contract: %s' % wrong
    loader.check_contract(engine, engine.__name__)  # the loader agrees


@pytest.mark.parametrize('engine', [K._engine, reference], ids=['active', 'numpy-reference'])
def test_no_public_functions_beyond_the_contract(engine):
    extras = _extra_public_functions(engine, ALLOWED_HELPERS)
    assert not extras, ('engine %s defines public functions that are not contract ops: %s. '
                        'Make them private (leading underscore) or add the op to the contract.'
                        % (engine.__name__, extras))


def test_public_ops_carry_the_contract_docstring():
    for op, stub in CONTRACT.items():
        public = getattr(K, op)
        assert public.__doc__ == stub.__doc__, op
        assert public.engine_impl is getattr(K._engine, op), op


def test_unsupported_ops_are_the_expected_ones():
    gaps = K.unsupported_ops()
    print('engine %s marks unsupported: %s' % (ENGINE, gaps or 'none'))
    assert ENGINE in EXPECTED_UNSUPPORTED, (
        'no expected list of unsupported ops recorded for engine %r in '
        'tests/backend/test_contract.py; it currently marks: %s' % (ENGINE, gaps))
    assert gaps == sorted(EXPECTED_UNSUPPORTED[ENGINE])
    assert sorted(K.engine_info()['unsupported']) == gaps


# Every op marked unsupported, by the active engine and by the NumPy reference (which
# always has one, gradients), so this test never runs empty.
UNSUPPORTED = [('active', op) for op in K.unsupported_ops()] + \
    [('numpy-reference', op) for op in loader.unsupported_ops(reference)]


@pytest.mark.parametrize('engine, op', UNSUPPORTED)
def test_unsupported_ops_raise_not_implemented(engine, op):
    module = K._engine if engine == 'active' else reference
    with pytest.raises(NotImplementedError, match=op):
        getattr(module, op)()


def test_engine_info_describes_the_engine():
    info = K.engine_info()
    assert set(info) >= {'name', 'implementation', 'version', 'unsupported'}
    assert info['name'] == ENGINE
    assert isinstance(info['version'], str) and info['version']
