"""Computing and storing quarterly results."""

from __future__ import annotations


def recompute_months(*, months: list[str], reason: str) -> None:
    """Recompute the quarters containing `months` (filled in by the scoring work)."""
