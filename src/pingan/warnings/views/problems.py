"""Pages of the problem register (不稳定问题台账): the list with its counts, one problem, its steps."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pingan.core.access.actor import actor_from_request
from pingan.core.access.decorators import requires
from pingan.core.access.permissions import can
from pingan.core.problems import InputRefused, Problem
from pingan.core.refusals import refusals_as_form_errors, refusals_as_messages
from pingan.warnings import export, forms, selectors
from pingan.warnings.actions import problems
from pingan.warnings.models import ProblemStatus


@requires("warnings.problems_view")
def problem_list(request: HttpRequest) -> HttpResponse:
    """Registered problems the person may see, with the counts identified and resolved."""
    actor = actor_from_request(request)
    status = request.GET.get("status", "")
    status = status if status in ProblemStatus.values else ""
    context = {
        "problems": selectors.visible_problems(actor=actor, status=status)[:200],
        "counts": selectors.problem_counts(actor=actor),
        "status": status,
        "statuses": ProblemStatus.choices,
        "can_open": can(actor, "warnings.problems_open"),
        "can_export": can(actor, "warnings.export"),
    }
    return render(request, "warnings/problems.html", context)


@requires("warnings.problems_open")
@require_http_methods(["GET", "POST"])
def problem_new(request: HttpRequest) -> HttpResponse:
    """Register a problem; from a confirmed warning its unit and number come filled in."""
    actor = actor_from_request(request)
    initial = {}
    if request.GET.get("warning", "").isdigit():
        warning = selectors.warning_for(actor=actor, warning_id=int(request.GET["warning"]))
        initial = {"warning": warning.pk, "unit": warning.unit.code}
    form = forms.ProblemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals_as_form_errors(form) as outcome:
            unit_id = selectors.unit_id_of(data["unit"])
            if unit_id is None:
                raise InputRefused([Problem(None, "unit", _("unknown unit"))])
            problem = problems.open_problem(
                actor=actor, kind=data["kind"], title=data["title"], responsible_unit_id=unit_id,
                leading_office=data["leading_office"], deadline=data["deadline"],
                people_involved=data["people_involved"], description=data["description"],
                warning_id=data["warning"],
            )  # fmt: skip
        if outcome.ok:
            messages.success(request, _("Problem registered."))
            return redirect("warnings:problem", problem_id=problem.pk)
    return render(request, "warnings/problem_new.html", {"form": form})


@requires("warnings.problems_view")
def problem_detail(request: HttpRequest, problem_id: int) -> HttpResponse:
    """One problem: its facts, progress notes and, while open, the forms to note and resolve."""
    actor = actor_from_request(request)
    problem = selectors.problem_for(actor=actor, problem_id=problem_id)
    is_open = problem.status == ProblemStatus.OPEN
    context = {
        "problem": problem,
        "notes": selectors.problem_notes(problem),
        "may_note": is_open
        and selectors.unit_in_scope(actor, "warnings.problems_note", problem.responsible_unit_id),
        "may_resolve": is_open and can(actor, "warnings.problems_resolve"),
        "note_form": forms.NoteForm(),
        "resolve_form": forms.ResolveForm(),
    }
    return render(request, "warnings/problem.html", context)


@require_POST
@requires("warnings.problems_note")
def problem_note(request: HttpRequest, problem_id: int) -> HttpResponse:
    """Note progress on a problem."""
    actor = actor_from_request(request)
    problem = selectors.problem_for(actor=actor, problem_id=problem_id)
    with refusals_as_messages(request) as outcome:
        problems.add_note(actor=actor, problem_id=problem.pk, text=request.POST.get("text", ""))
    if outcome.ok:
        messages.success(request, _("Done."))
    return redirect("warnings:problem", problem_id=problem.pk)


@require_POST
@requires("warnings.problems_resolve")
def problem_resolve(request: HttpRequest, problem_id: int) -> HttpResponse:
    """Mark a problem resolved."""
    actor = actor_from_request(request)
    problem = selectors.problem_for(actor=actor, problem_id=problem_id)
    resolution = request.POST.get("resolution", "")
    with refusals_as_messages(request) as outcome:
        problems.resolve_problem(actor=actor, problem_id=problem.pk, resolution=resolution)
    if outcome.ok:
        messages.success(request, _("Done."))
    return redirect("warnings:problem", problem_id=problem.pk)


@requires("warnings.export")
def problem_export(request: HttpRequest) -> HttpResponse:
    """Every registered problem the person may see, as CSV (numbers of people, never names)."""
    actor = actor_from_request(request)
    data = export.problems_csv(selectors.visible_problems(actor=actor))
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="problems.csv"'
    return response
