"""Reads of materialised results."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.db.models import F, QuerySet
from django.utils import timezone

from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require, scope_unit_ids
from pingan.core.jobs import pending_since
from pingan.core.page_cache import remembered
from pingan.core.periods import period_months, period_window
from pingan.engine.funnel import LEVELS, FunnelResult, exact_limits, random_effects_limits
from pingan.engine.funnel import funnel as funnel_engine
from pingan.reporting.deadlines import deadline, local_zone
from pingan.reporting.models import Figure
from pingan.schemes.models import Indicator
from pingan.schemes.selectors import current_version
from pingan.scores.cells import explanation_cells, missing_of
from pingan.scores.charts import tier_label
from pingan.scores.formats import score_text
from pingan.scores.models import (
    CellStatus,
    KeyManagementMark,
    QuarterResult,
    ScoreRun,
    UnitBoundary,
)
from pingan.scores.tasks import recompute
from pingan.units.models import OrgUnit
from pingan.units.selectors import require_unit_in_scope
from pingan.units.tree import subtree_ids


def current_run(period: str, scheme_code: str | None = None) -> ScoreRun | None:
    """The current run of a quarter ("YYYYQn") under the scheme's latest version."""
    version = current_version(scheme_code)
    if version is None:
        return None
    return ScoreRun.objects.filter(version=version, period=period, is_current=True).first()


def results_for(
    run: ScoreRun, class_code: str | None = None, scope: set[int] | None = None
) -> QuerySet[QuarterResult]:
    """A run's results ordered by class and rank (withheld units last in their class), units loaded.

    Only the class's results when `class_code` is given, only the units in `scope` unless it is None.
    """
    results = run.results.select_related("unit", "linked_unit").order_by(
        "class_code", F("rank").asc(nulls_last=True), "unit__code"
    )
    if class_code:
        results = results.filter(class_code=class_code)
    return results if scope is None else results.filter(unit_id__in=scope)


def unit_result(run: ScoreRun, unit: OrgUnit) -> QuarterResult | None:
    """The unit's result in the run, unit loaded; None when the run has none for it."""
    return run.results.select_related("unit", "linked_unit").filter(unit=unit).first()


def first_class_in_scope(run: ScoreRun, scope: set[int]) -> str | None:
    """The first class (by code) in which the run has a result for a unit in `scope`."""
    classes = run.results.filter(unit_id__in=scope).order_by("class_code")
    return classes.values_list("class_code", flat=True).first()


def score_runs(*, actor: Actor, period: str | None = None) -> QuerySet[ScoreRun]:
    """Every computation (current and superseded), newest first, versions and schemes loaded.

    Only the runs of `period` when given.
    """
    require(actor, "scores.view")
    runs = ScoreRun.objects.select_related("version__scheme").order_by("-computed_at", "-pk")
    return runs.filter(period=period) if period else runs


def computed_periods(scheme_code: str | None = None) -> list[str]:
    """Quarters with a current run, newest first."""
    version = current_version(scheme_code)
    if version is None:
        return []
    periods = ScoreRun.objects.filter(version=version, is_current=True).values_list(
        "period", flat=True
    )
    return sorted(set(periods), reverse=True)


def key_managed_unit_ids() -> set[int]:
    """Units currently marked for key management."""
    return set(
        KeyManagementMark.objects.filter(ended_at__isnull=True).values_list("unit_id", flat=True)
    )


# ---------------------------------------------------------------- dashboards

OVERVIEW_SORTS: dict[str, tuple[Any, ...]] = {
    "rank": ("rank", "unit__code"),
    "-rank": ("-rank", "unit__code"),
    "absolute": ("absolute_score", "unit__code"),
    "-absolute": ("-absolute_score", "unit__code"),
    "relative": ("relative_score", "unit__code"),
    "-relative": ("-relative_score", "unit__code"),
    "code": ("unit__code",),
    "-code": ("-unit__code",),
    "change_prev": (F("change_prev").asc(nulls_last=True), "unit__code"),
    "-change_prev": (F("change_prev").desc(nulls_last=True), "unit__code"),
    "change_year": (F("change_year").asc(nulls_last=True), "unit__code"),
    "-change_year": (F("change_year").desc(nulls_last=True), "unit__code"),
}
HISTORY_QUARTERS = 8


def visible_unit_ids(actor: Actor) -> set[int] | None:
    """Units whose results the actor may see: None for everyone's (the office), else their own units and those below."""
    require(actor, "scores.view")
    scope = scope_unit_ids(actor, "scores.view")
    return None if scope is None else subtree_ids(scope)


