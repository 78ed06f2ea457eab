"""Pages of the risk assessments: the list, registration, one assessment with its steps, statistics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pingan.assessments import report, selectors, uploads
from pingan.assessments.actions import analysis, register, workflow
from pingan.assessments.actions.exports import export_statistics
from pingan.assessments.models import (
    Category,
    Conclusion,
    ConsultationKind,
    Dimension,
    Level,
    Rating,
    Status,
)
from pingan.assessments.statistics import quarter_figures
from pingan.core.access.actor import Actor, actor_from_request
from pingan.core.access.decorators import requires
from pingan.core.access.permissions import can
from pingan.core.access.roles import Role
from pingan.core.documents.pdf import ConversionFailed, ToolMissing, docx_to_pdf
from pingan.core.periods import parse_quarter, quarter_of
from pingan.core.refusals import refusals_as_messages

DOCX = uploads.DOCX


def _language() -> str:
    return get_language() or "zh-hans"


def _date(data: QueryDict, name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((data.get(name) or "").strip())
    except ValueError:
        return None


def _number(data: QueryDict, name: str, default: int | None = None) -> Any:
    """A whole number from the form, or the text itself (the action names what is wrong with it)."""
    text = (data.get(name) or "").strip()
    if not text and default is not None:
        return default
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else text


@requires("assessments.view")
def assessment_list(request: HttpRequest) -> HttpResponse:
    """The latest version of every file the person may read, newest first, by status."""
    actor = actor_from_request(request)
    status = request.GET.get("status", "")
    rows = selectors.assessment_list(actor=actor, status=status if status in Status.values else "")
    context = {
        "page": Paginator(rows, 50).get_page(request.GET.get("page")),
        "statuses": Status.choices,
        "chosen": status,
        "can_register": can(actor, "assessments.register"),
        "open_measures": selectors.open_measures(actor=actor),
        "today": timezone.localdate(),
    }
    return render(request, "assessments/list.html", context)


@requires("assessments.register")
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest) -> HttpResponse:
    """Register a decision: what it is, who proposes, carries out and assesses it, where, when."""
    actor = actor_from_request(request)
    data = request.POST
    if request.method == "POST":
        offered = [uploads.Upload(f.name or "", f.read()) for f in request.FILES.getlist("files")]
        with refusals_as_messages(request) as outcome:
            assessment = register.register(
                actor=actor, title=data.get("title", ""), category=data.get("category", ""),
                proposing_unit=data.get("proposing_unit", ""),
                implementing_unit=data.get("implementing_unit", ""),
                assessing_unit=data.get("assessing_unit", ""),
                affected_units=data.getlist("affected_units"),
                expected_on=_date(data, "expected_on"), uploads_offered=offered,
            )  # fmt: skip
        if outcome.ok:
            messages.success(request, _("Assessment %(n)s registered.") % {"n": assessment.number})
            return redirect("assessments:detail", assessment_id=assessment.pk)
    own = sorted(actor.unit_ids(Role.PROPOSER))
    context = {
        "categories": Category.choices,
        "units": selectors.unit_choices(_language()),
        "values": data,
        "affected": data.getlist("affected_units"),
        "own_units": own,
    }
    return render(request, "assessments/new.html", context)


def _permissions(actor: Actor, detail: selectors.Detail) -> dict[str, bool]:
    a = detail.assessment
    analyse = selectors.may(actor, a, "assessments.analyse", Role.ASSESSOR)
    review = selectors.may(actor, a, "assessments.review", Role.DEPARTMENT_HEAD)
    follow = selectors.may(actor, a, "assessments.follow_up", Role.ASSESSOR, Role.PROPOSER)
    attach = selectors.may(actor, a, "assessments.attach", Role.ASSESSOR, Role.PROPOSER)
    return {
        "start": analyse and a.status == Status.DRAFT,
        "edit": analyse and a.status == Status.ANALYSIS,
        "attach": attach and a.status in (Status.DRAFT, Status.ANALYSIS),
        "review": review
        and a.status == Status.REVIEW
        and actor.user_id not in (a.report_by_id, a.created_by_id),
        "four_eyes": review
        and a.status == Status.REVIEW
        and actor.user_id in (a.report_by_id, a.created_by_id),
        "new_version": analyse and a.status == Status.CONCLUDED and detail.is_latest,
        "follow_up": follow and a.conclusion in workflow.FOLLOWED and detail.is_latest,
    }


@requires("assessments.view")
def assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """One version of an assessment with the steps open to the person."""
    actor = actor_from_request(request)
    detail = selectors.detail(selectors.assessment_for(actor=actor, assessment_id=assessment_id))
    period, units = selectors.context(detail.assessment, detail.affected, actor)
    context = {
        "d": detail,
        "a": detail.assessment,
        "can": _permissions(actor, detail),
        "dimensions": [
            (code, label, detail.findings.get(code)) for code, label in Dimension.choices
        ],
        "ratings": Rating.choices,
        "conclusions": Conclusion.choices,
        "kinds": ConsultationKind.choices,
        "units": selectors.unit_choices(_language()),
        "advice_level": Level(detail.advice.overall_level).label,
        "advice_conclusion": Conclusion(detail.advice.conclusion).label,
        "proposed_label": Conclusion(detail.assessment.proposed).label
        if detail.assessment.proposed
        else "",
        "context_period": period,
        "context_units": units,
        "show_warnings": can(actor, "warnings.view"),
        "show_problems": can(actor, "warnings.problems_view"),
        "today": timezone.localdate(),
    }
    return render(request, "assessments/detail.html", context)


@requires("assessments.view")
def report_download(request: HttpRequest, assessment_id: int, fmt: str) -> HttpResponse:
    """The special report: the stored one of a concluded version, else a draft of the current state."""
    actor = actor_from_request(request)
    assessment = selectors.assessment_for(actor=actor, assessment_id=assessment_id)
    if fmt == "html":
        return HttpResponse(report.render_html(assessment))
    if fmt not in ("docx", "pdf"):
        raise Http404
    data = (
        bytes(assessment.report_docx or b"")
        if assessment.concluded
        else report.render_docx(assessment)
    )
    content_type = DOCX
    if fmt == "pdf":
        try:
            data, content_type = docx_to_pdf(data), "application/pdf"
        except (ToolMissing, ConversionFailed) as exc:
            messages.error(request, str(exc))
            return redirect("assessments:detail", assessment_id=assessment.pk)
    response = HttpResponse(data, content_type=content_type)
    name = "%s-v%d.%s" % (assessment.number, assessment.version, fmt)
    response["Content-Disposition"] = 'attachment; filename="%s"' % name
    return response


@requires("assessments.view")
def attachment_download(
    request: HttpRequest, assessment_id: int, attachment_id: int
) -> HttpResponse:
    """A document of the file, as stored (always as a download)."""
    actor = actor_from_request(request)
    found = selectors.attachment_for(
        actor=actor, assessment_id=assessment_id, attachment_id=attachment_id
    )
    response = HttpResponse(uploads.read(found.stored_name), content_type=found.content_type)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%s" % quote(found.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requires("assessments.attach")
@require_POST
def attach(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Attach documents to the file."""
    actor = actor_from_request(request)
    offered = [uploads.Upload(f.name or "", f.read()) for f in request.FILES.getlist("files")]
    with refusals_as_messages(request) as outcome:
        register.attach(actor=actor, assessment_id=assessment_id, uploads_offered=offered)
    if outcome.ok:
        messages.success(request, _("Documents attached."))
    return redirect("assessments:detail", assessment_id=assessment_id)


