"""Pages of the stability index: overview, unit page, funnel plot, tier map, boundaries, domains."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pingan.audit.events import Event
from pingan.audit.services import record_export
from pingan.core.access.actor import Actor, actor_from_request
from pingan.core.access.decorators import requires
from pingan.core.access.permissions import can
from pingan.core.exports import rows_to_bytes
from pingan.core.page_cache import remembered, runs_fingerprint
from pingan.core.period_labels import kind_of, period_label, period_words
from pingan.core.problems import InputRefused
from pingan.schemes.selectors import current_version, version_classes
from pingan.scores import selectors
from pingan.scores.boundaries import boundaries_stamp, upload_boundaries
from pingan.scores.charts import TIER_COLOURS, tier_label
from pingan.scores.domains import analyse
from pingan.scores.models import ScoreRun
from pingan.scores.presentation import (
    FLAG_LABELS,
    chart_labels,
    choice_label,
    class_notes,
    row,
    yes_no,
)
from pingan.units.models import OrgUnit

PAGE_SIZE = 100
TIER_FILTERS = ("red", "orange", "yellow", "none")
EXPORT_COLUMNS = [
    "rank", "rank_low", "rank_high", "unit_code", "unit_name", "class", "period", "absolute_score",
    "relative_score", "tier", "stars", "change_prev", "change_year", "veto", "complete", "provisional", "key_management", "funnel_flag",
]  # fmt: skip


# Headings of the overview download, for people (the command-line export keeps the codes).
EXPORT_HEADERS = {
    "rank": gettext_lazy("Rank"), "rank_low": gettext_lazy("Rank, low end of 95% interval"),
    "rank_high": gettext_lazy("Rank, high end of 95% interval"), "unit_code": gettext_lazy("Unit code"),
    "unit_name": gettext_lazy("Unit"), "class": gettext_lazy("Class"), "period": gettext_lazy("Quarter"),
    "absolute_score": gettext_lazy("Absolute score"), "relative_score": gettext_lazy("Relative score"), "tier": gettext_lazy("Tier"),
    "stars": gettext_lazy("Stars"), "change_prev": gettext_lazy("Change against the previous quarter"),
    "change_year": gettext_lazy("Change against the same quarter last year"), "veto": gettext_lazy("One-vote veto"),
    "complete": gettext_lazy("Fully reported"), "provisional": gettext_lazy("Provisional"),
    "key_management": gettext_lazy("Key management"), "funnel_flag": gettext_lazy("Funnel flag"),
}  # fmt: skip
SCORE_NUMBERS = ("absolute_score", "relative_score", "change_prev", "change_year")


@dataclass(frozen=True)
class Selection:
    """The quarter and class a page shows, with the choices offered."""

    run: ScoreRun | None
    period: str
    periods: list[str]
    class_code: str
    classes: list[tuple[str, str]]
    provisional: bool = False
    final_on: dt.date | None = None
    choices: tuple[tuple[str, str], ...] = ()
    recomputing_since: dt.datetime | None = None
    fingerprint: str = ""

    def query(self, **extra: str) -> str:
        """The query string selecting this quarter and class (plus `extra`)."""
        return urlencode({"quarter": self.period, "class": self.class_code, **extra})

    @property
    def label(self) -> str:
        """The period shown, as people read it ("2026年10月", "2026年", "2026Q3")."""
        return period_label(self.period)

    @property
    def words(self) -> dict[str, str]:
        """The page's words for the period kind: picker label and the two change columns."""
        return period_words(kind_of(self.period))


def _scoped_selection(request: HttpRequest, scope: set[int] | None) -> Selection:
    """The selection; a unit viewer who names no class gets the class of their own units."""
    selection = _selection(request)
    if scope is None or selection.run is None or request.GET.get("class"):
        return selection
    own = selectors.first_class_in_scope(selection.run, scope)
    return replace(selection, class_code=own) if own else selection


def default_quarter(periods: list[str], today: dt.date, deadline_day: int | None = None) -> str:
    """The newest final quarter (never a provisional one); "" when no quarter is final yet."""
    if deadline_day is None:
        version = current_version()
        deadline_day = version.deadline_day if version is not None else 5
    return selectors.newest_final(periods, today, deadline_day)


