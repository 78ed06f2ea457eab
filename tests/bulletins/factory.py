"""Stored results written directly, so that bulletin tests know every figure they print."""

from __future__ import annotations

import hashlib

from pingan.schemes.selectors import current_version
from pingan.scores.models import QuarterResult, ScoreChange, ScoreRun
from pingan.units.models import OrgUnit

TOP = {"A": 98.75, "B": 99.0, "C": 97.0}
STEP = {"A": 3.25, "B": 0.25, "C": 1.5}
TIER_LINES = (("red", 70.0), ("orange", 80.0), ("yellow", 90.0))
STAR_BANDS = (0, 70, 80, 90, 95)


def tier_of(score: float) -> str:
    """The tier by the binzhou scheme's lines."""
    return next((name for name, line in TIER_LINES if score < line), "")


def stars_of(score: float) -> int:
    """Stars by the binzhou scheme's bands."""
    return sum(1 for band in STAR_BANDS if score >= band)


def planned_scores(adjust: dict[str, float] | None = None) -> dict[str, tuple[str, float]]:
    """unit code → (class, absolute score): a fixed ladder per class, then the adjustments."""
    scores: dict[str, tuple[str, float]] = {}
    for code in ("A", "B", "C"):
        for i, unit in enumerate(OrgUnit.objects.filter(eval_class=code).order_by("code")):
            scores[unit.code] = (code, round(TOP[code] - STEP[code] * i, 2))
    for unit_code, delta in (adjust or {}).items():
        klass, score = scores[unit_code]
        scores[unit_code] = (klass, round(score + delta, 2))
    return scores


def store_run(
    period: str,
    *,
    adjust: dict[str, float] | None = None,
    previous: ScoreRun | None = None,
    reason: str = "test",
) -> ScoreRun:
    """Store a current run of `period` (superseding `previous`, with its ScoreChange rows)."""
    version = current_version()
    if previous is not None:
        ScoreRun.objects.filter(pk=previous.pk).update(is_current=False)
    digest = hashlib.sha256(
        ("%s|%s|%s" % (period, sorted((adjust or {}).items()), reason)).encode()
    ).hexdigest()
    run = ScoreRun.objects.create(
        version=version, period=period, input_hash=digest, reason=reason, supersedes=previous
    )
    units = {u.code: u for u in OrgUnit.objects.exclude(eval_class="")}
    scores = planned_scores(adjust)
    rows = []
    for klass in ("A", "B", "C"):
        ranked = sorted(
            (c for c, (k, _s) in scores.items() if k == klass), key=lambda c: (-scores[c][1], c)
        )
        for i, code in enumerate(ranked):
            score = scores[code][1]
            rows.append(
                QuarterResult(
                    run=run,
                    unit=units[code],
                    class_code=klass,
                    absolute_score=score,
                    relative_score=round(score - 0.5, 2),
                    rank=i + 1,
                    rank_low=max(1, i),
                    rank_high=min(len(ranked), i + 2),
                    tier=tier_of(score),
                    stars=stars_of(score),
                    veto=code == "BZ10",
                    complete=code != "I08",
                    funnel_flag="alarm_high" if code == "BZ09" else "",
                    observed=float(i + 1),
                    expected=5.0,
                    change_prev=round((i % 7 - 3) * 1.25, 2),
                    change_year=None,
                )
            )
    QuarterResult.objects.bulk_create(rows)
    if previous is not None:
        _record_changes(run, previous)
    return run


def _record_changes(run: ScoreRun, previous: ScoreRun) -> None:
    old = {r.unit_id: r for r in previous.results.all()}
    for new in run.results.all():
        before = old[new.unit_id]
        if (before.absolute_score, before.rank) != (new.absolute_score, new.rank):
            ScoreChange.objects.create(
                run=run,
                previous_run=previous,
                unit_id=new.unit_id,
                old_absolute=before.absolute_score,
                new_absolute=new.absolute_score,
                old_relative=before.relative_score,
                new_relative=new.relative_score,
                old_rank=before.rank,
                new_rank=new.rank,
                reason=run.reason,
            )
