"""The audit log page: read-only, for the audit administrator."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pingan.audit.events import Event
from pingan.audit.selectors import audit_records, readable
from pingan.core.access.actor import actor_from_request
from pingan.core.access.decorators import requires


@requires("audit.read")
def log(request: HttpRequest) -> HttpResponse:
    """The audit log for the audit administrator, newest first; read-only for everyone."""
    actor = actor_from_request(request)
    records = audit_records(actor=actor, event=request.GET.get("event", ""))
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": readable(list(page.object_list)),
        "event": request.GET.get("event", ""),
        "events": Event.choices,
        "time_zone": timezone.get_current_timezone_name(),
    }
    return render(request, "audit/log.html", context)
