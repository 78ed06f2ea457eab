"""The unit page of the stability index, and marking a unit for key management."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingan.core.access.actor import Actor, actor_from_request
from pingan.core.access.decorators import requires
from pingan.core.access.permissions import can
from pingan.core.page_cache import remembered
from pingan.core.refusals import refusals_as_messages
from pingan.schemes.selectors import current_version
from pingan.scores import selectors, services
from pingan.scores.assessments_view import extras, pair_of
from pingan.scores.presentation import chart_labels, choice_label, decomposition, row, warnings_of
from pingan.scores.views import Selection, _selection, _unit_in_scope
from pingan.units.models import OrgUnit


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
        "labels": chart_labels(provisional=selection.provisional),
    }
    run = selection.run
    result = selectors.unit_result(run, unit) if run else None
    mark = selectors.open_mark(unit)
    context |= {
        "mark": mark,
        "can_mark": can(actor, "scores.mark"),
        "office": selectors.visible_unit_ids(actor) is None,
        **pair_of(unit, run.version if run else current_version(), language),
    }
    if run is None or result is None:
        context["body"] = render_to_string("scores/_unit_body.html", context)
        return render(request, "scores/unit.html", context)
    figure_links = can(actor, "reporting.view")
    body, linked = remembered(
        "unit",
        (selection.fingerprint, selection.period, selection.provisional, unit.pk, language,
         figure_links, mark.pk if mark else None),
        lambda: _unit_body(actor, unit, result, selection, mark),
    )  # fmt: skip
    context |= {"result": result, "body": body, **linked}
    return render(request, "scores/unit.html", context)


def _unit_body(
    actor: Actor, unit: OrgUnit, result: Any, selection: Selection, mark: Any
) -> tuple[str, dict[str, str]]:
    """The unit page's results for the quarter, rendered, and the unit linked to it (同奖同罚)."""
    run = selection.run
    assert run is not None
    language = get_language()
    history = selectors.unit_results(unit, run)
    scored_history = [h for h in history if h.absolute_score is not None]
    deadline_day = run.version.deadline_day
    extra = extras(result, run.version, language)
    context = {
        "selection": selection,
        "result": result,
        "row": row(
            result,
            set() if mark is None else {unit.pk},
            [
                (h.run.period, float(h.absolute_score or 0.0), float(h.relative_score or 0.0))
                for h in scored_history
            ],
            len(run.version.star_bands),
        ),
        "history": [
            {
                "period": h.run.period,
                "label": choice_label(
                    h.run.period, selectors.is_provisional(h.run.period, deadline_day)
                ),
                "absolute": round(float(h.absolute_score or 0.0), 2),
                "relative": round(h.relative_score or 0.0, 2),
                "rank": h.rank,
            }
            for h in scored_history
        ],
        "decomposition": decomposition(actor, unit, result, run, language),
        "completeness": selectors.unit_completeness(
            result, selectors.indicator_names(run.version, language)
        ),
        "missing_cells": selectors.missing_cells([result], run.version, language)[result.pk],
        "funnel": selectors.funnel_data(run, result.class_code, {unit.pk}, language),
        "warnings": warnings_of(result, mark, provisional=selection.provisional),
        **extra,
    }
    body = render_to_string("scores/_unit_body.html", context)
    return body, {"linked": extra["linked"], "linked_code": extra["linked_code"]}


@require_POST
@requires("scores.mark")
def mark_unit(request: HttpRequest, unit_code: str) -> HttpResponse:
    """Mark the unit for key management with the reason given."""
    actor = actor_from_request(request)
    unit = _unit_in_scope(actor, unit_code)
    with refusals_as_messages(request) as outcome:
        services.mark_key_management(actor=actor, unit=unit, reason=request.POST.get("reason", ""))
    if outcome.ok:
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