def scoped_results(
    run: ScoreRun, class_code: str, scope: set[int] | None
) -> QuerySet[QuarterResult]:
    """A class's results of a run, restricted to the units in `scope` (all when None), units loaded."""
    results = run.results.filter(class_code=class_code).select_related("unit")
    return results if scope is None else results.filter(unit_id__in=scope)


def overview_results(
    run: ScoreRun,
    class_code: str,
    scope: set[int] | None,
    *,
    tier: str | None = None,
    sort: str = "rank",
) -> QuerySet[QuarterResult]:
    """The league table of a class: filtered by tier ("none" = no tier) and sorted by one of OVERVIEW_SORTS.

    Withheld units are not in it (they are listed apart by `withheld_units`).
    """
    results = scored(scoped_results(run, class_code, scope))
    if tier == "none":
        results = results.filter(tier="")
    elif tier:
        results = results.filter(tier=tier)
    return results.order_by(*OVERVIEW_SORTS.get(sort, OVERVIEW_SORTS["rank"]))


def withheld_results(
    run: ScoreRun, class_code: str, scope: set[int] | None
) -> QuerySet[QuarterResult]:
    """The class's units withheld for missing figures (no score), by unit code."""
    results = scoped_results(run, class_code, scope).filter(absolute_score__isnull=True)
    return results.order_by("unit__code")


def score_history(
    unit_ids: list[int], run: ScoreRun, quarters: int = HISTORY_QUARTERS
) -> dict[int, list[tuple[str, float, float]]]:
    """(quarter, absolute, relative) of each unit for the `quarters` quarters up to the run's, oldest first.

    One query whatever the number of units; quarters without a current result are absent.
    """
    window = period_window(run.period, quarters)
    rows = (
        QuarterResult.objects.filter(
            absolute_score__isnull=False,
            unit_id__in=unit_ids,
            run__version_id=run.version_id,
            run__is_current=True,
            run__period__in=window,
        )
        .order_by("run__period")
        .values_list("unit_id", "run__period", "absolute_score", "relative_score")
    )
    history: dict[int, list[tuple[str, float, float]]] = {}
    for unit_id, period, absolute, relative in rows:
        history.setdefault(unit_id, []).append(
            (period, float(absolute or 0.0), float(relative or 0.0))
        )
    return history


def unit_in_scope(*, actor: Actor, unit_code: str) -> OrgUnit | None:
    """The unit of this code (None when there is none) whose scores the actor may see.

    PermissionDenied when the actor may not see scores, or the unit is outside their units.
    """
    require(actor, "scores.view")
    unit = OrgUnit.objects.filter(code=unit_code).first()
    if unit is not None:
        require_unit_in_scope(actor=actor, action="scores.view", unit_id=unit.pk)
    return unit


def unit_results(unit: OrgUnit, run: ScoreRun) -> list[QuarterResult]:
    """Every current result of a unit under the run's scheme version, oldest quarter first."""
    results = QuarterResult.objects.filter(
        unit=unit, run__version_id=run.version_id, run__is_current=True
    )
    return list(results.select_related("run").order_by("run__period"))


def open_mark(unit: OrgUnit) -> KeyManagementMark | None:
    """The unit's open key-management mark, if any."""
    return KeyManagementMark.objects.filter(unit=unit, ended_at__isnull=True).first()


def funnel_data(
    run: ScoreRun, class_code: str, scope: set[int] | None, language: str
) -> dict[str, Any]:
    """Funnel plot of a class: points (O, E, O/E, flag, tier) and the limit lines, exact and adjusted.

    The limits are computed from the stored O and E of every unit of the class (whatever the
    scope), so they are the ones that flagged the units, once per run and class in each process
    (`core.page_cache`); only the points in `scope` are read and returned.
    """
    lines = remembered(
        "funnel-lines",
        (run.pk, run.computed_at.isoformat(), class_code),
        lambda: _class_funnel_lines(run, class_code),
    )
    points = [
        {
            "code": r.unit.code,
            "name": r.unit.display_name(language),
            "observed": round(r.observed, 6),
            "expected": round(r.expected, 6),
            "ratio": None if r.expected <= 0 else round(r.observed / r.expected, 6),
            "flag": r.funnel_flag,
            "tier": r.tier,
        }
        for r in scored(scoped_results(run, class_code, scope)).order_by("unit__code")
    ]
    return {"class": class_code, "period": run.period, "points": points, **lines}


