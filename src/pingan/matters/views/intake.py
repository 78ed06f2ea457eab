"""Intake pages: the choice of route, the form of each route (its channel fixed by the route),
and the lookup of similar open matters offered for merging."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from pingan.core.access.actor import actor_from_request
from pingan.core.access.decorators import requires
from pingan.core.problems import InputRefused
from pingan.matters import forms, selectors
from pingan.matters.actions import intake
from pingan.matters.models import Channel

# The intake routes: the channel each records, with what the route is called on the page.
ROUTES = {
    "phone": (Channel.PHONE, gettext_lazy("Hotline call")),
    "visit": (Channel.VISIT, gettext_lazy("Walk-in visit")),
    "web": (Channel.WEB, gettext_lazy("Entered by a community worker or mediator")),
}


@requires("matters.intake")
def intake_routes(request: HttpRequest) -> HttpResponse:
    """Choose how the matter arrived; each route records its own channel."""
    routes = [(slug, label) for slug, (_channel, label) in ROUTES.items()]
    return render(request, "matters/new_routes.html", {"routes": routes})


@requires("matters.intake")
@require_http_methods(["GET", "POST"])
def matter_new(request: HttpRequest, route: str) -> HttpResponse:
    """The intake form of one route (usable on a phone); nothing is preselected."""
    if route not in ROUTES:
        raise Http404(route)
    channel, route_label = ROUTES[route]
    actor = actor_from_request(request)
    form = forms.IntakeForm(request.POST or None, request.FILES or None, channel=channel)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        uploads = [
            intake.Upload(f.name, f.content_type or "", f.read()) for f in data["attachments"]
        ]
        try:
            matter = intake.intake_matter(
                actor=actor, category_code=data["category"], grade_level=data["grade"],
                description=data["description"], place_unit_code=data["place"], channel=channel,
                ticket_number=data.get("ticket_number", ""), address=data["address"],
                lat=data["lat"], lon=data["lon"], parties=data["parties"],
                party_contact=data["party_contact"], reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"], reporter_confidential=data["reporter_confidential"],
                uploads=uploads,
            )  # fmt: skip
        except InputRefused as refused:
            for problem in refused.problems:
                field = problem.column if problem.column in form.fields else None
                form.add_error(field, problem.reason if field else str(problem))
        else:
            messages.success(request, _("Matter %(number)s received.") % {"number": matter.number})
            return redirect("matters:detail", matter_id=matter.pk)
    context = {
        "form": form,
        "route_label": route_label,
        "similar_url": reverse("matters:similar"),
    }
    return render(request, "matters/new.html", context)


@requires("matters.intake")
@require_GET
def similar(request: HttpRequest) -> JsonResponse:
    """Open matters at the same place and of the same category in the last 30 days (JSON)."""
    actor = actor_from_request(request)
    matters = selectors.similar_open_matters(
        actor=actor,
        category_code=request.GET.get("category", ""),
        place_unit_code=request.GET.get("place", ""),
        now=timezone.now(),
    )
    return JsonResponse(
        {
            "matters": [
                {
                    "number": m.number,
                    "url": reverse("matters:detail", args=[m.pk]),
                    "received": timezone.localtime(m.received_at).strftime("%Y-%m-%d %H:%M"),
                    "status": m.get_status_display(),
                    "description": m.description[:80],
                }
                for m in matters
            ]
        }
    )
