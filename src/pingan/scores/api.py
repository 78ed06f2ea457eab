"""The scores API: a quarter's results per class, one unit's result with its explanation, funnel data, runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import Router, Schema

from pingan.core.access.actor import actor_from_request
from pingan.core.access.permissions import require
from pingan.scores import selectors
from pingan.scores.export import explanation_rows, export_file, export_rows
from pingan.scores.formats import score_text
from pingan.scores.models import QuarterResult, ScoreRun

router = Router(tags=["scores"])
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ResultOut(Schema):
    """A unit's result for a quarter; `*_text` are the scores as printed (two decimals).

    A unit withheld for missing figures has null scores, rank, interval and stars and an empty
    tier; `complete` is false when a figure is missing, `imputed_cells` counts the cells filled
    under the impute policy, and `provisional` is true until the quarter is final.
    """

    unit_code: str
    unit_name: str
    class_code: str
    period: str
    absolute_score: float | None
    relative_score: float | None
    absolute_text: str
    relative_text: str
    rank: int | None
    rank_low: int | None
    rank_high: int | None
    tier: str
    stars: int | None
    veto: bool
    complete: bool
    provisional: bool
    imputed_cells: int
    funnel_flag: str
    observed: float
    expected: float
    change_prev: float | None
    change_year: float | None
    key_management: bool


class ExplanationRowOut(Schema):
    """One row of a score's explanation; month "cap" takes back what exceeds an indicator's cap.

    `status`: "" reported, "missing", "imputed" (`imputed` is the value used) or "closed".
    """

    indicator_code: str
    month: str
    count: int | None
    deduction: float
    figure_id: int | None
    status: str
    imputed: float | None


class MissingCellOut(Schema):
    """A cell without an approved figure: indicator, month and the reporting body responsible."""

    indicator_code: str
    indicator: str
    month: str
    body: str


class UnitResultOut(ResultOut):
    """A unit's result with the rows explaining its absolute score and its missing cells."""

    explanation: list[ExplanationRowOut]
    missing_cells: list[MissingCellOut]


class WithheldOut(Schema):
    """A unit not fully reported (未完整上报): no score this quarter, with its missing cells."""

    unit_code: str
    unit_name: str
    class_code: str
    veto: bool
    cells: list[MissingCellOut]


class RunOut(Schema):
    """One computation of a quarter (current or superseded)."""

    id: int
    period: str
    scheme: str
    version: int
    is_current: bool
    computed_at: dt.datetime
    reason: str
    supersedes: int | None
    notes: dict[str, Any]


class FunnelLineOut(Schema):
    """Lower and upper limits along the `expected` grid."""

    lower: list[float | None]
    upper: list[float | None]


class FunnelCurveOut(Schema):
    """The grid of expected values and the limit lines: exact_95, exact_998 and, when over-dispersed, adjusted_95, adjusted_998."""

    expected: list[float | None]
    lines: dict[str, FunnelLineOut]


class FunnelPointOut(Schema):
    """A unit on the funnel plot."""

    code: str
    name: str
    observed: float
    expected: float
    ratio: float | None
    flag: str
    tier: str


class FunnelOut(Schema):
    """Funnel plot of a class and quarter."""

    period: str
    class_code: str
    provisional: bool
    overdispersed: bool
    phi: float | None
    tau2: float
    points: list[FunnelPointOut]
    curve: FunnelCurveOut


def _run(period: str) -> ScoreRun:
    run = selectors.current_run(period)
    if run is None:
        raise Http404("no computed results for %s" % period)
    return run


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def result_out(
    result: QuarterResult, period: str, marked: set[int], language: str, provisional: bool = False
) -> dict[str, Any]:
    """A stored result as the API shows it."""
    return {
        "unit_code": result.unit.code,
        "unit_name": result.unit.display_name(language),
        "class_code": result.class_code,
        "period": period,
        "absolute_score": _rounded(result.absolute_score),
        "relative_score": _rounded(result.relative_score),
        "absolute_text": score_text(result.absolute_score),
        "relative_text": score_text(result.relative_score),
        "rank": result.rank,
        "rank_low": result.rank_low,
        "rank_high": result.rank_high,
        "tier": result.tier,
        "stars": result.stars,
        "veto": result.veto,
        "complete": result.complete,
        "provisional": provisional,
        "imputed_cells": result.imputed_cells,
        "funnel_flag": result.funnel_flag,
        "observed": round(result.observed, 6),
        "expected": round(result.expected, 6),
        "change_prev": result.change_prev,
        "change_year": result.change_year,
        "key_management": result.unit_id in marked,
    }


