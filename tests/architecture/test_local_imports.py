"""A function-local import of pingan code needs a written reason.

A local import hides a dependency from the reader of the module's head; it is allowed only with
a `# local import: <reason>` comment on its line or on the line above the run of import
statements it stands in (for example: the command line must not load models before
django.setup()).
"""

from __future__ import annotations

from tests.architecture.import_graph import PACKAGE, SRC, import_graph, source_modules
from tests.architecture.local_imports import local_imports, unexplained_local_imports


def test_every_local_import_gives_its_reason() -> None:
    """Each function-local import of pingan code has a reason."""
    unexplained = [
        f"{found.path.relative_to(SRC)}:{found.line} imports {found.module}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts
        for found in unexplained_local_imports(path)
    ]
    assert unexplained == []


def test_a_reason_on_the_line_or_above_the_run_of_imports_counts(tmp_path) -> None:
    """The scanner finds local imports in functions and methods and reads the reason comments."""
    source = tmp_path / "sample.py"
    source.write_text(
        "import pingan.core\n"
        "def first():\n"
        "    from pingan.core import jobs  # local import: loads models\n"
        "    # local import: the command line sets Django up first\n"
        "    from . import sibling\n"
        "    import json\n"
        "    from pingan.units import models\n"
        "class Owner:\n"
        "    def method(self):\n"
        "        import json\n"
        "        import pingan.units.models\n",
        encoding="utf-8",
    )
    found = [(item.line, item.module) for item in local_imports(source)]
    unexplained = [(item.line, item.module) for item in unexplained_local_imports(source)]
    assert found == [(3, "pingan.core"), (5, "."), (7, "pingan.units"), (11, "pingan.units.models")]
    assert unexplained == [(11, "pingan.units.models")]


def test_local_imports_are_edges_of_the_import_graph() -> None:
    """The layer checks see function-local imports: each absolute one is an edge of the graph."""
    graph = import_graph()
    modules = {path: name for name, path in source_modules().items()}
    checked = 0
    for path, module in modules.items():
        for found in local_imports(path):
            if found.module.startswith("pingan"):
                assert any(
                    target == found.module or target.startswith(found.module + ".")
                    for target in graph[module]
                ), (module, found.module)
                checked += 1
    assert checked > 0
