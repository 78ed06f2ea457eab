"""Pages of monthly reporting: the body's submissions, the entry grid, uploads, sign-off, history, dashboard."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingan.core import periods
from pingan.core.access.actor import actor_from_request
from pingan.core.access.decorators import requires
from pingan.core.access.permissions import can, require_body
from pingan.core.exports import FORMATS
from pingan.core.limits import check_size
from pingan.core.problems import Conflict, InputRefused
from pingan.core.refusals import Outcome, refusals_as_messages
from pingan.reporting import (
    comments,
    deadlines,
    drafts,
    figures_file,
    filling,
    selectors,
    submissions,
)
from pingan.reporting.grid import grid
from pingan.reporting.models import Kind, Status, Submission
from pingan.reporting.naming import Names
from pingan.reporting.workbook import template_bytes, upload_records


def _refusals(
    request: HttpRequest, also: tuple[type[Exception], ...] = ()
) -> AbstractContextManager[Outcome]:
    """Refusals of a reporting write as error messages: a refused input as one message (50 problems at most)."""
    return refusals_as_messages(
        request, template=_("Nothing was written. Problems: %(list)s"), limit=50, also=also
    )


@requires("reporting.submissions")
def my_submissions(request: HttpRequest) -> HttpResponse:
    """The submissions of the signed-in person's bodies, the month due with its countdown, and reminders."""
    actor = actor_from_request(request)
    now = timezone.now()
    month = selectors.due_month(now)
    body_ids = sorted(actor.body_ids())
    standing = selectors.body_months([month], now=now, body_ids=body_ids)
    language = get_language() or "zh-hans"
    own = list(selectors.own_submissions(actor))
    return render(
        request,
        "reporting/my_submissions.html",
        {
            "month": month,
            "standing": [
                {"item": i, "left": i.deadline - now, "body": i.body.display_name(language)}
                for i in standing
            ],
            "submissions": [{"s": s, "body": s.body.display_name(language)} for s in own],
            "bodies": [
                {"pk": b.pk, "name": b.display_name(language)} for b in selectors.own_bodies(actor)
            ],
            "reminders": selectors.reminders_for(actor.user_id or 0),
            "can_fill": can(actor, "reporting.fill"),
        },
    )


@require_POST
@requires("reporting.fill")
def create(request: HttpRequest) -> HttpResponse:
    """Open (or reopen) the draft of a body for a month, or a correction when a reason is given."""
    actor = actor_from_request(request)
    try:
        body_id = int(request.POST.get("body", ""))
    except ValueError:
        raise Http404 from None
    month = request.POST.get("month", "").strip()
    reason = request.POST.get("reason", "")
    with _refusals(request) as outcome:
        if request.POST.get("correction"):
            submission = submissions.start_correction(
                actor=actor, body_id=body_id, month=month, reason=reason
            )
        else:
            submission = submissions.create_submission(actor=actor, body_id=body_id, month=month)
    if outcome.refused:
        return redirect("reporting:my_submissions")
    return redirect("reporting:submission", submission_id=submission.pk)


