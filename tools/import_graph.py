"""The import graph of minikeras/, read with ``ast`` (nothing is imported).

    python tools/import_graph.py            # package-level cycles and cross-package imports
    python tools/import_graph.py --all      # also every in-function import across packages

A *package* is the first name below ``minikeras`` (``layers``, ``models``, ``saving``,
``backend``, ``losses``...). An import is *top-level* when it runs at module import
(module body, including ``if``/``try`` blocks there) and *in-function* when it sits in a
``def`` (it runs on call). ``tests/test_layering.py`` holds the rules these feed.
"""
import ast
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'minikeras')


def module_files(root=ROOT):
    """{dotted module name: file path} for every .py file below ``root``."""
    found = {}
    base = os.path.dirname(root)
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith('.py'):
                continue
            path = os.path.join(folder, name)
            parts = os.path.relpath(path, base)[:-3].split(os.sep)
            if parts[-1] == '__init__':
                parts = parts[:-1]
            found['.'.join(parts)] = path
    return found


def _absolute(module, node, is_package):
    """The dotted name an ``ImportFrom`` node refers to, relative imports resolved."""
    if not node.level:
        return node.module
    parts = module.split('.')
    if not is_package:
        parts = parts[:-1]
    parts = parts[:len(parts) - (node.level - 1)]
    return '.'.join(parts + ([node.module] if node.module else []))


def _targets(module, node, modules, is_package):
    """The minikeras modules an import node loads."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = _absolute(module, node, is_package)
        # ``from pkg import mod`` loads pkg.mod when that is a module, else pkg itself
        names = [base + '.' + alias.name if base + '.' + alias.name in modules else base
                 for alias in node.names]
    names = [name for name in names if name.startswith('minikeras.')]
    # importing a.b.c runs a/__init__ and a/b/__init__ first: those are imported too
    # (except the packages ``module`` itself sits in, already being imported)
    parents = []
    for name in names:
        parts = name.split('.')
        for i in range(2, len(parts)):
            parent = '.'.join(parts[:i])
            if parent in modules and not (module + '.').startswith(parent + '.'):
                parents.append(parent)
    return names + parents


def _walk(tree):
    """(import node, True when it sits inside a function) for every import in ``tree``."""
    stack = [(tree, False)]
    while stack:
        node, in_function = stack.pop()
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                       ast.Lambda))
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, in_function
            stack.append((child, inside))


def imports(root=ROOT):
    """[(module, imported module, line, in_function)] for every minikeras import."""
    modules = module_files(root)
    edges = []
    for module, path in sorted(modules.items()):
        with open(path) as handle:
            tree = ast.parse(handle.read(), path)
        is_package = path.endswith('__init__.py')
        for node, in_function in _walk(tree):
            for target in _targets(module, node, modules, is_package):
                edges.append((module, target, node.lineno, in_function))
    return edges


def package(module):
    """The node a module belongs to: ``minikeras.models.training`` -> ``models``,
    ``minikeras`` -> ``minikeras``. ``utils`` is a shelf of independent helpers that sit
    at different heights (``utils.nest`` below the backend, ``utils.layer_utils`` above
    layers), so each of its modules is its own node; ``callbacks_*.py`` are parts of
    ``callbacks``."""
    parts = module.split('.')
    if len(parts) == 1:
        return parts[0]
    if parts[1] == 'utils' and len(parts) > 2:
        return 'utils.' + parts[2]
    if parts[1].startswith('callbacks_'):
        return 'callbacks'
    return parts[1]


def package_graph(edges, in_function=False):
    """{package: set of packages it imports} (top-level imports only, unless asked)."""
    graph = {}
    for source, target, _, inside in edges:
        if inside and not in_function:
            continue
        a, b = package(source), package(target)
        graph.setdefault(a, set())
        graph.setdefault(b, set())
        if a != b and b != 'minikeras':
            graph[a].add(b)
    return graph


def cycles(graph):
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def crossing_function_imports(edges, packages):
    """In-function imports from one of ``packages`` into another of them."""
    return [(s, t, line) for s, t, line, inside in edges
            if inside and package(s) in packages and package(t) in packages
            and package(s) != package(t)]


def main(argv):
    edges = imports()
    top = package_graph(edges)
    every = package_graph(edges, in_function=True)
    print('package cycles, top-level imports: %s' % (cycles(top) or 'none'))
    print('package cycles, counting in-function imports: %s' % (cycles(every) or 'none'))
    core = ('layers', 'models', 'saving', 'export')
    crossing = crossing_function_imports(edges, core)
    print('in-function imports between %s: %d' % ('/'.join(core), len(crossing)))
    rows = crossing if '--all' not in argv else [
        (s, t, line) for s, t, line, inside in edges if inside and package(s) != package(t)]
    for source, target, line in rows:
        print('  %s:%d -> %s' % (source, line, target))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
