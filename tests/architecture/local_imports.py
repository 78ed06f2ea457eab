"""Function-local imports of pingan code, and whether each one says why it is local."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REASON = re.compile(r"#\s*local import:\s*\S")


@dataclass(frozen=True)
class LocalImport:
    """One import statement of pingan code inside a function body.

    `block_line` is the first line of the run of import statements (one per line, no gap) it
    stands in, so that one reason comment above a run of imports covers all of them.
    """

    path: Path
    line: int
    end_line: int
    block_line: int
    module: str

    def has_reason(self, lines: list[str]) -> bool:
        """Whether a `# local import: <reason>` comment is on its lines or above its run."""
        own = lines[self.line - 1 : self.end_line]
        above = lines[self.block_line - 2] if self.block_line >= 2 else ""
        return any(REASON.search(text) for text in [*own, above])


def _imported_module(node: ast.Import | ast.ImportFrom) -> str | None:
    """The pingan (or relative) module an import statement names, None for third-party ones."""
    if isinstance(node, ast.ImportFrom):
        if node.level:
            return "." * node.level + (node.module or "")
        module = node.module or ""
        return module if module.split(".")[0] == "pingan" else None
    names = [alias.name for alias in node.names if alias.name.split(".")[0] == "pingan"]
    return names[0] if names else None


def _statement_lists(function: ast.AST) -> Iterator[list[ast.stmt]]:
    """Every list of statements inside a function: its body and the bodies nested in it."""
    for node in ast.walk(function):
        for value in vars(node).values():
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                yield value


def local_imports(path: Path) -> Iterator[LocalImport]:
    """Every import of pingan code inside a function (or method) body of one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    seen: set[int] = set()
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for statements in _statement_lists(function):
            block_line, previous_end = 0, 0
            for node in statements:
                if not isinstance(node, ast.Import | ast.ImportFrom):
                    block_line = 0
                    continue
                if node.lineno != previous_end + 1:
                    block_line = node.lineno
                previous_end = node.end_lineno or node.lineno
                module = _imported_module(node)
                if module is not None and id(node) not in seen:
                    seen.add(id(node))
                    yield LocalImport(
                        path, node.lineno, node.end_lineno or node.lineno, block_line, module
                    )


def unexplained_local_imports(path: Path) -> list[LocalImport]:
    """The function-local imports of one file that carry no `# local import:` reason."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [found for found in local_imports(path) if not found.has_reason(lines)]