@router.get("/runs", response=list[RunOut])
def runs(request: HttpRequest, period: str | None = None) -> list[dict[str, Any]]:
    """Every computation (current and superseded), newest first; optionally of one quarter."""
    queryset = selectors.score_runs(actor=actor_from_request(request, channel="api"), period=period)
    return [
        {
            "id": r.pk,
            "period": r.period,
            "scheme": r.version.scheme.code,
            "version": r.version.number,
            "is_current": r.is_current,
            "computed_at": r.computed_at,
            "reason": r.reason,
            "supersedes": r.supersedes_id,
            "notes": r.notes,
        }
        for r in queryset
    ]


@router.get("/periods/{period}/results", response=list[ResultOut])
def results(
    request: HttpRequest, period: str, class_code: str | None = None
) -> list[dict[str, Any]]:
    """A quarter's results by class and rank (a unit viewer sees only their own units)."""
    scope = selectors.visible_unit_ids(actor_from_request(request, channel="api"))
    run = _run(period)
    queryset = selectors.results_for(run, class_code, scope)
    marked, language = selectors.key_managed_unit_ids(), get_language()
    provisional = selectors.run_is_provisional(run)
    return [result_out(r, period, marked, language, provisional) for r in queryset]


@router.get("/periods/{period}/withheld", response=list[WithheldOut])
def withheld(
    request: HttpRequest, period: str, class_code: str | None = None
) -> list[dict[str, Any]]:
    """Units withheld for missing figures (未完整上报), each missing cell with its responsible body."""
    scope = selectors.visible_unit_ids(actor_from_request(request, channel="api"))
    return selectors.withheld_units(_run(period), class_code, scope, get_language())


@router.get("/periods/{period}/units/{unit_code}", response=UnitResultOut)
def unit_result(request: HttpRequest, period: str, unit_code: str) -> dict[str, Any]:
    """One unit's result with its explanation rows (indicator, month, count, deduction, figure)."""
    actor = actor_from_request(request, channel="api")
    unit = selectors.unit_in_scope(actor=actor, unit_code=unit_code)
    if unit is None:
        raise Http404("no unit %s" % unit_code)
    run = _run(period)
    result = selectors.unit_result(run, unit)
    if result is None:
        raise Http404("no result for %s in %s" % (unit_code, period))
    language = get_language()
    out = result_out(
        result,
        period,
        selectors.key_managed_unit_ids(),
        language,
        selectors.run_is_provisional(run),
    )
    return {
        **out,
        "explanation": explanation_rows(result),
        "missing_cells": selectors.missing_cells([result], run.version, language)[result.pk],
    }


@router.get("/periods/{period}/funnel", response=FunnelOut)
def funnel(request: HttpRequest, period: str, class_code: str) -> dict[str, Any]:
    """Funnel data of a class: points and the 95% / 99.8% limits (exact, and adjusted when over-dispersed)."""
    scope = selectors.visible_unit_ids(actor_from_request(request, channel="api"))
    run = _run(period)
    data = selectors.funnel_data(run, class_code, scope, get_language())
    return {**data, "class_code": data["class"], "provisional": selectors.run_is_provisional(run)}


@router.get("/periods/{period}/export")
def export(request: HttpRequest, period: str, format: str = "csv") -> HttpResponse:
    """Every result of a quarter in the scores export format (csv, xlsx or json)."""
    actor = actor_from_request(request, channel="api")
    require(actor, "scores.export")
    if format not in EXPORT_TYPES:
        raise Http404("unknown format %s" % format)
    rows = export_rows(actor=actor, run=_run(period), language=get_language())
    response = HttpResponse(
        export_file(rows, format, sheet=period), content_type=EXPORT_TYPES[format]
    )
    response["Content-Disposition"] = 'attachment; filename="scores-%s.%s"' % (period, format)
    return response
