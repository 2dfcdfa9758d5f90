"""How adapters publish their ops (minikeras/backend/adapter.py) and how the loader holds
them to the contract: missing, extra and mismatched ops are named."""
import types

import pytest

from minikeras.backend import adapter, loader
from minikeras.backend import numpy as reference
from minikeras.backend.contract import CONTRACT
from minikeras.backend.errors import EngineError
from minikeras.backend.unsupported import unsupported


def _topic(name, **functions):
    module = types.ModuleType('fake_engine.' + name)
    for op, fn in functions.items():
        fn.__module__ = module.__name__
        module.__dict__[op] = fn
    return module


def _engine_from_reference(**changes):
    """An engine package with every reference op, and the functions ``changes`` in one
    more topic module."""
    ops = dict((op, getattr(reference, op)) for op in reference.__all__)
    ops.update(adapter.topic_ops(_topic('extra', **changes)))
    package = types.ModuleType('fake_engine')
    package.__dict__.update(ops)
    package.__all__ = sorted(ops)
    return package


def test_export_ops_collects_public_functions_of_the_topics():
    def dot(x, y):
        return 'dot'

    def _helper():
        return None

    topic = _topic('math', dot=dot, _helper=_helper)
    topic.unsupported = unsupported      # imported helpers are not ops
    topic.np = types                     # nor are modules
    topic.relu = unsupported('fake', 'relu')   # ... unless unsupported() made them
    namespace = {'__name__': 'fake_engine'}
    ops = adapter.export_ops(namespace, [topic])
    # no topic defines the fused ops (optimizer_step, lstm) or the data-parallel ones, so
    # the generic defaults are inherited
    inherited = sorted(adapter.generic_defaults())
    assert 'optimizer_step' in inherited and 'distributed_runtime' in inherited
    assert sorted(ops) == sorted(['dot', 'relu'] + inherited)
    assert namespace['__all__'] == sorted(['dot', 'relu'] + inherited)
    assert namespace['dot'] is dot and namespace['optimizer_step'].generic


def test_an_adapter_op_overrides_the_generic_one():
    def optimizer_step(method, params, grads, slots, lr, config):
        return 'fused'
    namespace = {'__name__': 'fake_engine'}
    adapter.export_ops(namespace, [_topic('fused', optimizer_step=optimizer_step)])
    assert namespace['optimizer_step'] is optimizer_step


def test_export_ops_keeps_an_adapters_own_version_of_a_generic_default():
    from minikeras.backend import distribute_generic

    def distributed_runtime():
        return 'own'
    namespace = {'__name__': 'fake_engine'}
    adapter.export_ops(namespace, [_topic('distribute',
                                          distributed_runtime=distributed_runtime)])
    assert namespace['distributed_runtime'] is distributed_runtime
    assert namespace['launch_plan'] is distribute_generic.launch_plan


def test_export_ops_refuses_an_op_defined_twice():
    def dot(x, y):
        return 1

    def dot2(x, y):
        return 2
    dot2.__name__ = 'dot'
    with pytest.raises(EngineError, match="'dot' is defined in both"):
        adapter.export_ops({'__name__': 'fake_engine'},
                           [_topic('math', dot=dot), _topic('nn', dot=dot2)])


def test_export_ops_can_wrap_every_op():
    def dot(x, y):
        return 1
    namespace = {'__name__': 'fake_engine'}
    adapter.export_ops(namespace, [_topic('math', dot=dot)], wrap=lambda name, fn: name)
    assert namespace['dot'] == 'dot'


def test_the_reference_passes_the_loader():
    loader.check_contract(reference, 'numpy')
    assert sorted(reference.__all__) == sorted(CONTRACT)


def test_loader_names_missing_extra_and_mismatched_ops():
    def dot(x, y, extra=None):
        return x

    def not_an_op(x):
        return x
    engine = _engine_from_reference(dot=dot, not_an_op=not_an_op)
    del engine.relu
    with pytest.raises(EngineError) as info:
        loader.check_contract(engine, 'fake')
    message = str(info.value)
    assert 'missing ops: relu' in message
    assert 'ops not in the contract: not_an_op' in message
    assert 'dot: expected (x, y), found (x, y, extra=None)' in message


def test_engine_info_lists_what_the_package_marks_unsupported():
    assert adapter.unsupported_ops(reference) == ['gradients']
    info = adapter.describe('minikeras.backend.numpy', 'numpy', 'numpy', '1')
    assert info == {'name': 'numpy', 'implementation': 'numpy', 'version': '1',
                    'unsupported': ['gradients']}


def test_check_input_and_to_list():
    import numpy as np
    adapter.check_input(0, np.zeros((2, 3)), ((None, 3), 'float32'))
    with pytest.raises(ValueError, match='input 1: expected 2 axes'):
        adapter.check_input(1, np.zeros((3,)), ((None, 3), 'float32'))
    with pytest.raises(ValueError, match=r'input 0: expected shape \(None, 4\)'):
        adapter.check_input(0, np.zeros((2, 3)), ((None, 4), 'float32'))
    assert adapter.to_list(None) == [] and adapter.to_list((1, 2)) == [1, 2]
    assert adapter.to_list(5) == [5]