@requires("reporting.view")
def submission(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The entry grid (editable for the body's clerk while a draft), sign-off buttons and the history."""
    actor = actor_from_request(request)
    item = submissions.get_submission(
        actor=actor, action="reporting.view", submission_id=submission_id
    )
    version = item.scheme_version
    language = get_language() or "zh-hans"
    context = {
        "submission": item,
        "body_name": item.body.display_name(language),
        "grid": grid(item, page=_page_number(request.GET), query=request.GET.get("q", "")),
        "events": selectors.submission_events(item),
        "editable": item.status == Status.DRAFT and _may(actor, "reporting.fill", item),
        "can_withdraw": item.status == Status.SUBMITTED and _may(actor, "reporting.fill", item),
        "can_review": item.status == Status.SUBMITTED and _may(actor, "reporting.review", item),
        "can_approve": item.status == Status.REVIEWED and _may(actor, "reporting.approve", item),
        "can_receive": item.status == Status.APPROVED and can(actor, "reporting.receive"),
        "can_return": item.status in (Status.SUBMITTED, Status.REVIEWED)
        and _may(actor, "reporting.return", item),
        "can_correct": item.is_current and _may(actor, "reporting.fill", item),
        "can_comment": _may(actor, "reporting.return", item),
        "due_on": deadlines.due_on(deadlines.deadline(item.month, version.deadline_day)),
        "language": language,
        "history_url": reverse("reporting:history"),
    }
    return render(request, "reporting/submission.html", context)


def _page_number(params: Any) -> int:
    """The grid page asked for (`page`, 1-based); 1 when absent or not a number."""
    try:
        return max(1, int(params.get("page", "1")))
    except ValueError:
        return 1


def _back_to_grid(request: HttpRequest, submission_id: int) -> HttpResponse:
    """Back to the submission at the page of the grid (and filter) the form was posted from."""
    target = reverse("reporting:submission", kwargs={"submission_id": submission_id})
    window = {k: request.POST[k] for k in ("page", "q") if request.POST.get(k)}
    return redirect(target + ("?" + urlencode(window) if window else ""))


def _may(actor, action: str, item: Submission) -> bool:  # type: ignore[no-untyped-def]
    try:
        require_body(actor, action, item.body_id)
    except PermissionDenied:
        return False
    return True


def _posted_cells(request: HttpRequest) -> list[tuple[str, str, str]]:
    """Grid inputs named `v:<unit>:<indicator>` as (unit, indicator, text)."""
    cells = []
    for key in sorted(k for k in request.POST if k.startswith("v:")):
        _prefix, unit_code, indicator_code = ([*key.split(":", 2), "", ""])[:3]
        cells.append((unit_code, indicator_code, request.POST[key]))
    return cells


@require_POST
@requires("reporting.fill")
def save_cells(request: HttpRequest, submission_id: int) -> HttpResponse:
    """Save the grid as a form (without scripts): valid cells are saved, refused ones keep their text.

    With the "check" button the draft is saved too and then checked as submitting would check it.
    """
    actor = actor_from_request(request)
    with _refusals(request) as outcome:
        saved = drafts.save_draft_cells(
            actor=actor, submission_id=submission_id, entries=_posted_cells(request)
        )
    if not outcome.ok:
        return _back_to_grid(request, submission_id)
    for cell in saved.refused[:50]:
        messages.error(request, cell.message)
    counts = saved.counts
    messages.info(
        request,
        _("Draft saved: %(filled)s filled, %(missing)s missing, %(refused)s refused.")
        % counts.as_dict(),
    )
    if "check" in request.POST:
        with refusals_as_messages(
            request,
            template=_("The draft is saved but cannot be submitted yet: %(list)s"),
            limit=50,
        ) as check:
            submissions.check_ready(actor=actor, submission_id=submission_id)
        if check.ok:
            messages.success(request, _("Check passed: the draft can be submitted."))
    return _back_to_grid(request, submission_id)


@require_POST
@requires("reporting.fill")
def save_cells_json(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The grid's cell saves: `{"cells": [{"unit", "indicator", "value"}]}` → each cell's outcome and the counts.

    Answers 400 with `problems` when the body is not such a list or names a cell outside the form,
    409 when the submission is no longer a draft.
    """
    actor = actor_from_request(request)
    try:
        payload = json.loads(request.body.decode("utf-8"))
        entries = [
            (str(c["unit"]), str(c["indicator"]), str(c.get("value") or ""))
            for c in payload["cells"]
        ]
    except (ValueError, KeyError, TypeError, AttributeError):
        return JsonResponse({"problems": [_("The request is not a list of cells.")]}, status=400)
    try:
        saved = drafts.save_draft_cells(actor=actor, submission_id=submission_id, entries=entries)
    except InputRefused as exc:
        return JsonResponse({"problems": [str(p) for p in exc.problems]}, status=400)
    except Conflict as exc:
        return JsonResponse({"problems": [str(exc)]}, status=409)
    return JsonResponse(
        {"cells": [c.as_dict() for c in saved.cells], "counts": saved.counts.as_dict()}
    )


@require_POST
@requires("reporting.fill")
def zeros(request: HttpRequest, submission_id: int) -> HttpResponse:
    """ "No incidents": fill every missing cell with an explicit 0."""
    actor = actor_from_request(request)
    return _write(
        request,
        None,
        lambda: filling.fill_zeros(actor=actor, submission_id=submission_id),
        submission_id,
    )


@require_POST
@requires("reporting.fill")
def upload(request: HttpRequest, submission_id: int) -> HttpResponse:
    """Upload the filled XLSX template or a figures CSV/XLSX into the draft (optionally as a dry run)."""
    actor = actor_from_request(request)
    item = submissions.get_submission(
        actor=actor, action="reporting.fill", submission_id=submission_id
    )
    uploaded = request.FILES.get("file")
    if uploaded is None:
        messages.error(request, _("Choose a file to upload."))
        return redirect("reporting:submission", submission_id=item.pk)
    dry_run = bool(request.POST.get("dry_run"))

    def run() -> filling.CellsSummary:
        check_size(uploaded.size or 0)
        records, columns = upload_records(uploaded.read(), item.month)
        return filling.put_cells(
            actor=actor, submission_id=item.pk, records=records, columns=columns, dry_run=dry_run
        )

    return _write(request, item, run)


def _write(
    request: HttpRequest,
    item: Submission | None,
    action: Callable[[], filling.CellsSummary],
    submission_id: int | None = None,
) -> HttpResponse:
    target = item.pk if item is not None else submission_id
    with _refusals(request) as outcome:
        summary = action()
    if outcome.ok:
        text = (
            _(
                "%(created)s new, %(updated)s changed, %(cleared)s cleared; %(missing)s cells still missing."
            )
            % summary.__dict__
        )
        if summary.dry_run:
            messages.info(
                request, _("Check passed, nothing was written: %(summary)s") % {"summary": text}
            )
        else:
            messages.success(request, _("Saved: %(summary)s") % {"summary": text})
    return redirect("reporting:submission", submission_id=target)


@requires("reporting.fill")
def template(request: HttpRequest, submission_id: int) -> HttpResponse:
    """Download the XLSX entry template of the submission."""
    actor = actor_from_request(request)
    item = submissions.get_submission(
        actor=actor, action="reporting.fill", submission_id=submission_id
    )
    response = HttpResponse(
        template_bytes(item, get_language() or "zh-hans"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="figures-%s-%s-v%d.xlsx"' % (
        item.body.code,
        item.month,
        item.number,
    )
    return response


def _step(
    function: Callable[..., Submission], needs_reason: bool = False
) -> Callable[[HttpRequest, int], HttpResponse]:
    def view(request: HttpRequest, submission_id: int) -> HttpResponse:
        actor = actor_from_request(request)
        extra = {"reason": request.POST.get("reason", "")} if needs_reason else {}
        with _refusals(request, also=(PermissionDenied,)):
            function(actor=actor, submission_id=submission_id, **extra)
        return redirect("reporting:submission", submission_id=submission_id)

    view.__doc__ = function.__doc__
    return view


@require_POST
@requires("reporting.fill")
def submit(request: HttpRequest, submission_id: int) -> HttpResponse:
    """Clerk: submit the draft for review, with a message saying so."""
    actor = actor_from_request(request)
    with _refusals(request, also=(PermissionDenied,)) as outcome:
        submissions.submit(actor=actor, submission_id=submission_id)
    if outcome.ok:
        messages.success(
            request,
            _("Submitted for review. You can withdraw it until the reviewer signs."),
        )
    return redirect("reporting:submission", submission_id=submission_id)


withdraw = require_POST(requires("reporting.fill")(_step(submissions.withdraw, needs_reason=True)))
review = require_POST(requires("reporting.review")(_step(submissions.review)))
approve = require_POST(requires("reporting.approve")(_step(submissions.approve)))
receive = require_POST(requires("reporting.receive")(_step(submissions.receive)))


@require_POST
@requires("reporting.return")
def comment(request: HttpRequest, submission_id: int) -> HttpResponse:
    """Reviewer or approver: add a comment to the submission's history, at any step."""
    actor = actor_from_request(request)
    with _refusals(request, also=(PermissionDenied,)) as outcome:
        comments.add_comment(
            actor=actor, submission_id=submission_id, text=request.POST.get("comment", "")
        )
    if outcome.ok:
        messages.success(request, _("Comment added to the history."))
    return redirect("reporting:submission", submission_id=submission_id)


return_view = require_POST(
    requires("reporting.return")(_step(submissions.return_submission, needs_reason=True))
)


@requires("reporting.view")
def history(request: HttpRequest) -> HttpResponse:
    """Every version of one cell (unit, indicator, month)."""
    actor = actor_from_request(request)
    indicator, month = request.GET.get("indicator", ""), request.GET.get("month", "")
    found = None
    if periods.parse_month(month) is not None:
        found = selectors.cell_versions(actor, request.GET.get("unit", ""), indicator, month)
    if found is None:
        raise Http404
    unit, versions = found
    language = get_language() or "zh-hans"
    return render(
        request,
        "reporting/history.html",
        {
            "unit": unit,
            "unit_name": unit.display_name(language),
            "indicator": indicator,
            "indicator_name": Names.load(language).indicator(indicator),
            "month": month,
            "versions": [
                {"v": v, "kind": Kind(v.kind).label, "status": Status(v.status).label}
                for v in versions
            ],
        },
    )


@requires("reporting.dashboard")
def dashboard(request: HttpRequest) -> HttpResponse:
    """Completeness and timeliness per body, month and quarter, and the overdue list."""
    now = timezone.now()
    last = selectors.due_month(now)
    first = request.GET.get("from") or periods.month_text(int(last[:4]), 1)
    if periods.parse_month(first) is None or first > last:
        first = last
    months = periods.month_range(first, last)[-12:]
    items = selectors.body_months(months, now=now)
    language = get_language() or "zh-hans"
    bodies = sorted({i.body.code for i in items})
    by_code = {i.body.code: i.body for i in items}
    names = {code: body.display_name(language) for code, body in by_code.items()}
    table = [
        {"body": names[code], "cells": [i for i in items if i.body.code == code]} for code in bodies
    ]
    quarters = selectors.by_body_and_quarter(items)
    return render(
        request,
        "reporting/dashboard.html",
        {
            "months": months,
            "table": table,
            "quarters": [
                {"body": names[b], "quarter": q, "rates": r} for (b, q), r in quarters.items()
            ],
            "by_month": [
                {"month": m, "rates": selectors.rates([i for i in items if i.month == m])}
                for m in months
            ],
            "overdue": [{"body": names[i.body.code], "item": i} for i in items if i.overdue],
            "now": now,
        },
    )


@requires("figures.export")
def export(request: HttpRequest) -> HttpResponse:
    """Download the current approved figures of a range of months (CSV, XLSX or JSON), as `pingan figures export` writes them."""
    actor = actor_from_request(request)
    first, last, fmt = (
        request.GET.get("from", ""),
        request.GET.get("to", ""),
        request.GET.get("format", "csv"),
    )
    if (
        periods.parse_month(first) is None
        or periods.parse_month(last) is None
        or fmt not in FORMATS
    ):
        messages.error(request, _("Give the months as YYYY-MM and a format of csv, xlsx or json."))
        return redirect("reporting:dashboard")
    content_types = {
        "csv": "text/csv; charset=utf-8",
        "json": "application/json",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    response = HttpResponse(
        figures_file.export_figures(
            actor=actor, first=first, last=last, fmt=fmt, language=get_language() or "zh-hans"
        ),
        content_type=content_types[fmt],
    )
    response["Content-Disposition"] = 'attachment; filename="figures-%s-%s.%s"' % (first, last, fmt)
    return response
