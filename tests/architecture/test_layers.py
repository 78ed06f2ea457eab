"""The layer order, the absence of circles and the module size limit, checked on every run.

These are the checks of the architecture (docs/adr/0014-layer-contracts.md); `lint-imports`
checks the same order with the contracts in pyproject.toml.
"""

from __future__ import annotations

import tomllib
from typing import Any

from tests.architecture.import_graph import (
    LAYERS,
    MAX_MODULE_LINES,
    SRC,
    app_graph,
    app_of,
    circles,
    import_graph,
    line_count,
    source_modules,
    upward_imports,
    without,
)

# Imports being removed by work in progress; each names the work that removes it. Keep in step
# with the ignore_imports of [tool.importlinter] in pyproject.toml. Must end empty.
KNOWN_BAD_IMPORTS: dict[tuple[str, str], str] = {}

# Modules being split by work in progress. Must end empty.
KNOWN_LARGE_MODULES: frozenset[str] = frozenset()


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


def _contract(contract_id: str) -> dict[str, Any]:
    """One import-linter contract of pyproject.toml, by its id."""
    with (SRC.parent / "pyproject.toml").open("rb") as file:
        contracts = tomllib.load(file)["tool"]["importlinter"]["contracts"]
    return next(contract for contract in contracts if contract["id"] == contract_id)


def test_the_import_contracts_state_the_same_layers() -> None:
    """The import-linter layers (highest first) are the layers of these tests, every app placed."""
    stated = [
        frozenset(name.strip() for name in layer.replace("|", ":").split(":"))
        for layer in reversed(_contract("layers")["layers"])
    ]
    apps = {app_of(module) for module in source_modules()} - {"__root__"}
    domain_apps = frozenset(apps - set().union(*LAYERS))
    expected = [(layer or domain_apps) & apps for layer in LAYERS]
    assert stated == expected


def test_the_import_contracts_ignore_only_the_known_bad_imports() -> None:
    """Every import an import-linter contract ignores is one the tests know is being removed."""
    ignored = {
        tuple(entry.replace(" ", "").split("->"))
        for contract_id in ("layers", "no-circles")
        for entry in _contract(contract_id).get("ignore_imports", [])
    }
    assert ignored <= set(KNOWN_BAD_IMPORTS)
