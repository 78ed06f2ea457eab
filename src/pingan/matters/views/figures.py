"""Pages of figures: statistics for a period and the daily work summaries."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingan.core.access.actor import actor_from_request
from pingan.core.access.decorators import requires
from pingan.core.page_cache import remembered
from pingan.core.refusals import refusals_as_messages
from pingan.matters import forms, selectors
from pingan.matters.actions.summaries import generate_daily_summary
from pingan.matters.statistics import Statistics, statistics
from pingan.matters.stats_export import statistics_csv, statistics_xlsx
from pingan.matters.summary import summary_docx

STATS_SECONDS = 60
"""How long the statistics page answers from its last count (it says when it counted)."""


def _period(request: HttpRequest) -> tuple[forms.PeriodForm, dict[str, Any]]:
    """The statistics form and the filters it gives (this month so far when none are given)."""
    today = timezone.localdate()
    initial = {"first": today.replace(day=1), "last": today}
    form = forms.PeriodForm(request.GET or None, initial=initial)
    chosen: dict[str, Any] = {**initial, "category": "", "grade": None}
    if request.GET and form.is_valid():
        chosen = {k: form.cleaned_data[k] for k in ("first", "last", "category", "grade")}
    return form, chosen


def _result(request: HttpRequest) -> tuple[forms.PeriodForm, dict[str, Any], Statistics]:
    form, chosen = _period(request)
    result = statistics(
        actor=actor_from_request(request),
        first=chosen["first"],
        last=chosen["last"],
        category_code=chosen["category"],
        grade_level=chosen["grade"],
    )
    return form, chosen, result


def _recent_body(request: HttpRequest, chosen: dict[str, Any]) -> tuple[str, dt.datetime]:
    """The statistics part of the page, counted and written at most once a minute per process
    for the same filters (`STATS_SECONDS`), with the moment it was counted: a province's month of
    matters is tens of thousands of rows to count and thousands of units to list, and a dashboard
    read by many answers from the last count."""
    now = timezone.now()
    parts = (
        chosen["first"], chosen["last"], chosen["category"], chosen["grade"], get_language(),
        timezone.localdate(now), int(now.timestamp()) // STATS_SECONDS,
    )  # fmt: skip

    def count() -> tuple[str, dt.datetime]:
        counted_at = timezone.now()
        result = _result(request)[2]
        return render_to_string("matters/_stats_body.html", _body(result, chosen)), counted_at

    return remembered("matter-statistics", parts, count, timeout=2 * STATS_SECONDS)


def _body(result: Statistics, chosen: dict[str, Any]) -> dict[str, Any]:
    base = {"from": chosen["first"].isoformat(), "to": chosen["last"].isoformat()}
    if chosen["category"]:
        base["category"] = chosen["category"]
    if chosen["grade"]:
        base["grade"] = str(chosen["grade"])
    list_url = reverse("matters:list")

    def drill(params: dict[str, str]) -> str:
        return "%s?%s" % (list_url, urlencode({**base, **params, "past_due": "1"}))

    sections = [
        (_("By unit"), result.by_unit),
        (_("By category"), result.by_category),
        (_("By grade"), result.by_grade),
    ]
    return {
        "stats": result,
        "total_link": drill({}),
        "sections": [(title, [(g, drill(g.params)) for g in groups]) for title, groups in sections],
        "chart": _unit_chart(result),
    }


@requires("matters.stats")
def stats(request: HttpRequest) -> HttpResponse:
    """Rates by unit, category and grade for a period, with the overdue and repeatedly returned
    matters named; each "open and overdue" count links to those matters in the list."""
    actor = actor_from_request(request)
    form, chosen = _period(request)
    body, counted_at = _recent_body(request, chosen)
    context = {
        "form": form,
        "body": mark_safe(body),  # noqa: S308 - written by the template engine, escaped there
        "counted_at": counted_at,
        "export_query": urlencode(
            {k: v for k, v in request.GET.items() if k in ("first", "last", "category", "grade")}
        ),
        "notices": selectors.escalation_notices(actor=actor),
    }
    return render(request, "matters/stats.html", context)


@requires("matters.stats")
def stats_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The statistics of the page's period and filters as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404(fmt)
    _form, chosen, result = _result(request)
    if fmt == "csv":
        data, kind = statistics_csv(result), "text/csv; charset=utf-8"
    else:
        data = statistics_xlsx(result)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(data, content_type=kind)
    response["Content-Disposition"] = 'attachment; filename="matter-statistics-%s-%s.%s"' % (
        chosen["first"].isoformat(),
        chosen["last"].isoformat(),
        fmt,
    )
    return response


def _unit_chart(result: Statistics) -> dict[str, Any]:
    rows = [(g.label, g.tally) for g in result.by_unit if g.tally.dispatched]
    return {
        "units": [name for name, _t in rows],
        "dispatch": [t.rates["dispatch_rate"] for _n, t in rows],
        "on_time": [t.rates["on_time_completion_rate"] for _n, t in rows],
        "feedback": [t.rates["feedback_rate"] for _n, t in rows],
        "labels": {
            "dispatch": _("Dispatch rate"),
            "on_time": _("On-time completion rate"),
            "feedback": _("Feedback rate"),
        },
    }


@requires("matters.summary")
def summaries(request: HttpRequest) -> HttpResponse:
    """Daily work summaries, newest first, with a button to generate one now."""
    actor = actor_from_request(request)
    page = Paginator(selectors.daily_summaries(actor=actor), 30).get_page(request.GET.get("page"))
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    return render(request, "matters/summaries.html", {"page": page, "latest_day": yesterday})


@require_POST
@requires("matters.summary")
def summary_generate(request: HttpRequest) -> HttpResponse:
    """Generate the summary of a day on demand."""
    actor = actor_from_request(request)
    try:
        day = dt.date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        messages.error(request, _("Give a date as YYYY-MM-DD."))
        return redirect("matters:summaries")
    with refusals_as_messages(request) as outcome:
        generate_daily_summary(actor=actor, day=day)
    if outcome.ok:
        messages.success(request, _("Summary generated."))
    return redirect("matters:summaries")


@requires("matters.summary")
def summary_download(request: HttpRequest, day: str) -> HttpResponse:
    """The daily summary as a Word document."""
    actor = actor_from_request(request)
    try:
        summary = selectors.daily_summary_of(actor=actor, day=dt.date.fromisoformat(day))
    except ValueError:
        summary = None
    if summary is None:
        raise Http404
    data = summary_docx(summary.content)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = 'attachment; filename="summary-%s.docx"' % summary.day
    return response
