"""The index watcher: a unit entering the orange or red tier, or falling by more than the scheme's
points against the previous quarter, in a final quarter's stored scores (never a provisional one).

The watch of a stored run is owed when the run is stored and due when its quarter is final; a run
that a later run of its quarter replaced before the watch ran is not watched.
"""

from __future__ import annotations

import datetime as dt

from pingan.core.access.actor import Actor
from pingan.core.periods import shift_quarter
from pingan.schemes.warning_rules import WarningRules, warning_rules
from pingan.scores.models import QuarterResult, ScoreRun
from pingan.scores.selectors import final_from, run_is_provisional
from pingan.warnings.actions.raising import Signal, raise_signals
from pingan.warnings.levels import index_level
from pingan.warnings.models import LEVEL_RANK, Level, Source

INDEX_SERIES = "index"
TIER_RANK = {"": 0, "yellow": 0, "orange": LEVEL_RANK[Level.ORANGE], "red": LEVEL_RANK[Level.RED]}


def find_index_signals(run: ScoreRun, rules: WarningRules) -> list[Signal]:
    """The signals of a stored run (nothing written); none for a provisional quarter."""
    if run_is_provisional(run):
        return []
    previous = dict(
        QuarterResult.objects.filter(
            run__period=shift_quarter(run.period, -1),
            run__is_current=True,
            run__version__scheme_id=run.version.scheme_id,
        ).values_list("unit_id", "tier")
    )
    signals = []
    results = run.results.filter(absolute_score__isnull=False).order_by("unit_id")
    for result in results:
        entering = TIER_RANK.get(result.tier, 0) > TIER_RANK.get(
            previous.get(result.unit_id, ""), 0
        )
        falling = result.change_prev is not None and result.change_prev < -rules.index_drop
        if not (entering or falling):
            continue
        score = float(result.absolute_score or 0.0)
        before = score - result.change_prev if result.change_prev is not None else None
        signals.append(
            Signal(
                source=Source.INDEX,
                unit_id=result.unit_id,
                series_key=INDEX_SERIES,
                period=run.period,
                level=index_level(tier=result.tier if entering else ""),
                observed=score,
                expected=before,
                threshold=(before - rules.index_drop) if before is not None else None,
            )
        )
    return signals


def final_from_run(run_id: int) -> dt.datetime | None:
    """The instant a stored run's quarter becomes final (None for a period that is not a quarter)."""
    run = ScoreRun.objects.select_related("version").get(pk=run_id)
    if "Q" not in run.period:
        return None
    return final_from(run.period, run.version.deadline_day)


def scan_index(*, actor: Actor, run_id: int, now: dt.datetime | None = None) -> int:
    """Raise (or attach) the index warnings of a stored run; returns the number of signals."""
    run = ScoreRun.objects.select_related("version").get(pk=run_id)
    if not run.is_current:
        return 0  # a later run of the quarter was stored: its own job watches it
    signals = find_index_signals(run, warning_rules(run.version))
    raise_signals(actor=actor, signals=signals, now=now)
    return len(signals)
