"""Pages of figures: statistics for a period and the daily work summaries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingan.core.access.actor import actor_from_request
from pingan.core.access.decorators import requires
from pingan.matters import forms, selectors
from pingan.matters.actions.summaries import generate_daily_summary
from pingan.matters.statistics import Statistics, statistics
from pingan.matters.summary import summary_docx


@requires("matters.stats")
def stats(request: HttpRequest) -> HttpResponse:
    """Rates by unit, category and grade for a period, with the overdue and repeatedly returned lists."""
    actor = actor_from_request(request)
    today = timezone.localdate()
    initial = {"first": today.replace(day=1), "last": today}
    form = forms.PeriodForm(request.GET or None, initial=initial)
    first, last, category, grade = initial["first"], initial["last"], "", None
    if request.GET and form.is_valid():
        first, last = form.cleaned_data["first"], form.cleaned_data["last"]
        category, grade = form.cleaned_data["category"], form.cleaned_data["grade"]
    result = statistics(
        actor=actor, first=first, last=last, category_code=category, grade_level=grade
    )
    notices = selectors.escalation_notices(actor=actor)
    context = {"form": form, "stats": result, "notices": notices, "chart": _unit_chart(result)}
    return render(request, "matters/stats.html", context)


def _unit_chart(result: Statistics) -> dict[str, Any]:
    rows = [(name, tally) for name, tally in result.by_unit if tally.dispatched]
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
    return render(request, "matters/summaries.html", {"page": page, "today": timezone.localdate()})


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
    generate_daily_summary(actor=actor, day=day)
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
