"""Warning pages: the list with its filters, one warning with its series and history, the steps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingan.core.access.actor import actor_from_request
from pingan.core.access.decorators import requires
from pingan.core.access.permissions import can
from pingan.core.refusals import refusals_as_messages
from pingan.warnings import export, forms, selectors
from pingan.warnings.actions import lifecycle
from pingan.warnings.models import Status


def _filters(request: HttpRequest) -> tuple[forms.FilterForm, dict[str, Any]]:
    form = forms.FilterForm(request.GET or None)
    chosen: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        chosen = {k: data[k] for k in ("level", "status", "source") if data[k]}
        if data["unit"]:
            chosen["unit_id"] = selectors.unit_id_of(data["unit"]) or -1
    return form, chosen


@requires("warnings.view")
def warning_list(request: HttpRequest) -> HttpResponse:
    """Warnings the person may see, newest first, filtered by level, status, unit and source."""
    actor = actor_from_request(request)
    form, chosen = _filters(request)
    warnings = selectors.visible_warnings(actor=actor, **chosen)
    page = Paginator(warnings, 50).get_page(request.GET.get("page"))
    names = selectors.series_names(get_language())
    rows = [(w, selectors.series_label(w, names)) for w in page]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "counts": selectors.open_counts(actor=actor),
        "query": request.GET.urlencode(),
        "can_export": can(actor, "warnings.export"),
    }
    return render(request, "warnings/list.html", context)


@requires("warnings.view")
def warning_detail(request: HttpRequest, warning_id: int) -> HttpResponse:
    """One warning: what the detector saw, its series chart with the threshold, its history and steps."""
    actor = actor_from_request(request)
    warning = selectors.warning_for(actor=actor, warning_id=warning_id)
    names = selectors.series_names(get_language())
    in_scope = selectors.unit_in_scope(actor, "warnings.acknowledge", warning.unit_id)
    history = selectors.warning_history(warning)
    context = {
        "warning": warning,
        "label": selectors.series_label(warning, names),
        "history": history,
        "chart": {
            **warning.series,
            "labels": {
                "observed": _("Observed"),
                "expected": _("Expected"),
                "upper": _("Threshold"),
            },
        },
        "may_acknowledge": warning.status == Status.DELIVERED
        and in_scope
        and can(actor, "warnings.acknowledge"),
        "may_respond": warning.status in (Status.ACKNOWLEDGED, Status.RESPONDED)
        and in_scope
        and can(actor, "warnings.respond"),
        "may_close": warning.status == Status.RESPONDED and can(actor, "warnings.close"),
        "may_register": warning.verdict == "confirmed"
        and not history["problems"]
        and can(actor, "warnings.problems_open"),
        "respond_form": forms.RespondForm(),
        "close_form": forms.CloseForm(),
    }
    return render(request, "warnings/detail.html", context)


def _step(request: HttpRequest, warning_id: int, call: Callable[[], Any]) -> HttpResponse:
    with refusals_as_messages(request) as outcome:
        call()
    if outcome.ok:
        messages.success(request, _("Done."))
    return redirect("warnings:detail", warning_id=warning_id)


@require_POST
@requires("warnings.acknowledge")
def warning_acknowledge(request: HttpRequest, warning_id: int) -> HttpResponse:
    """Acknowledge a delivered warning."""
    actor = actor_from_request(request)
    warning = selectors.warning_for(actor=actor, warning_id=warning_id)
    return _step(
        request, warning.pk, lambda: lifecycle.acknowledge(actor=actor, warning_id=warning.pk)
    )


@require_POST
@requires("warnings.respond")
def warning_respond(request: HttpRequest, warning_id: int) -> HttpResponse:
    """Record the measures taken."""
    actor = actor_from_request(request)
    warning = selectors.warning_for(actor=actor, warning_id=warning_id)
    measures = request.POST.get("measures", "")
    return _step(
        request,
        warning.pk,
        lambda: lifecycle.respond(actor=actor, warning_id=warning.pk, measures=measures),
    )


@require_POST
@requires("warnings.close")
def warning_close(request: HttpRequest, warning_id: int) -> HttpResponse:
    """Close a warning with the office's verdict."""
    actor = actor_from_request(request)
    warning = selectors.warning_for(actor=actor, warning_id=warning_id)
    verdict, note = request.POST.get("verdict", ""), request.POST.get("note", "")
    return _step(
        request,
        warning.pk,
        lambda: lifecycle.close(actor=actor, warning_id=warning.pk, verdict=verdict, note=note),
    )


@requires("warnings.export")
def warning_export(request: HttpRequest) -> HttpResponse:
    """The warnings the list shows (its filters applied), as CSV."""
    actor = actor_from_request(request)
    _form, chosen = _filters(request)
    data = export.warnings_csv(selectors.visible_warnings(actor=actor, **chosen))
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="warnings.csv"'
    return response


@requires("warnings.rate")
def effective_rate(request: HttpRequest) -> HttpResponse:
    """The effective warning rate overall and by level, unit and quarter, with the unverified beside it."""
    actor = actor_from_request(request)
    return render(
        request,
        "warnings/rate.html",
        {"rates": selectors.effective_rates(actor=actor)},
    )
