"""The single entry point by which other apps tell scoring that its inputs changed."""

from __future__ import annotations


def inputs_changed(*, months: list[str], reason: str) -> None:
    """Approved figures of the given months (YYYY-MM) changed: recompute the affected quarters.

    Called by the reporting services inside the approving transaction.
    """
    from pingan.scores.services import recompute_months

    recompute_months(months=months, reason=reason)
