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
)


def test_no_import_runs_up_the_layers() -> None:
    """A module imports only from its own layer or lower ones (function-local imports too)."""
    assert upward_imports(import_graph()) == []


def test_no_circle_between_apps() -> None:
    """No two apps import each other, directly or through others."""
    assert circles(app_graph(import_graph())) == []


def test_no_circle_between_modules() -> None:
    """No two modules import each other, directly or through others."""
    assert circles(import_graph()) == []


def test_no_module_over_the_size_limit() -> None:
    """No module outside migrations has more than 500 lines."""
    large = {
        module: line_count(module)
        for module in source_modules()
        if line_count(module) > MAX_MODULE_LINES
    }
    assert large == {}


def _all_contracts() -> list[dict[str, Any]]:
    """The import-linter contracts of pyproject.toml."""
    with (SRC.parent / "pyproject.toml").open("rb") as file:
        contracts: list[dict[str, Any]] = tomllib.load(file)["tool"]["importlinter"]["contracts"]
    return contracts


def _contract(contract_id: str) -> dict[str, Any]:
    """One import-linter contract of pyproject.toml, by its id."""
    return next(contract for contract in _all_contracts() if contract["id"] == contract_id)


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


def test_the_import_contracts_ignore_no_import() -> None:
    """No import-linter contract lists imports to ignore: a wrong-way import is moved, not listed."""
    assert [contract["id"] for contract in _all_contracts() if contract.get("ignore_imports")] == []
