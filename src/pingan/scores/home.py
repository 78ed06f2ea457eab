"""Home-page panel of the stability index: tier counts of the newest final quarter and their change."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pingan.core.access.actor import Actor
from pingan.core.panels import Panel
from pingan.core.periods import shift_quarter
from pingan.schemes.selectors import current_version
from pingan.scores import selectors
from pingan.scores.models import ScoreRun, Tier

TIERS = (Tier.RED, Tier.ORANGE, Tier.YELLOW)


def tier_counts(run: ScoreRun | None, scope: set[int] | None) -> dict[str, int]:
    """Scored units per tier ("red", "orange", "yellow") in a run, within `scope` (all when None)."""
    counts = {str(tier): 0 for tier in TIERS}
    if run is None:
        return counts
    results = selectors.scored(run.results.all())
    if scope is not None:
        results = results.filter(unit_id__in=scope)
    for row in results.filter(tier__in=TIERS).values("tier").annotate(n=Count("pk")):
        counts[row["tier"]] = row["n"]
    return counts


def quarter_tiers(actor: Actor) -> dict[str, Any] | None:
    """Tier counts of the newest final quarter beside the quarter before (the actor's units only for a unit viewer)."""
    scope = selectors.visible_unit_ids(actor)
    version = current_version()
    periods = selectors.computed_periods()
    if version is None or not periods:
        return {"period": ""}
    period = selectors.newest_final(periods, timezone.localdate(), version.deadline_day)
    if not period:
        return {"period": ""}
    previous = shift_quarter(period, -1)
    now = tier_counts(selectors.current_run(period), scope)
    before_run = selectors.current_run(previous) if previous in periods else None
    before = tier_counts(before_run, scope) if before_run is not None else None
    rows = [
        {
            "tier": tier,
            "label": Tier(tier).label,
            "count": now[tier],
            "change": None if before is None else now[tier] - before[tier],
        }
        for tier in now
    ]
    own = None
    if scope is not None:
        run = selectors.current_run(period)
        own = list(selectors.results_for(run, scope=scope)) if run else []
    return {"period": period, "previous": previous, "rows": rows, "own": own}


PANELS = [
    Panel(
        "scores.tiers",
        _("Stability index"),
        "scores.view",
        "scores/home/tiers.html",
        quarter_tiers,
        order=20,
    )
]
