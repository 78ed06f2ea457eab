"""The public report form for residents."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from pingan.core.access.actor import client_address
from pingan.core.access.decorators import public
from pingan.core.problems import InputRefused
from pingan.matters import forms
from pingan.matters.actions import intake


@public
@require_http_methods(["GET", "POST"])
def public_report(request: HttpRequest) -> HttpResponse:
    """The public report form for residents: CSRF-protected and limited per address and hour."""
    form = forms.PublicReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            matter = intake.intake_public(
                source=client_address(request), category_code=data["category"],
                description=data["description"], place_unit_code=data["place"], address=data["address"],
                reporter_name=data["reporter_name"], reporter_phone=data["reporter_phone"],
                reporter_confidential=data["reporter_confidential"],
            )  # fmt: skip
        except intake.RateLimited as limited:
            return render(
                request,
                "matters/public_report.html",
                {"form": form, "limited": str(limited)},
                status=429,
            )
        except InputRefused as refused:
            for problem in refused.problems:
                form.add_error(None, str(problem))
        else:
            return render(request, "matters/public_thanks.html", {"number": matter.number})
    return render(request, "matters/public_report.html", {"form": form})
