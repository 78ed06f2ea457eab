"""The what-if page: upload a draft scheme file, compare it with the version in force.

The page shows what :func:`pingan.scores.whatif.compare_draft` answers; asked for JSON it serves
the very text `pingan scheme compare --format json` prints. Nothing is stored.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pingan.core.access.actor import actor_from_request
from pingan.core.access.decorators import requires
from pingan.core.limits import check_size
from pingan.core.problems import InputRefused, Problem
from pingan.core.refusals import problem_texts
from pingan.core.tabular import utf8_text
from pingan.schemes.selectors import current_version
from pingan.scores.charts import tier_label
from pingan.scores.selectors import is_provisional
from pingan.scores.services import periods_with_figures
from pingan.scores.whatif import as_json, check_sensitivity, compare_draft


def final_quarters() -> list[str]:
    """Quarters with approved figures that are final under the scheme in force, newest first."""
    version = current_version(None)
    if version is None:
        return []
    return [
        p for p in reversed(periods_with_figures()) if not is_provisional(p, version.deadline_day)
    ]


def _whole(form: dict[str, Any], key: str) -> int:
    try:
        return int(str(form[key]).strip() or "0")
    except ValueError:
        raise InputRefused([Problem(None, key, _("not a whole number"))]) from None


def _percent(form: dict[str, Any]) -> float:
    try:
        return float(str(form["vary"]).strip() or "0")
    except ValueError:
        raise InputRefused([Problem(None, "vary", _("not a number"))]) from None


@require_http_methods(["GET", "POST"])
@requires("scores.whatif")
def whatif(request: HttpRequest) -> HttpResponse:
    """Upload a draft scheme and see per unit the score, rank and tier under both versions."""
    quarters = final_quarters()
    form = {
        "periods": request.POST.getlist("period") or quarters[:1],
        "vary": request.POST.get("vary", "0"),
        "draws": request.POST.get("draws", "200"),
        "seed": request.POST.get("seed", "0"),
    }
    context: dict[str, Any] = {"quarters": quarters, "form": form, "problems": []}
    if request.method == "POST":
        try:
            data = _compare(request, form)
        except InputRefused as refused:
            context["problems"] = problem_texts(refused)
        else:
            if request.POST.get("format") == "json":
                response = HttpResponse(
                    as_json(data) + "\n", content_type="application/json; charset=utf-8"
                )
                response["Content-Disposition"] = (
                    'attachment; filename="whatif-%s.json"' % (data["scheme"])
                )
                return response
            context["data"] = _presented(data)
    return render(request, "scores/whatif.html", context)


def _compare(request: HttpRequest, form: dict[str, Any]) -> dict[str, Any]:
    upload = request.FILES.get("file")
    if upload is None:
        raise InputRefused([Problem(None, "file", _("choose a scheme file (TOML)"))])
    check_size(upload.size or 0)
    source = utf8_text(upload.read())
    sensitivity = check_sensitivity(_percent(form), _whole(form, "draws"), _whole(form, "seed"))
    return compare_draft(
        actor=actor_from_request(request),
        source=source,
        periods=form["periods"],
        sensitivity=sensitivity,
    )


def _presented(data: dict[str, Any]) -> dict[str, Any]:
    """The comparison with names in the page's language and tier labels, for the template."""
    english = (get_language() or "").startswith("en")
    for period in data["periods"]:
        for unit in period["units"]:
            unit["name"] = (unit["name_en"] or unit["name_zh"]) if english else unit["name_zh"]
            for side in ("in_force", "draft"):
                if unit[side] is not None:
                    unit[side]["tier_label"] = tier_label(unit[side]["tier"])
    return data
