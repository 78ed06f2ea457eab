"""The import graph of src/pingan, read the way the architecture checks read it.

Every import counts, function-local ones included; migrations are left out. An import of
``pingan.a.b`` is an edge to the module ``pingan.a.b`` (or its nearest existing package), and
``from pingan.a import b`` is an edge to ``pingan.a`` and to ``pingan.a.b`` when that is a module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "pingan"
MAX_MODULE_LINES = 500

# Lowest first. Apps not named here are domain apps above scores (bulletins, matters, backup, ...).
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"engine"}),
    frozenset({"core"}),
    frozenset({"accounts", "audit"}),
    frozenset({"units", "schemes"}),
    frozenset({"reporting"}),
    frozenset({"scores"}),
    frozenset(),
    frozenset({"warnings"}),
    frozenset({"assessments"}),
    frozenset({"web", "api", "cli", "demo", "demo_data", "urls", "wsgi", "asgi", "settings"}),
)
DOMAIN_LAYER = 6

Graph = Mapping[str, frozenset[str]]


def layer_of(app: str) -> int:
    """The index of an app's layer in LAYERS (lowest first)."""
    for index, apps in enumerate(LAYERS):
        if app in apps:
            return index
    return DOMAIN_LAYER


def app_of(module: str) -> str:
    """The app (second name) of a dotted pingan module name."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__root__"


@cache
def source_modules() -> dict[str, Path]:
    """Every module of src/pingan outside migrations, by dotted name."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.relative_to(PACKAGE).parts:
            continue
        name = ".".join(path.relative_to(SRC).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    return modules


def _resolve(name: str) -> str | None:
    """The nearest module (or package) of src/pingan that a dotted name refers to."""
    modules = source_modules()
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _import_targets(node: ast.AST, package: str) -> list[str]:
    """The dotted names an import statement names, relative imports made absolute."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        parts = package.split(".")
        parts = parts[: len(parts) - (node.level - 1)]
        base = ".".join([*parts, base] if base else parts)
    return [f"{base}.{alias.name}" for alias in node.names] + [base]


def imports_of(module: str) -> frozenset[str]:
    """The pingan modules a module imports anywhere in its body."""
    path = source_modules()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = set()
    for node in ast.walk(tree):
        for target in _import_targets(node, package):
            resolved = _resolve(target) if target.startswith("pingan") else None
            if resolved and resolved != module:
                found.add(resolved)
    return frozenset(found)


@cache
def import_graph() -> dict[str, frozenset[str]]:
    """Module -> the modules it imports."""
    return {module: imports_of(module) for module in source_modules()}


def without(graph: Graph, edges: Mapping[tuple[str, str], str]) -> dict[str, frozenset[str]]:
    """The graph with the given (importer, imported) edges taken out."""
    return {a: frozenset(b for b in bs if (a, b) not in edges) for a, bs in graph.items()}


def app_graph(graph: Graph) -> dict[str, frozenset[str]]:
    """App -> the other apps its modules import."""
    apps: dict[str, set[str]] = {app_of(module): set() for module in graph}
    for importer, imported in _edges(graph):
        if app_of(importer) != app_of(imported):
            apps[app_of(importer)].add(app_of(imported))
    return {app: frozenset(targets) for app, targets in apps.items()}


def _edges(graph: Graph) -> Iterator[tuple[str, str]]:
    """Every (importer, imported) pair of a graph."""
    for importer, targets in graph.items():
        for imported in targets:
            yield importer, imported


def upward_imports(graph: Graph) -> list[str]:
    """Imports from one app into an app of a higher layer."""
    return sorted(
        f"{a} (layer {layer_of(app_of(a))}) -> {b} (layer {layer_of(app_of(b))})"
        for a, b in _edges(graph)
        if app_of(a) != app_of(b) and layer_of(app_of(b)) > layer_of(app_of(a))
    )


def circles(graph: Graph) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = _pop_component(stack, on_stack, node)
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return sorted(found)


def _pop_component(stack: list[str], on_stack: set[str], root: str) -> list[str]:
    """Pop one strongly connected component off Tarjan's stack, down to its root."""
    component = []
    while True:
        node = stack.pop()
        on_stack.discard(node)
        component.append(node)
        if node == root:
            return component


def line_count(module: str) -> int:
    """How many lines a module has."""
    with source_modules()[module].open(encoding="utf-8") as lines:
        return sum(1 for _ in lines)
