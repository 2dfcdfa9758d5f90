"""The import graph of minikeras/ goes one way (docs/DESIGN.md, "The map").

Read with ``ast`` by tools/import_graph.py (nothing is imported): no two packages import
each other at import time, and layers -> models -> saving / export is a strict order even
counting the imports that sit inside functions. ``Model.save`` / ``load_weights`` /
``export`` reach saving and export through ``minikeras.models.persistence``."""
import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location(
    'import_graph', os.path.join(ROOT, 'tools', 'import_graph.py'))
graph = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(graph)

# lower number = lower layer; saving and export are side by side above models
HEIGHT = {'layers': 0, 'models': 1, 'saving': 2, 'export': 2}

# in-function imports between those packages, each with the reason it cannot be top-level
ALLOWED_IN_FUNCTION = {
    ('minikeras.export._worker', 'minikeras.models'):
        'the export subprocess script: it imports minikeras only once it has checked that '
        'the export engine loads in this Python, and reports a failure as a result file',
}

EDGES = graph.imports()


def test_no_cycle_between_packages_at_import_time():
    assert graph.cycles(graph.package_graph(EDGES)) == []


def test_no_cycle_between_packages_even_counting_imports_inside_functions():
    # an import inside a function may postpone a module (an optional package, the export
    # subprocess), never close a circle
    assert graph.cycles(graph.package_graph(EDGES, in_function=True)) == []


def test_layers_models_saving_export_only_import_downwards():
    upward = ['%s:%d -> %s' % (s, line, t) for s, t, line, _ in EDGES
              if graph.package(s) in HEIGHT and graph.package(t) in HEIGHT
              and graph.package(s) != graph.package(t)
              and HEIGHT[graph.package(s)] <= HEIGHT[graph.package(t)]]
    assert upward == []
    every = graph.package_graph(EDGES, in_function=True)
    core = dict((p, every[p] & set(HEIGHT)) for p in HEIGHT)
    assert graph.cycles(core) == []


def test_in_function_imports_between_them_are_the_listed_ones():
    found = set((s, t) for s, t, _ in graph.crossing_function_imports(EDGES, tuple(HEIGHT)))
    assert found == set(ALLOWED_IN_FUNCTION)


def test_the_graph_sees_imports_inside_functions():
    # the reader itself: Model.save must not hide a function-level import of saving
    source = 'def f():\n    from minikeras import saving\nimport minikeras.layers\n'
    import ast
    found = [(in_function, type(node).__name__)
             for node, in_function in graph._walk(ast.parse(source))]
    assert sorted(found) == [(False, 'Import'), (True, 'ImportFrom')]


def test_saving_and_export_register_what_models_call():
    import minikeras  # noqa: F401  (imports saving and export)
    from minikeras.models import persistence
    assert sorted(persistence._registered) == sorted(persistence.PROVIDERS)


def test_an_unregistered_function_names_its_package(monkeypatch):
    import pytest
    from minikeras.models import persistence
    monkeypatch.delitem(persistence._registered, 'save_model')
    with pytest.raises(RuntimeError, match='save_model is not registered: import '
                                           'minikeras.saving'):
        persistence.call('save_model', None, 'x.h5')
    with pytest.raises(ValueError, match="unknown name 'save'"):
        persistence.register(save=print)


def test_importing_a_module_imports_its_packages():
    # minikeras.utils.nest runs minikeras/utils/__init__.py first: the graph has that edge
    assert ('minikeras.backend.adapter', 'minikeras.utils') in set(
        (s, t) for s, t, _, inside in EDGES if not inside)