def _findings(data: QueryDict) -> dict[str, tuple[str, str]]:
    return {
        d: (data.get("text_" + d, ""), data.get("rating_" + d, ""))
        for d in Dimension.values
        if ("text_" + d) in data or ("rating_" + d) in data
    }


ANALYSIS_STEPS: dict[str, Callable[[Actor, int, QueryDict], object]] = {
    "start": lambda actor, pk, data: analysis.start_analysis(actor=actor, assessment_id=pk),
    "findings": lambda actor, pk, data: analysis.save_findings(
        actor=actor, assessment_id=pk, findings=_findings(data)
    ),
    "risk": lambda actor, pk, data: analysis.add_risk(
        actor=actor,
        assessment_id=pk,
        description=data.get("description", ""),
        likelihood=_number(data, "likelihood"),
        impact=_number(data, "impact"),
        residual_likelihood=_number(data, "residual_likelihood"),
        residual_impact=_number(data, "residual_impact"),
    ),
    "risk-delete": lambda actor, pk, data: analysis.delete_risk(
        actor=actor, assessment_id=pk, risk_id=_number(data, "risk", 0)
    ),
    "measure": lambda actor, pk, data: analysis.add_measure(
        actor=actor,
        assessment_id=pk,
        risk_id=_number(data, "risk", 0),
        description=data.get("description", ""),
        owner_unit=data.get("owner_unit", ""),
        due_on=_date(data, "due_on"),
    ),
    "measure-delete": lambda actor, pk, data: analysis.delete_measure(
        actor=actor, assessment_id=pk, measure_id=_number(data, "measure", 0)
    ),
    "consultation": lambda actor, pk, data: analysis.add_consultation(
        actor=actor,
        assessment_id=pk,
        kind=data.get("kind", ""),
        held_on=_date(data, "held_on"),
        method=data.get("method", ""),
        participants=_number(data, "participants", 0),
        support=_number(data, "support", 0),
        neutral=_number(data, "neutral", 0),
        oppose=_number(data, "oppose", 0),
        summary=data.get("summary", ""),
    ),
    "consultation-delete": lambda actor, pk, data: analysis.delete_consultation(
        actor=actor, assessment_id=pk, consultation_id=_number(data, "consultation", 0)
    ),
    "submit": lambda actor, pk, data: workflow.submit_report(
        actor=actor,
        assessment_id=pk,
        proposed=data.get("proposed", ""),
        override_reason=data.get("override_reason", ""),
    ),
    "new-version": lambda actor, pk, data: workflow.new_version(
        actor=actor, assessment_id=pk, reason=data.get("reason", "")
    ),
}

