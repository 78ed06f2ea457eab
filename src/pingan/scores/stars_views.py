"""Star publication pages: the public star lists (no sign-in) and the office head's publish page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pingan.core.access.actor import actor_from_request
from pingan.core.access.decorators import public, requires
from pingan.core.exports import rows_to_bytes
from pingan.core.refusals import refusals_as_messages
from pingan.scores import stars

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _language() -> str:
    return get_language() or "zh-hans"


@public
@require_GET
def star_lists(request: HttpRequest) -> HttpResponse:
    """Every published star list (public)."""
    return render(request, "scores/stars_index.html", {"lists": stars.published_lists()})


def _published(scheme: str, period: str) -> Any:
    publication = stars.published_list(scheme, period)
    if publication is None:
        raise Http404(period)
    return publication


@public
@require_GET
def star_list(request: HttpRequest, scheme: str, period: str) -> HttpResponse:
    """One published star list (public): per class, each unit's name and stars."""
    publication = _published(scheme, period)
    rows = stars.star_rows(publication, _language())
    classes: list[dict[str, Any]] = []
    for row in rows:
        if not classes or classes[-1]["code"] != row["class"]:
            classes.append({"code": row["class"], "name": row["class_name"], "rows": []})
        row["symbols"] = "★" * row["stars"]
        classes[-1]["rows"].append(row)
    bands = stars.star_bands(publication)
    legend = [
        {"stars": n, "symbols": "★" * n, "from": bands[n - 1]} for n in range(len(bands), 0, -1)
    ]
    return render(
        request,
        "scores/stars_list.html",
        {"publication": publication, "classes": classes, "legend": legend},
    )


@public
@require_GET
def star_list_download(request: HttpRequest, scheme: str, period: str, fmt: str) -> HttpResponse:
    """One published star list as CSV or XLSX (public): quarter, class, unit name, stars."""
    if fmt not in CONTENT_TYPES:
        raise Http404(fmt)
    publication = _published(scheme, period)
    rows = stars.star_rows(publication, _language())
    response = HttpResponse(
        rows_to_bytes(
            rows,
            stars.EXPORT_COLUMNS,
            fmt,
            headers=stars.EXPORT_HEADERS,
            sheet=publication.period,
        ),
        content_type=CONTENT_TYPES[fmt],
    )
    response["Content-Disposition"] = 'attachment; filename="stars-%s-%s.%s"' % (
        publication.scheme.code,
        publication.period,
        fmt,
    )
    return response


@require_http_methods(["GET", "POST"])
@requires("scores.publish_stars")
def publish(request: HttpRequest) -> HttpResponse:
    """The office head publishes a final quarter's star list, once, after confirming."""
    actor = actor_from_request(request)
    if request.method == "POST":
        period = request.POST.get("period", "")
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Publishing needs confirmation."))
            return redirect("scores:stars_publish")
        with refusals_as_messages(request) as outcome:
            publication = stars.publish_stars(actor=actor, period=period)
        if outcome.ok:
            messages.success(request, _("The star list of %(p)s is published.") % {"p": period})
            return redirect("scores:stars_list", publication.scheme.code, publication.period)
        return redirect("scores:stars_publish")
    return render(
        request,
        "scores/stars_publish.html",
        {
            "quarters": stars.publishable_quarters(actor=actor),
            "published": stars.published_lists(),
        },
    )