def _selection(request: HttpRequest) -> Selection:
    version = current_version()
    runs = selectors.runs_of(version) if version is not None else {}
    periods = list(runs)
    period = request.GET.get("quarter", "")
    if period not in runs:
        period = default_quarter(
            periods,
            timezone.localtime(selectors.clock()).date(),
            version.deadline_day if version else None,
        )
    run = runs.get(period)
    language = get_language()
    classes = (
        [(c.code, c.display_name(language)) for c in version_classes(run.version)] if run else []
    )
    codes = [code for code, _name in classes]
    class_code = request.GET.get("class", "")
    if class_code not in codes:
        class_code = codes[0] if codes else ""
    deadline_day = version.deadline_day if version is not None else 5
    provisional = {p for p in periods if selectors.is_provisional(p, deadline_day)}
    return Selection(
        run,
        period,
        periods,
        class_code,
        classes,
        provisional=period in provisional,
        final_on=selectors.final_on(period, deadline_day) if period in provisional else None,
        choices=tuple((p, choice_label(p, p in provisional)) for p in periods),
        recomputing_since=selectors.recomputing_since(period) if run else None,
        fingerprint=runs_fingerprint(runs.values()),
    )


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
        page_number = request.GET.get("page") or "1"
        marked = selectors.key_managed_unit_ids()
        context |= {
            "page_query": selection.query(tier=tier, sort=sort),
            "can_export": can(actor, "scores.export"),
            "can_upload": can(actor, "scores.boundaries"),
            "can_whatif": can(actor, "scores.whatif"),
            "can_domains": can(actor, "scores.domains"),
            "can_publish": can(actor, "scores.publish_stars"),
            "body": remembered(
                "overview",
                (selection.fingerprint, selection.period, selection.class_code,
                 selection.provisional, tier, sort, page_number, get_language(),
                 _ids_key(scope), _ids_key(marked)),
                lambda: _overview_body(selection, scope, marked, tier, sort, page_number),
            ),
        }  # fmt: skip
    return render(request, "scores/overview.html", context)


def _ids_key(ids: set[int] | None) -> tuple[int, ...] | None:
    return None if ids is None else tuple(sorted(ids))


def _overview_body(
    selection: Selection,
    scope: set[int] | None,
    marked: set[int],
    tier: str,
    sort: str,
    page_number: str,
) -> str:
    """The league table, its pages, the withheld units and the fitting notes, rendered."""
    assert selection.run is not None
    results = selectors.overview_results(
        selection.run, selection.class_code, scope, tier=tier or None, sort=sort
    )
    page = Paginator(results, PAGE_SIZE).get_page(page_number)
    rows = list(page.object_list)
    history = selectors.score_history([r.unit_id for r in rows], selection.run)
    most = len(selection.run.version.star_bands)
    context = {
        "selection": selection,
        "page": page,
        "rows": [
            row(r, marked, history.get(r.unit_id, []), most, selection.provisional) for r in rows
        ],
        "withheld": selectors.withheld_units(
            selection.run, selection.class_code, scope, get_language()
        ),
        "sort_links": _sort_links(selection, sort, tier),
        "sort_key": sort.lstrip("-"),
        "sort_arrow": "▼" if sort.startswith("-") else "▲",
        "page_query": selection.query(tier=tier, sort=sort),
        "notes": class_notes(selection.run, selection.class_code),
    }
    return render_to_string("scores/_overview_body.html", context)


def _tier_choices() -> list[tuple[str, str]]:
    return [(t, tier_label("" if t == "none" else t)) for t in TIER_FILTERS]


@requires("scores.export")
def overview_export(request: HttpRequest) -> HttpResponse:
    """The filtered league table of a class and quarter as an XLSX workbook.

    Without a tier filter the withheld units (未完整上报) follow the ranked ones, as in
    `pingan scores export`: empty score, rank, interval, tier and stars, complete "false".
    The workbook is kept per computation run (`core.page_cache`); each download is audited.
    """
    actor = actor_from_request(request)
    selection = _selection(request)
    if selection.run is None:
        raise Http404
    tier = request.GET.get("tier", "")
    sort = request.GET.get("sort", "rank")
    sort = sort if sort in selectors.OVERVIEW_SORTS else "rank"
    scope = selectors.visible_unit_ids(actor)
    marked = selectors.key_managed_unit_ids()
    language = get_language()
    content, count = remembered(
        "overview-xlsx",
        (selection.fingerprint, selection.period, selection.class_code, selection.provisional,
         tier if tier in TIER_FILTERS else "", sort, language, _ids_key(scope), _ids_key(marked)),
        lambda: _export_workbook(selection, scope, marked, tier, sort),
    )  # fmt: skip
    record_export(
        actor=actor,
        event=Event.SCORES_RESULT_EXPORT,
        what="scores",
        rows=count,
        detail={"period": selection.period, "class": selection.class_code, "tier": tier},
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="scores-%s-%s.xlsx"' % (
        selection.period,
        selection.class_code,
    )
    return response