def _class_funnel_lines(run: ScoreRun, class_code: str) -> dict[str, Any]:
    cells = (
        scored(run.results.filter(class_code=class_code))
        .order_by("unit__code")
        .values_list("observed", "expected")
    )
    values = np.array(list(cells), dtype=float).reshape(-1, 2)
    result = funnel_engine(values[:, 0], values[:, 1]) if len(values) else None
    return _funnel_lines(result)


def _funnel_lines(result: FunnelResult | None) -> dict[str, Any]:
    if result is None or result.curve.expected.size == 0:
        return {
            "overdispersed": False,
            "phi": None,
            "tau2": 0.0,
            "curve": {"expected": [], "lines": {}},
        }
    grid = result.curve.expected
    lines = {}
    for level, name in zip(LEVELS, ("95", "998"), strict=True):
        exact = exact_limits(grid, level)
        lines["exact_" + name] = {"lower": _rounded(exact.lower), "upper": _rounded(exact.upper)}
        if result.overdispersed:
            adjusted = random_effects_limits(grid, level, result.tau2)
            lines["adjusted_" + name] = {
                "lower": _rounded(adjusted.lower),
                "upper": _rounded(adjusted.upper),
            }
    return {
        "overdispersed": bool(result.overdispersed),
        "phi": None if np.isnan(result.phi) else round(float(result.phi), 6),
        "tau2": round(float(result.tau2), 6),
        "curve": {"expected": _rounded(grid), "lines": lines},
    }


def _rounded(values: np.ndarray) -> list[float | None]:
    return [None if not np.isfinite(v) else round(float(v), 6) for v in values]


def map_data(
    run: ScoreRun, class_code: str, scope: set[int] | None, language: str
) -> dict[str, Any]:
    """GeoJSON of the class's units that have a boundary, each feature carrying its name, tier and score.

    `missing` names (in the language) the units of the class without a boundary, by unit code.
    """

    results = {r.unit_id: r for r in scored(scoped_results(run, class_code, scope))}
    boundaries = UnitBoundary.objects.filter(unit_id__in=list(results)).order_by("unit__code")
    features, drawn = [], set()
    for unit_id, geometry in boundaries.values_list("unit_id", "geometry"):
        drawn.add(unit_id)
        r = results[unit_id]
        properties = {
            "code": r.unit.code,
            "name": r.unit.display_name(language),
            "tier": r.tier or "none",
            "tier_label": tier_label(r.tier),
            "score": score_text(r.absolute_score),
            "rank": r.rank,
        }
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    missing = [
        r.unit.display_name(language)
        for r in sorted(results.values(), key=lambda r: r.unit.code)
        if r.unit_id not in drawn
    ]
    return {"type": "FeatureCollection", "features": features, "missing": missing}


def indicator_names(version: Any, language: str) -> dict[str, str]:
    """Indicator code → name in the language, for a scheme version."""
    return {i.code: i.display_name(language) for i in Indicator.objects.filter(version=version)}


def figure_submissions(figure_ids: list[int]) -> dict[int, int]:
    """Approved figure id → the submission (version) it belongs to."""
    return dict(Figure.objects.filter(pk__in=figure_ids).values_list("pk", "submission_id"))


