"""The worked examples of docs/methodology.md, evaluated against the engine."""

from __future__ import annotations

import doctest
from pathlib import Path

METHODOLOGY = Path(__file__).resolve().parents[2] / "docs" / "methodology.md"


def test_worked_examples_of_the_methodology_hold() -> None:
    results = doctest.testfile(
        str(METHODOLOGY),
        module_relative=False,
        optionflags=doctest.NORMALIZE_WHITESPACE,
        raise_on_error=False,
        verbose=False,
    )
    assert results.failed == 0
    assert results.attempted >= 17
