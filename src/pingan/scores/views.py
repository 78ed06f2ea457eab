"""Pages of the stability index: class overview, a unit's page, funnel plot, tier map, boundaries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pingan.accounts.actor import Actor, actor_from_request
from pingan.accounts.permissions import can, require_unit
from pingan.audit.services import record_export
from pingan.core.exports import rows_to_bytes
from pingan.core.periods import quarter_bounds
from pingan.core.problems import InputRefused
from pingan.schemes.selectors import current_version
from pingan.scores import selectors, services
from pingan.scores.boundaries import upload_boundaries
from pingan.scores.charts import TIER_COLOURS, sparkline_svg, tier_label
from pingan.scores.export import score_text
from pingan.scores.models import QuarterResult, ScoreRun
from pingan.units.models import OrgUnit
from pingan.web.access import requires

PAGE_SIZE = 100
FLAG_LABELS = {
    "alarm_high": gettext_lazy("above the upper limit at 99.8%"),
    "alert_high": gettext_lazy("above the upper limit at 95%"),
    "alarm_low": gettext_lazy("below the lower limit at 99.8%"),
    "alert_low": gettext_lazy("below the lower limit at 95%"),
}
TIER_FILTERS = ("red", "orange", "yellow", "none")
EXPORT_COLUMNS = [
    "rank", "rank_low", "rank_high", "unit_code", "unit_name", "class", "period", "absolute_score",
    "relative_score", "tier", "stars", "change_prev", "change_year", "veto", "key_management", "funnel_flag",
]  # fmt: skip


def chart_labels() -> dict[str, str]:
    """Texts the chart script shows, in the current language."""
    return {
        "absolute": _("Absolute score"),
        "relative": _("Relative score"),
        "quarter": _("Quarter"),
        "ratio": _("Ratio observed / expected"),
        "expected": _("Expected weighted incidents"),
        "observed": _("Weighted incidents"),
        "units": _("Units"),
        "exact_95": _("exact limits at 95%"),
        "exact_998": _("exact limits at 99.8%"),
        "adjusted_95": _("over-dispersion adjusted limits at 95%"),
        "adjusted_998": _("over-dispersion adjusted limits at 99.8%"),
        "target": _("Target ratio 1"),
        "tier": _("Tier"),
        "score": _("Absolute score"),
        "rank": _("Rank"),
        "flag": _("Funnel flag"),
    }


@dataclass(frozen=True)
class Selection:
    """The quarter and class a page shows, with the choices offered."""

    run: ScoreRun | None
    period: str
    periods: list[str]
    class_code: str
    classes: list[tuple[str, str]]

    def query(self, **extra: str) -> str:
        """The query string selecting this quarter and class (plus `extra`)."""
        return urlencode({"quarter": self.period, "class": self.class_code, **extra})


def _scoped_selection(request: HttpRequest, scope: set[int] | None) -> Selection:
    """The selection; a unit viewer who names no class gets the class of their own units."""
    selection = _selection(request)
    if scope is None or selection.run is None or request.GET.get("class"):
        return selection
    own = (
        selection.run.results.filter(unit_id__in=scope)
        .order_by("class_code")
        .values_list("class_code", flat=True)
        .first()
    )
    return replace(selection, class_code=own) if own else selection


def default_quarter(periods: list[str], today: dt.date) -> str:
    """The newest quarter that has ended (a running quarter's scores are still incomplete)."""
    ended = [p for p in periods if quarter_bounds(p)[1] < today]
    return ended[0] if ended else (periods[0] if periods else "")


def _selection(request: HttpRequest) -> Selection:
    version = current_version()
    runs = selectors.runs_of(version) if version is not None else {}
    periods = list(runs)
    period = request.GET.get("quarter", "")
    if period not in runs:
        period = default_quarter(periods, timezone.localdate())
    run = runs.get(period)
    language = get_language()
    classes = (
        [(c.code, c.display_name(language)) for c in run.version.classes.order_by("position")]
        if run
        else []
    )
    codes = [code for code, _name in classes]
    class_code = request.GET.get("class", "")
    if class_code not in codes:
        class_code = codes[0] if codes else ""
    return Selection(run, period, periods, class_code, classes)


def change_text(value: float | None) -> str:
    """A signed change of score ("+1.50", "−2.00"), or an em dash when there is nothing to compare."""
    if value is None:
        return "—"
    if round(value, 2) == 0:
        return score_text(0.0)
    return ("+" if value > 0 else "−") + score_text(abs(value))


def rank_text(result: QuarterResult) -> str:
    """Rank with its 95% interval, e.g. "3 (2–5)"."""
    return "%d (%d–%d)" % (result.rank, result.rank_low, result.rank_high)


def stars_text(stars: int, most: int) -> str:
    """Filled and empty stars, e.g. ★★★☆☆."""
    return "★" * stars + "☆" * max(0, most - stars)


def _row(
    result: QuarterResult,
    marked: set[int],
    history: list[tuple[str, float, float]],
    most_stars: int,
) -> dict[str, Any]:
    language = get_language()
    trend = [absolute for _period, absolute, _relative in history]
    title = _("Absolute score, %(first)s to %(last)s: %(values)s") % {
        "first": history[0][0] if history else "",
        "last": history[-1][0] if history else "",
        "values": ", ".join(score_text(v) for v in trend),
    }
    return {
        "result": result,
        "name": result.unit.display_name(language),
        "rank": rank_text(result),
        "absolute": score_text(result.absolute_score),
        "relative": score_text(result.relative_score),
        "tier": result.tier or "none",
        "tier_label": tier_label(result.tier),
        "stars": stars_text(result.stars, most_stars),
        "change_prev": change_text(result.change_prev),
        "change_year": change_text(result.change_year),
        "key_management": result.unit_id in marked,
        "flag_label": FLAG_LABELS.get(result.funnel_flag, ""),
        "sparkline": sparkline_svg(trend, title),
    }


def _sort_links(selection: Selection, sort: str, tier: str) -> dict[str, str]:
    links = {}
    for key in ("rank", "code", "absolute", "relative", "change_prev", "change_year"):
        descending_first = key in ("absolute", "relative", "change_prev", "change_year")
        target = (
            ("-" + key if descending_first else key)
            if sort.lstrip("-") != key
            else (key if sort.startswith("-") else "-" + key)
        )
        links[key] = "?" + selection.query(tier=tier, sort=target)
    return links


@requires("scores.view")
def overview(request: HttpRequest) -> HttpResponse:
    """The league table of a class and quarter: scores, rank intervals, tiers, stars, changes, marks, trends."""
    actor = actor_from_request(request)
    scope = selectors.visible_unit_ids(actor)
    selection = _scoped_selection(request, scope)
    tier = request.GET.get("tier", "")
    tier = tier if tier in TIER_FILTERS else ""
    sort = request.GET.get("sort", "rank")
    sort = sort if sort in selectors.OVERVIEW_SORTS else "rank"
    context: dict[str, Any] = {
        "selection": selection,
        "tier": tier,
        "sort": sort,
        "tiers": _tier_choices(),
    }
    if selection.run is not None:
        results = selectors.overview_results(
            selection.run, selection.class_code, scope, tier=tier or None, sort=sort
        )
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        history = selectors.score_history([r.unit_id for r in rows], selection.run)
        marked = selectors.key_managed_unit_ids()
        most = len(selection.run.version.star_bands)
        context |= {
            "page": page,
            "rows": [_row(r, marked, history.get(r.unit_id, []), most) for r in rows],
            "sort_links": _sort_links(selection, sort, tier),
            "sort_key": sort.lstrip("-"),
            "sort_arrow": "▼" if sort.startswith("-") else "▲",
            "page_query": selection.query(tier=tier, sort=sort),
            "can_export": can(actor, "scores.export"),
            "can_upload": can(actor, "scores.boundaries"),
            "notes": selection.run.notes.get(selection.class_code, {}),
        }
    return render(request, "scores/overview.html", context)


def _tier_choices() -> list[tuple[str, str]]:
    return [(t, tier_label("" if t == "none" else t)) for t in TIER_FILTERS]


@requires("scores.export")
def overview_export(request: HttpRequest) -> HttpResponse:
    """The filtered league table of a class and quarter as an XLSX workbook."""
    actor = actor_from_request(request)
    selection = _selection(request)
    if selection.run is None:
        raise Http404
    tier = request.GET.get("tier", "")
    results = selectors.overview_results(
        selection.run, selection.class_code, selectors.visible_unit_ids(actor), tier=tier if tier in TIER_FILTERS else None,
        sort=request.GET.get("sort", "rank"),
    )  # fmt: skip
    marked = selectors.key_managed_unit_ids()
    language = get_language()
    rows = [
        {
            "rank": r.rank, "rank_low": r.rank_low, "rank_high": r.rank_high, "unit_code": r.unit.code,
            "unit_name": r.unit.display_name(language), "class": r.class_code, "period": selection.period,
            "absolute_score": score_text(r.absolute_score), "relative_score": score_text(r.relative_score),
            "tier": r.tier, "stars": r.stars, "change_prev": None if r.change_prev is None else score_text(r.change_prev),
            "change_year": None if r.change_year is None else score_text(r.change_year),
            "veto": "true" if r.veto else "false", "key_management": "true" if r.unit_id in marked else "false",
            "funnel_flag": r.funnel_flag,
        }
        for r in results
    ]  # fmt: skip
    record_export(
        actor=actor,
        what="scores",
        rows=len(rows),
        detail={"period": selection.period, "class": selection.class_code, "tier": tier},
    )
    response = HttpResponse(
        rows_to_bytes(rows, EXPORT_COLUMNS, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="scores-%s-%s.xlsx"' % (
        selection.period,
        selection.class_code,
    )
    return response


def _unit_in_scope(actor: Actor, unit_code: str) -> OrgUnit:
    unit = OrgUnit.objects.select_related("parent").filter(code=unit_code).first()
    if unit is None:
        raise Http404
    ancestors = tuple(
        pk for pk in (unit.parent_id, unit.parent.parent_id if unit.parent else None) if pk
    )
    require_unit(actor, "scores.view", unit.pk, unit_ancestors=ancestors)
    return unit


@requires("scores.view")
def unit_page(request: HttpRequest, unit_code: str) -> HttpResponse:
    """One unit: score history, the decomposition of a quarter's score, its funnel position, warnings, marks."""
    actor = actor_from_request(request)
    unit = _unit_in_scope(actor, unit_code)
    selection = _selection(request)
    language = get_language()
    context: dict[str, Any] = {
        "unit": unit,
        "name": unit.display_name(language),
        "selection": selection,
        "labels": chart_labels(),
    }
    run = selection.run
    result = run.results.filter(unit=unit).first() if run else None
    mark = selectors.open_mark(unit)
    context |= {
        "mark": mark,
        "can_mark": can(actor, "scores.mark"),
        "office": selectors.visible_unit_ids(actor) is None,
    }
    if run is None or result is None:
        return render(request, "scores/unit.html", context)
    history = selectors.unit_results(unit, run)
    context |= {
        "result": result,
        "row": _row(
            result,
            set() if mark is None else {unit.pk},
            [(h.run.period, h.absolute_score, h.relative_score) for h in history],
            len(run.version.star_bands),
        ),
        "history": [
            {
                "period": h.run.period,
                "absolute": round(h.absolute_score, 2),
                "relative": round(h.relative_score, 2),
                "rank": h.rank,
            }
            for h in history
        ],
        "decomposition": _decomposition(actor, unit, result, run, language),
        "completeness": selectors.unit_completeness(result),
        "funnel": selectors.funnel_data(run, result.class_code, {unit.pk}, language),
        "warnings": _warnings(result, mark),
    }
    return render(request, "scores/unit.html", context)


def _warnings(result: QuarterResult, mark: Any) -> list[str]:
    warnings = []
    if result.tier:
        warnings.append(_("Warning tier: %(tier)s") % {"tier": tier_label(result.tier)})
    if result.veto:
        warnings.append(_("One-vote veto: the unit fails this quarter"))
    if result.funnel_flag:
        warnings.append(
            _("Funnel plot: %(flag)s")
            % {"flag": FLAG_LABELS.get(result.funnel_flag, result.funnel_flag)}
        )
    if not result.complete:
        warnings.append(_("Some figures of the quarter are missing"))
    if mark is not None:
        warnings.append(
            _("Marked for key management since %(date)s")
            % {"date": mark.marked_at.date().isoformat()}
        )
    return warnings


def _decomposition(
    actor: Actor, unit: OrgUnit, result: QuarterResult, run: ScoreRun, language: str
) -> list[dict[str, Any]]:
    names = selectors.indicator_names(run.version, language)
    deductions = list(result.deductions.order_by("pk"))
    links = can(actor, "reporting.view")
    submissions = (
        selectors.figure_submissions([d.figure_id for d in deductions if d.figure_id])
        if links
        else {}
    )
    rows = []
    for d in deductions:
        row = {
            "indicator": names.get(d.indicator_code, d.indicator_code),
            "code": d.indicator_code,
            "month": _("cap") if d.month == "cap" else d.month,
            "count": "" if d.count is None else d.count,
            "missing": d.count is None and d.month != "cap",
            "deduction": score_text(d.deduction),
            "figure_id": d.figure_id,
            "figure_url": "",
            "history_url": "",
        }
        if links and d.figure_id and d.figure_id in submissions:
            row["figure_url"] = _reverse_or_blank(
                "reporting:submission", submission_id=submissions[d.figure_id]
            )
            history = _reverse_or_blank("reporting:history")
            row["history_url"] = history and history + "?" + urlencode(
                {"unit": unit.code, "indicator": d.indicator_code, "month": d.month}
            )
        rows.append(row)
    return rows


def _reverse_or_blank(name: str, **kwargs: Any) -> str:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


@require_POST
@requires("scores.mark")
def mark_unit(request: HttpRequest, unit_code: str) -> HttpResponse:
    """Mark the unit for key management with the reason given."""
    actor = actor_from_request(request)
    unit = _unit_in_scope(actor, unit_code)
    try:
        services.mark_key_management(actor=actor, unit=unit, reason=request.POST.get("reason", ""))
    except InputRefused as refused:
        for problem in refused.problems:
            messages.error(request, str(problem))
    else:
        messages.success(request, _("The unit is marked for key management."))
    return redirect(reverse("scores:unit", kwargs={"unit_code": unit.code}) + _back_query(request))


@require_POST
@requires("scores.mark")
def unmark_unit(request: HttpRequest, unit_code: str) -> HttpResponse:
    """End the unit's key-management mark."""
    actor = actor_from_request(request)
    unit = _unit_in_scope(actor, unit_code)
    services.end_key_management(actor=actor, unit=unit)
    messages.success(request, _("Key management of the unit has ended."))
    return redirect(reverse("scores:unit", kwargs={"unit_code": unit.code}) + _back_query(request))


def _back_query(request: HttpRequest) -> str:
    quarter = request.POST.get("quarter", "")
    return "?" + urlencode({"quarter": quarter}) if quarter else ""


@requires("scores.view")
def funnel(request: HttpRequest) -> HttpResponse:
    """Funnel plot of a class and quarter: O/E against E with 95% and 99.8% limits, exact and adjusted."""
    scope = selectors.visible_unit_ids(actor_from_request(request))
    selection = _scoped_selection(request, scope)
    context: dict[str, Any] = {"selection": selection, "labels": chart_labels()}
    if selection.run is not None:
        data = selectors.funnel_data(selection.run, selection.class_code, scope, get_language())
        for point in data["points"]:
            point["flag_label"] = str(FLAG_LABELS.get(point["flag"], ""))
            point["tier_label"] = tier_label(point["tier"])
        context |= {"funnel": data, "notes": selection.run.notes.get(selection.class_code, {})}
    return render(request, "scores/funnel.html", context)


@requires("scores.view")
def tier_map(request: HttpRequest) -> HttpResponse:
    """Map of the class's units coloured by tier (where the office has uploaded boundaries)."""
    actor = actor_from_request(request)
    scope = selectors.visible_unit_ids(actor)
    selection = _scoped_selection(request, scope)
    context: dict[str, Any] = {
        "selection": selection,
        "legend": _legend(),
        "labels": chart_labels(),
        "can_upload": can(actor, "scores.boundaries"),
    }
    if selection.run is not None:
        context["geo"] = selectors.map_data(
            selection.run, selection.class_code, scope, get_language()
        )
    return render(request, "scores/map.html", context)


def _legend() -> list[dict[str, str]]:
    return [
        {"tier": t, "label": tier_label("" if t == "none" else t), "colour": TIER_COLOURS[t]}
        for t in TIER_FILTERS
    ]


@require_http_methods(["GET", "POST"])
@requires("scores.boundaries")
def boundaries(request: HttpRequest) -> HttpResponse:
    """Upload the GeoJSON boundaries of the units (every problem listed; nothing stored unless all valid)."""
    actor = actor_from_request(request)
    problems = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            problems = [_("Choose a GeoJSON file.")]
        else:
            try:
                stored = upload_boundaries(actor=actor, data=upload.read())
            except InputRefused as refused:
                problems = [_problem_text(p) for p in refused.problems]
            else:
                messages.success(request, _("%(count)d boundaries stored.") % {"count": stored})
                return redirect("scores:boundaries")
    return render(
        request,
        "scores/boundaries.html",
        {"problems": problems, "stored": selectors.boundary_codes()},
    )


def _problem_text(problem: Any) -> str:
    if problem.row is None:
        return str(problem)
    return _("feature %(index)s, %(field)s: %(reason)s") % {
        "index": problem.row,
        "field": problem.column,
        "reason": problem.reason,
    }
