"""Views of the shell: the home page of each role, and the roll-up of an office."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from pingan.core.access.actor import actor_from_request
from pingan.core.access.decorators import public, requires
from pingan.core.periods import period_months
from pingan.web import rollup
from pingan.web.home import home_cards, home_panels


@requires("home.view")
def home(request: HttpRequest) -> HttpResponse:
    """The home page: the signed-in person's work in each app, then links to their pages."""
    actor = actor_from_request(request)
    return render(
        request,
        "web/home.html",
        {"panels": home_panels(request, actor), "cards": home_cards(actor)},
    )


def _error_page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    """An error page inside the site's layout, in the reader's language; JSON for API paths."""
    if request.path.startswith(("/api/", "/open311/")):
        return JsonResponse({"detail": str(text)}, status=status)
    return render(
        request, "web/error.html", {"status": status, "title": title, "text": text}, status=status
    )


@public
def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: the page exists but the signed-in person's roles do not let them open it."""
    return _error_page(
        request,
        403,
        _("Not allowed"),
        _(
            "Your roles do not allow you to open this page, or it belongs to a unit or body outside"
            " your scope. If you need it, ask the security administrator for the role."
        ),
    )


@public
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: nothing at this address (or nothing the person may know exists)."""
    return _error_page(
        request,
        404,
        _("Page not found"),
        _("There is nothing at this address. It may have been mistyped, or the item was removed."),
    )


@public
def server_error(request: HttpRequest) -> HttpResponse:
    """500: the request failed; nothing the person did was half-written (every write is one transaction)."""
    text = _(
        "Something went wrong on the server. Nothing was partly saved: try again, and if it"
        " happens again tell the system administrator the time it happened."
    )
    try:
        return _error_page(request, 500, _("Server error"), text)
    except Exception:  # the layout itself may be what fails: answer plainly then
        return HttpResponse(str(text), status=500, content_type="text/plain; charset=utf-8")


def _office_rollup(request: HttpRequest, code: str) -> rollup.Rollup:
    """The roll-up asked for: the office at unit `code`, the period of `?period=` when valid."""
    period = request.GET.get("period", "").strip()
    try:
        period_months(period)
    except ValueError:
        period = ""
    found = rollup.office_rollup(actor=actor_from_request(request), office_code=code, period=period)
    if found is None:
        raise Http404(_("No such unit."))
    return found


@requires("scores.view")
def office_rollup(request: HttpRequest, code: str) -> HttpResponse:
    """The roll-up of an office: per unit below it, reporting, matters and tiers of a period."""
    return render(request, "web/rollup.html", {"rollup": _office_rollup(request, code)})


@requires("scores.view")
def office_rollup_csv(request: HttpRequest, code: str) -> HttpResponse:
    """The roll-up of an office as CSV."""
    found = _office_rollup(request, code)
    response = HttpResponse(rollup.rollup_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rollup-%s-%s.csv"' % (
        found.office.code,
        found.period,
    )
    return response
