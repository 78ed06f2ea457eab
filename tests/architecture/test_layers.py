"""The layer order, the absence of circles and the module size limit, checked on every run.

These are the checks of the architecture (docs/adr/0014-layer-contracts.md); `lint-imports`
checks the same order with the contracts in pyproject.toml.
"""

from __future__ import annotations

from tests.architecture.import_graph import (
    MAX_MODULE_LINES,
    app_graph,
    circles,
    import_graph,
    line_count,
    source_modules,
    upward_imports,
    without,
)

# Imports being removed by work in progress; each names the work that removes it. Keep in step
# with the ignore_imports of [tool.importlinter] in pyproject.toml. Must end empty.
KNOWN_BAD_IMPORTS: dict[tuple[str, str], str] = {
    ("pingan.cases.demo", "pingan.demo"): "demo helpers move to the demo_data package",
    ("pingan.accounts.services", "pingan.audit.services"): "accounts and audit untangled",
    ("pingan.accounts.services", "pingan.audit.events"): "accounts and audit untangled",
    ("pingan.accounts.middleware", "pingan.audit.events"): "accounts and audit untangled",
    ("pingan.cases.selectors", "pingan.cases.services"): "one ancestors() in the units selectors",
}

# Modules being split by work in progress. Must end empty.
KNOWN_LARGE_MODULES: frozenset[str] = frozenset({"pingan.cases.services", "pingan.cases.views"})


def checked_graph() -> dict[str, frozenset[str]]:
    """The import graph without the imports still being removed."""
    return without(import_graph(), KNOWN_BAD_IMPORTS)


def test_no_import_runs_up_the_layers() -> None:
    """A module imports only from its own layer or lower ones (function-local imports too)."""
    assert upward_imports(checked_graph()) == []


def test_no_circle_between_apps() -> None:
    """No two apps import each other, directly or through others."""
    assert circles(app_graph(checked_graph())) == []


def test_no_circle_between_modules() -> None:
    """No two modules import each other, directly or through others."""
    assert circles(checked_graph()) == []


def test_no_module_over_the_size_limit() -> None:
    """No module outside migrations has more than 500 lines."""
    large = {
        module: line_count(module)
        for module in source_modules()
        if module not in KNOWN_LARGE_MODULES and line_count(module) > MAX_MODULE_LINES
    }
    assert large == {}