def unit_completeness(
    result: QuarterResult, names: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Per indicator: months of the quarter with an approved figure, of those expected (months
    the unit was open), with the indicator's name from `names` (code → name) when given."""
    counts: dict[str, list[int]] = {}
    for code, month, status in (
        (c.indicator_code, c.month, c.status) for c in explanation_cells(result)
    ):
        if month == "cap":
            continue
        reported = counts.setdefault(code, [0, 0])
        reported[1] += status != CellStatus.CLOSED
        reported[0] += status == CellStatus.REPORTED
    return [
        {
            "indicator_code": code,
            "name": (names or {}).get(code, code),
            "reported": r,
            "expected": e,
        }
        for code, (r, e) in counts.items()
    ]


def boundary_units() -> list[OrgUnit]:
    """The units that have a stored boundary, in code order (pages show their names)."""
    return [b.unit for b in UnitBoundary.objects.select_related("unit").order_by("unit__code")]


def runs_of(version: Any) -> dict[str, ScoreRun]:
    """The current runs of a scheme version by quarter, newest first, each with its version loaded.

    The version object given is shared by every run (not read and decoded again per run); a run's
    method notes are read when asked for.
    """
    runs = ScoreRun.objects.filter(version=version, is_current=True).defer("notes")
    by_period = {}
    for run in runs.order_by("-period"):
        run.version = version
        by_period[run.period] = run
    return by_period


# ---------------------------------------------------------------- completeness and provisional quarters


def final_from(period: str, deadline_day: int) -> dt.datetime:
    """The instant a quarter becomes final: the reporting deadline of its last month has passed."""
    return deadline(period_months(period)[-1], deadline_day)


def final_on(period: str, deadline_day: int) -> dt.date:
    """The first (local) day on which the quarter is final."""
    return final_from(period, deadline_day).astimezone(local_zone()).date()


def clock() -> dt.datetime:
    """The present instant against which quarters are provisional or final."""
    return timezone.now()


def is_provisional(period: str, deadline_day: int, now: dt.datetime | None = None) -> bool:
    """A quarter is provisional until it has ended and the deadline of its last month has passed."""
    return (now or clock()) < final_from(period, deadline_day)


def run_is_provisional(run: ScoreRun, now: dt.datetime | None = None) -> bool:
    """Whether a run's quarter is still provisional under its scheme version's deadline."""
    return is_provisional(run.period, run.version.deadline_day, now)


def newest_final(periods: list[str], today: dt.date, deadline_day: int) -> str:
    """The newest final quarter of `periods` (newest first) on `today`, or "" when none is final."""
    return next((p for p in periods if today >= final_on(p, deadline_day)), "")


def scored(results: QuerySet[QuarterResult]) -> QuerySet[QuarterResult]:
    """Only the results that have a score (withheld units left out)."""
    return results.filter(absolute_score__isnull=False)


def indicator_bodies(version: Any, language: str) -> dict[str, tuple[str, str]]:
    """Indicator code → (indicator name, name of the reporting body responsible for it)."""
    return {
        i.code: (i.display_name(language), i.body.display_name(language))
        for i in Indicator.objects.filter(version=version).select_related("body")
    }


def missing_cells(
    results: list[QuarterResult], version: Any, language: str
) -> dict[int, list[dict[str, str]]]:
    """Result id → its missing cells: indicator code and name, month, responsible body (one query)."""
    if not results:
        return {}
    names = indicator_bodies(version, language)
    cells: dict[int, list[dict[str, str]]] = {r.pk: [] for r in results}
    for result_id, missing in missing_of(list(cells)).items():
        for cell in missing:
            name, body = names.get(cell.indicator_code, (cell.indicator_code, ""))
            cells[result_id].append(
                {
                    "indicator_code": cell.indicator_code,
                    "indicator": name,
                    "month": cell.month,
                    "body": body,
                }
            )
    return cells


def withheld_units(
    run: ScoreRun, class_code: str | None, scope: set[int] | None, language: str
) -> list[dict[str, Any]]:
    """Units without a score for missing figures (未完整上报), each with its missing cells."""
    results = run.results.filter(absolute_score__isnull=True).select_related("unit")
    if class_code:
        results = results.filter(class_code=class_code)
    if scope is not None:
        results = results.filter(unit_id__in=scope)
    found = list(results.order_by("class_code", "unit__code"))
    cells = missing_cells(found, run.version, language)
    return [
        {
            "unit_code": r.unit.code,
            "unit_name": r.unit.display_name(language),
            "class_code": r.class_code,
            "veto": r.veto,
            "cells": cells[r.pk],
        }
        for r in found
    ]


def latest_final_tiers(unit_ids: list[int], today: dt.date) -> tuple[str, dict[int, str]]:
    """The newest final quarter with results and the tier of each of the units in it.

    ("", {}) when no quarter is final yet; a unit without a tier (withheld) is left out.
    """
    version = current_version(None)
    if version is None:
        return "", {}
    period = newest_final(computed_periods(), today, version.deadline_day)
    run = current_run(period) if period else None
    if run is None:
        return "", {}
    tiers = run.results.filter(unit_id__in=unit_ids).exclude(tier="").values_list("unit_id", "tier")
    return period, dict(tiers)


def recomputing_since(period: str) -> dt.datetime | None:
    """Since when a recomputation owed for `period` waits or runs (None when none is owed).

    A `recompute` job covers the quarters it names and every later computed one.
    """
    times = [
        at
        for at, kwargs in pending_since(recompute)
        if kwargs.get("quarters") and period >= min(kwargs["quarters"])
    ]
    return min(times) if times else None


def unit_by_code(code: str) -> OrgUnit | None:
    """The unit of that code, or None."""
    return OrgUnit.objects.filter(code=code).first()
