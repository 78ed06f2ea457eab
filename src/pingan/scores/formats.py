"""How scores and flags are written in exports, pages and the command line."""

from __future__ import annotations


def score_text(value: float | None) -> str:
    """A score as exported and printed everywhere: two decimals ("" for a withheld unit)."""
    return "" if value is None else "%.2f" % value


def flag_text(value: bool) -> str:
    """A yes/no column of the exports: "true" or "false"."""
    return "true" if value else "false"
