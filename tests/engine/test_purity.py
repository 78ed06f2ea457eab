"""The engine is pure: no module under src/pingan/engine imports Django."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "src" / "pingan" / "engine"


def _imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_engine_has_modules() -> None:
    assert (ENGINE / "__init__.py").is_file()
    assert len(list(ENGINE.rglob("*.py"))) >= 6


def test_no_django_import_under_engine() -> None:
    offenders = {
        str(path.relative_to(ENGINE)): name
        for path in ENGINE.rglob("*.py")
        for name in _imported_modules(path)
        if name == "django" or name.startswith("django.")
    }
    assert offenders == {}


def test_engine_tests_do_not_import_django() -> None:
    here = Path(__file__).resolve().parent
    offenders = [
        path.name
        for path in here.glob("*.py")
        for name in _imported_modules(path)
        if name == "django" or name.startswith("django.")
    ]
    assert offenders == []
