"""Recomputation as owed work: enqueued with the change that makes it owed, run by the job worker.

The subscribers below are called by `pingan.core.events` inside the transaction of an approval,
a correction, a scheme load or a covariates import; the job row they write commits with it.
Running the job twice, or after a later job already did the work, is a no-op (the input hash).
"""

from __future__ import annotations

from typing import Any

from pingan.core.jobs import enqueue, owe_once, pending, task
from pingan.core.periods import period_of
from pingan.schemes.selectors import scheme_period, versions_in_force
from pingan.scores.models import ScoreRun


@task(priority=10)
def recompute(*, quarters: list[str], reason: str) -> list[str]:
    """Recompute the given quarters and every later computed one; the quarters that got a new run."""
    # local import: the engine loads when a recomputation runs, not when Django starts
    from pingan.scores.services import recompute_quarters

    return recompute_quarters(quarters=set(quarters), reason=reason)


def figures_changed(*, months: list[str], reason: str, **_payload: Any) -> None:
    """Approved figures of `months` changed: their periods (and later computed ones) are owed.

    Owed under every scheme in force (each office's): a period is a quarter, or a month or a
    year for a scheme that scores by those.
    """
    kinds = {scheme_period(v) for v in versions_in_force()} or {"quarter"}
    quarters = sorted({period_of(m, kind) for m in months for kind in kinds})
    if quarters:
        # Repeated approvals merge into a recompute not yet started that covers these quarters;
        # it is locked until the approval commits, so it reads the approved figures.
        owe_once(
            recompute,
            merges_into=lambda waiting: set(quarters) <= set(waiting.get("quarters", ())),
            quarters=quarters,
            reason=reason,
        )


def inputs_of_computed_quarters_changed(*, reason: str, **_payload: Any) -> None:
    """A scheme or covariates changed: every computed quarter is owed."""
    quarters = sorted(
        set(ScoreRun.objects.filter(is_current=True).values_list("period", flat=True))
    )
    if quarters:
        enqueue(recompute, quarters=quarters, reason=reason)


def unowed_stale_quarters() -> list[str]:
    """Quarters whose stored results differ from their inputs with no recomputation owed for them.

    A quarter is covered by a waiting or running `recompute` job that names it, or names an
    earlier quarter while it has a current run (the job recomputes every later computed quarter).
    """
    from pingan.scores.services import stale_quarters  # local import: as in recompute above

    stale = stale_quarters()
    if not stale:
        return []
    owed = [kwargs["quarters"] for kwargs in pending(recompute)]
    computed = set(ScoreRun.objects.filter(is_current=True).values_list("period", flat=True))
    return [
        period
        for period in stale
        if not any(
            period in quarters or (period in computed and period > min(quarters))
            for quarters in owed
            if quarters
        )
    ]
