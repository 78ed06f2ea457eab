"""Pages for units: the list with classes and the import form."""

from __future__ import annotations

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
from pingan.core.limits import check_size
from pingan.core.refusals import refusals_as_messages
from pingan.units import selectors, services


@requires("units.view")
def unit_list(request: HttpRequest) -> HttpResponse:
    """Units the user may see, filterable by class."""
    chosen = request.GET.get("class", "")
    units = selectors.visible_units(actor=actor_from_request(request), eval_class=chosen)
    page = Paginator(units, 100).get_page(request.GET.get("page"))
    can_import = can(actor_from_request(request), "units.import")
    context = {"page": page, "chosen": chosen, "language": get_language(), "can_import": can_import}
    return render(request, "units/list.html", context)


@require_POST
@requires("units.import")
def unit_import(request: HttpRequest) -> HttpResponse:
    """Upload a units CSV/XLSX; with 'dry run' only check it. Every problem is listed."""
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to import."))
        return redirect("units:list")
    dry_run = request.POST.get("dry_run") == "1"
    refused_heading = _("The file was refused; nothing was written.")
    with refusals_as_messages(request, heading=refused_heading, limit=200) as outcome:
        check_size(upload.size or 0)
        summary = services.import_units(
            actor=actor_from_request(request), data=upload.read(), dry_run=dry_run
        )
    if outcome.refused:
        return redirect("units:list")
    text = (
        _(
            "Checked: %(created)d new, %(updated)d changed, %(unchanged)d unchanged. Nothing was written."
        )
        if dry_run
        else _("Imported: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
    )
    messages.success(
        request,
        text
        % {"created": summary.created, "updated": summary.updated, "unchanged": summary.unchanged},
    )
    return redirect("units:list")