REVIEW_STEPS: dict[str, Callable[[Actor, int, QueryDict], object]] = {
    "return": lambda actor, pk, data: workflow.return_report(
        actor=actor, assessment_id=pk, comments=data.get("comments", "")
    ),
    "approve": lambda actor, pk, data: workflow.approve(
        actor=actor, assessment_id=pk, review_due=_date(data, "review_due")
    ),
}


def _step(
    request: HttpRequest, assessment_id: int, steps: dict[str, Any], step: str
) -> HttpResponse:
    if step not in steps:
        raise Http404
    actor = actor_from_request(request)
    with refusals_as_messages(request) as outcome:
        result = steps[step](actor, assessment_id, request.POST)
    if outcome.ok:
        messages.success(request, _("Saved."))
        if step == "new-version":
            return redirect("assessments:detail", assessment_id=result.pk)
    return redirect("assessments:detail", assessment_id=assessment_id)


@requires("assessments.analyse")
@require_POST
def analysis_step(request: HttpRequest, assessment_id: int, step: str) -> HttpResponse:
    """A step of the assessing department: start, findings, risks, measures, consultations, report, new version."""
    return _step(request, assessment_id, ANALYSIS_STEPS, step)


@requires("assessments.review")
@require_POST
def review_step(request: HttpRequest, assessment_id: int, step: str) -> HttpResponse:
    """A step of the competent department's head: return the report with comments, or approve it."""
    return _step(request, assessment_id, REVIEW_STEPS, step)


@requires("assessments.follow_up")
@require_POST
def measure_done(request: HttpRequest, measure_id: int) -> HttpResponse:
    """Record a measure of a concluded decision as done."""
    actor = actor_from_request(request)
    with refusals_as_messages(request) as outcome:
        completion = workflow.complete_measure(
            actor=actor, measure_id=measure_id, done_on=_date(request.POST, "done_on"),
            note=request.POST.get("note", ""),
        )  # fmt: skip
    if outcome.ok:
        messages.success(request, _("The measure is recorded as done."))
        return redirect("assessments:detail", assessment_id=completion.measure.assessment_id)
    return redirect("assessments:list")


def _quarter(request: HttpRequest) -> str:
    quarter = request.GET.get("quarter", "")
    try:
        parse_quarter(quarter)
    except ValueError:
        quarter = quarter_of(timezone.localdate().strftime("%Y-%m"))
    return quarter


@requires("assessments.stats")
def statistics_page(request: HttpRequest) -> HttpResponse:
    """The figures of a quarter, with the export links."""
    actor = actor_from_request(request)
    quarter = _quarter(request)
    figures = quarter_figures(actor=actor, quarter=quarter, language=_language())
    context = {
        "f": figures,
        "quarter": quarter,
        "categories": [(label, figures.by_category[code]) for code, label in Category.choices],
        "conclusions": [(label, figures.by_conclusion[code]) for code, label in Conclusion.choices],
        "levels": [(label, figures.by_level[code]) for code, label in Level.choices],
        "departments": [
            (figures.department_names[c], figures.by_department[c])
            for c in sorted(figures.by_department)
        ],
    }
    return render(request, "assessments/stats.html", context)


@requires("assessments.stats")
def statistics_export(request: HttpRequest) -> HttpResponse:
    """The figures of a quarter as CSV or XLSX."""
    actor = actor_from_request(request)
    quarter, fmt = _quarter(request), request.GET.get("format", "csv")
    with refusals_as_messages(request) as outcome:
        data = export_statistics(actor=actor, quarter=quarter, fmt=fmt, language=_language())
    if not outcome.ok:
        return redirect("assessments:stats")
    content_type = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = 'attachment; filename="assessments-%s.%s"' % (quarter, fmt)
    return response
