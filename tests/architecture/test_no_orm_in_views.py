"""Views, API and Open311 modules read through selectors: no ORM access of their own.

Every module named views.py or api.py, every module inside a `views/`, `api/` or `open311/`
package of src/pingan is parsed; a manager (`.objects`, `_default_manager`, `_base_manager`),
a QuerySet method call (on a model class or a related manager) or an ORM shortcut
(`get_object_or_404`) fails the test with its file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2] / "src" / "pingan"
PACKAGES = {"views", "api", "open311"}
MODULE_NAMES = {"views.py", "api.py"}
MANAGERS = {"objects", "_default_manager", "_base_manager"}
# Methods only a QuerySet (or a manager) has; `get`, `count`, `first` … are left out because
# dictionaries, paginators and lists have them too.
QUERYSET_METHODS = {
    "aggregate", "annotate", "bulk_create", "bulk_update", "defer", "distinct", "exclude",
    "filter", "get_or_create", "in_bulk", "only", "order_by", "prefetch_related", "raw",
    "select_for_update", "select_related", "update_or_create", "values_list",
}  # fmt: skip
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def interface_modules() -> list[Path]:
    """Every view, API and Open311 module of src/pingan."""
    return sorted(
        path
        for path in SOURCE.rglob("*.py")
        if "migrations" not in path.parts
        and (path.name in MODULE_NAMES or PACKAGES & set(path.relative_to(SOURCE).parts[:-1]))
    )


def orm_accesses(path: Path) -> list[str]:
    """Every ORM access of the module as "file:line what"."""
    name = path.relative_to(SOURCE).as_posix()
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        what = _orm_access(node)
        if what is not None:
            found.append("%s:%d %s" % (name, getattr(node, "lineno", 0), what))
    return found


def _orm_access(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
        return "." + node.attr
    if not isinstance(node, ast.Call):
        return None
    if isinstance(node.func, ast.Attribute) and node.func.attr in QUERYSET_METHODS:
        return "." + node.func.attr + "()"
    if isinstance(node.func, ast.Name) and node.func.id in SHORTCUTS:
        return node.func.id + "()"
    return None


def test_the_interface_modules_are_found():
    names = {path.relative_to(SOURCE).as_posix() for path in interface_modules()}
    assert {
        "scores/views.py",
        "scores/api.py",
        "api/auth.py",
        "api/main.py",
        "matters/views/matters.py",
        "matters/open311/views.py",
        "reporting/api.py",
    } <= names


@pytest.mark.parametrize(
    "path", interface_modules(), ids=lambda p: p.relative_to(SOURCE).as_posix()
)
def test_no_orm_access_in_views_and_api(path):
    assert orm_accesses(path) == []


def test_the_check_finds_each_kind_of_access():
    sample = (
        "def view(request, run):\n"
        "    units = OrgUnit.objects.all()\n"
        "    mine = run.results.filter(unit=1)\n"
        "    thing = get_object_or_404(Thing, pk=1)\n"
        "    fine = request.GET.get('x')\n"
    )
    tree = ast.parse(sample)
    found = sorted(
        (getattr(n, "lineno", 0), what)
        for n in ast.walk(tree)
        if (what := _orm_access(n)) is not None
    )
    assert found == [(2, ".objects"), (3, ".filter()"), (4, "get_object_or_404()")]