def _export_workbook(
    selection: Selection, scope: set[int] | None, marked: set[int], tier: str, sort: str
) -> tuple[bytes, int]:
    """The overview download's workbook and its number of rows."""
    assert selection.run is not None
    results = list(selectors.overview_results(
        selection.run, selection.class_code, scope, tier=tier if tier in TIER_FILTERS else None,
        sort=sort,
    ))  # fmt: skip
    if tier not in TIER_FILTERS:
        results += selectors.withheld_results(selection.run, selection.class_code, scope)
    language = get_language()
    rows = [
        {
            "rank": r.rank, "rank_low": r.rank_low, "rank_high": r.rank_high, "unit_code": r.unit.code,
            "unit_name": r.unit.display_name(language), "class": r.class_code, "period": selection.period,
            "absolute_score": r.absolute_score, "relative_score": r.relative_score,
            "tier": tier_label(r.tier) if r.tier else "", "stars": r.stars, "change_prev": r.change_prev,
            "change_year": r.change_year,
            "veto": yes_no(r.veto), "complete": yes_no(r.complete), "provisional": yes_no(selection.provisional),
            "key_management": yes_no(r.unit_id in marked),
            "funnel_flag": str(FLAG_LABELS.get(r.funnel_flag, r.funnel_flag)),
        }
        for r in results
    ]  # fmt: skip
    content = rows_to_bytes(
        rows,
        EXPORT_COLUMNS,
        "xlsx",
        headers=EXPORT_HEADERS,
        sheet="%s %s" % (selection.period, selection.class_code),
        number_formats=dict.fromkeys(SCORE_NUMBERS, "0.00"),
    )
    return content, len(rows)


def _unit_in_scope(actor: Actor, unit_code: str) -> OrgUnit:
    unit = selectors.unit_in_scope(actor=actor, unit_code=unit_code)
    if unit is None:
        raise Http404
    return unit


@requires("scores.view")
def funnel(request: HttpRequest) -> HttpResponse:
    """Funnel plot of a class and quarter: O/E against E with 95% and 99.8% limits, exact and adjusted."""
    actor = actor_from_request(request)
    scope = selectors.visible_unit_ids(actor)
    selection = _scoped_selection(request, scope)
    context: dict[str, Any] = {
        "selection": selection,
        "labels": chart_labels(provisional=selection.provisional),
        "can_domains": can(actor, "scores.domains"),
    }
    if selection.run is not None:
        data = selectors.funnel_data(selection.run, selection.class_code, scope, get_language())
        for point in data["points"]:
            point["flag_label"] = str(FLAG_LABELS.get(point["flag"], ""))
            point["tier_label"] = tier_label(point["tier"])
        notes = class_notes(selection.run, selection.class_code)
        context |= {"funnel": data, "notes": notes}
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
        "labels": chart_labels(provisional=selection.provisional),
        "can_upload": can(actor, "scores.boundaries"),
        "can_domains": can(actor, "scores.domains"),
    }
    run = selection.run
    if run is not None:
        language = get_language()
        context["geo"] = remembered(
            "map",
            (selection.fingerprint, selection.period, selection.class_code, language,
             _ids_key(scope), boundaries_stamp()),
            lambda: selectors.map_data(run, selection.class_code, scope, language),
        )  # fmt: skip
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
        {"problems": problems, "stored": selectors.boundary_units()},
    )


def _problem_text(problem: Any) -> str:
    if problem.row is None:
        return str(problem)
    return _("feature %(index)s, %(field)s: %(reason)s") % {
        "index": problem.row,
        "field": problem.column,
        "reason": problem.reason,
    }


@requires("scores.domains")
def domain_analysis(request: HttpRequest) -> HttpResponse:
    """四情分析: per domain of indicators, its trend, share of deductions and most-worsened units."""
    selection = _selection(request)
    context: dict[str, Any] = {
        "selection": selection,
        "labels": chart_labels(provisional=selection.provisional),
        "can_domains": True,
    }
    if selection.run is not None:
        context["analysis"] = analyse(
            actor=actor_from_request(request),
            version=selection.run.version,
            period=selection.period,
            class_code=selection.class_code,
            language=get_language(),
        )
    return render(request, "scores/domains.html", context)
