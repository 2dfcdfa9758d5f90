"""minikeras/backend/__init__.pyi (what editors and static checkers read for ``K.*``) is
the one scripts/gen_backend_stub.py writes from the contract, and it declares every op."""
import ast
import os
import subprocess
import sys

from minikeras.backend.contract import CONTRACT

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STUB = os.path.join(ROOT, 'minikeras', 'backend', '__init__.pyi')


def test_stub_declares_every_contract_op_with_its_arguments():
    with open(STUB) as f:
        tree = ast.parse(f.read())
    declared = dict((node.name, [a.arg for a in node.args.args]) for node in tree.body
                    if isinstance(node, ast.FunctionDef))
    missing = sorted(set(CONTRACT) - set(declared))
    assert not missing, 'the stub lacks %s: run python scripts/gen_backend_stub.py' % missing
    import inspect
    for op, stub in CONTRACT.items():
        assert declared[op] == list(inspect.signature(stub).parameters), op


def test_stub_is_what_the_generator_writes():
    env = dict(os.environ)
    env['PYTHONPATH'] = ROOT + os.pathsep + env.get('PYTHONPATH', '')
    proc = subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', 'gen_backend_stub.py'),
                           '--check'], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, env=env)
    assert proc.returncode == 0, proc.stderr
