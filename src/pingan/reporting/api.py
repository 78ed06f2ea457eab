"""The reporting API: submissions, cells (with dry run), sign-off transitions, cell history, completeness."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import StrictFloat, StrictInt, StrictStr, field_validator
from pydantic_core import PydanticCustomError

from pingan.core.access.actor import actor_from_request
from pingan.core.access.permissions import require
from pingan.core.limits import check_rows
from pingan.core.periods import month_range, parse_month
from pingan.core.problems import InputRefused, Problem
from pingan.reporting import filling, selectors, submissions
from pingan.reporting.cells import Columns
from pingan.reporting.grid import grid
from pingan.reporting.models import Submission
from pingan.reporting.selectors import CellVersion

router = Router(tags=["reporting"])


class SubmissionOut(Schema):
    """A submission version and how far its sign-off has gone."""

    id: int
    body: str
    month: str
    version: int
    kind: str
    status: str
    is_current: bool
    superseded: bool
    reason: str
    returned_reason: str
    submitted_by: int | None
    reviewed_by: int | None
    approved_by: int | None
    received_by: int | None


class SubmissionIn(Schema):
    """Open the draft of a body for a month; with `correction_reason`, open a correction of the approved version."""

    body: str
    month: str
    correction_reason: str | None = None


class CellIn(Schema):
    """One cell; `value` null clears it (missing), 0 is a reported zero."""

    unit_code: str
    indicator_code: str
    value: StrictInt | StrictFloat | StrictStr | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _not_a_boolean(cls, value: object) -> object:
        """JSON true/false is not a count (it would otherwise be taken as 1/0)."""
        if isinstance(value, bool):
            raise PydanticCustomError("whole_number", _("the value must be a whole number ≥ 0"))
        return value


class CellsIn(Schema):
    """Cells to write."""

    cells: list[CellIn]


class CellOut(Schema):
    """One expected cell and its value (null = missing)."""

    unit_code: str
    indicator_code: str
    value: int | None
    changed: bool


class CellsSummaryOut(Schema):
    """What a write did (or would do in a dry run)."""

    dry_run: bool
    created: int
    updated: int
    cleared: int
    unchanged: int
    missing: int


class ReasonIn(Schema):
    """The reason for a return."""

    reason: str


class CompletenessOut(Schema):
    """How one body stands for one month."""

    body: str
    month: str
    status: str
    expected_cells: int
    filled_cells: int
    deadline: dt.datetime
    submitted_on_time: bool
    approved_on_time: bool
    overdue: bool


def _out(s: Submission) -> SubmissionOut:
    return SubmissionOut(
        id=s.pk,
        body=s.body.code,
        month=s.month,
        version=s.number,
        kind=s.kind,
        status=s.status,
        is_current=s.is_current,
        superseded=s.is_superseded,
        reason=s.reason,
        returned_reason=s.returned_reason,
        submitted_by=s.submitted_by_id,
        reviewed_by=s.reviewed_by_id,
        approved_by=s.approved_by_id,
        received_by=s.received_by_id,
    )


def _body_id(code: str) -> int:
    body_id = selectors.body_id_by_code(code)
    if body_id is None:
        raise InputRefused(
            [Problem(None, "body", _("unknown reporting body %(code)s") % {"code": code})]
        )
    return body_id


@router.get("/submissions", response=list[SubmissionOut])
def list_submissions(
    request: HttpRequest,
    body: str | None = None,
    month: str | None = None,
    status: str | None = None,
) -> list[SubmissionOut]:
    """Submissions the caller may read (body staff: their own bodies), newest month first."""
    actor = actor_from_request(request, channel="api")
    found = selectors.submissions_matching(actor, body=body, month=month, status=status)
    return [_out(s) for s in found]


@router.post("/submissions", response={201: SubmissionOut})
def create_submission(request: HttpRequest, payload: SubmissionIn) -> Status[SubmissionOut]:
    """Open a draft (or return the open one), or a correction when a reason is given."""
    actor = actor_from_request(request, channel="api")
    require(actor, "reporting.fill")
    body_id = _body_id(payload.body)
    if payload.correction_reason is not None:
        submission = submissions.start_correction(
            actor=actor, body_id=body_id, month=payload.month, reason=payload.correction_reason
        )
    else:
        submission = submissions.create_submission(
            actor=actor, body_id=body_id, month=payload.month
        )
    return Status(201, _out(submission))


@router.get("/submissions/{submission_id}", response=SubmissionOut)
def get_submission(request: HttpRequest, submission_id: int) -> SubmissionOut:
    """One submission."""
    return _out(
        submissions.get_submission(
            actor=actor_from_request(request, channel="api"),
            action="reporting.view",
            submission_id=submission_id,
        )
    )


@router.get("/submissions/{submission_id}/cells", response=list[CellOut])
def get_cells(request: HttpRequest, submission_id: int) -> list[CellOut]:
    """Every expected cell of the submission with its value (null = missing)."""
    submission = submissions.get_submission(
        actor=actor_from_request(request, channel="api"),
        action="reporting.view",
        submission_id=submission_id,
    )
    data = grid(submission)
    return [
        CellOut(
            unit_code=row.unit.code,
            indicator_code=cell["code"],
            value=cell["value"],
            changed=cell["changed"],
        )
        for row in data["rows"]
        for cell in row.cells
        if cell["applies"]
    ]


@router.put("/submissions/{submission_id}/cells", response=CellsSummaryOut)
def put_cells(
    request: HttpRequest, submission_id: int, payload: CellsIn, dry_run: bool = False
) -> CellsSummaryOut:
    """Write cells of a draft; every problem is listed with its row (1-based item) and column, and nothing is written."""
    actor = actor_from_request(request, channel="api")
    submission = submissions.get_submission(
        actor=actor, action="reporting.fill", submission_id=submission_id
    )
    check_rows(len(payload.cells))
    records = [
        (i, c.unit_code, c.indicator_code, submission.month, c.value)
        for i, c in enumerate(payload.cells, start=1)
    ]
    summary = filling.put_cells(
        actor=actor,
        submission_id=submission_id,
        records=records,
        columns=Columns(period="month"),
        dry_run=dry_run,
    )
    return CellsSummaryOut(**summary.__dict__)


def _transition(
    request: HttpRequest, submission_id: int, name: str, reason: str = ""
) -> SubmissionOut:
    actor = actor_from_request(request, channel="api")
    functions = {
        "submit": submissions.submit,
        "review": submissions.review,
        "approve": submissions.approve,
        "receive": submissions.receive,
    }
    if name == "return":
        return _out(
            submissions.return_submission(actor=actor, submission_id=submission_id, reason=reason)
        )
    return _out(functions[name](actor=actor, submission_id=submission_id))


@router.post("/submissions/{submission_id}/submit", response=SubmissionOut)
def submit(request: HttpRequest, submission_id: int) -> SubmissionOut:
    """Clerk: draft → submitted (every cell must hold a value)."""
    return _transition(request, submission_id, "submit")


@router.post("/submissions/{submission_id}/review", response=SubmissionOut)
def review(request: HttpRequest, submission_id: int) -> SubmissionOut:
    """Reviewer: submitted → reviewed."""
    return _transition(request, submission_id, "review")


@router.post("/submissions/{submission_id}/approve", response=SubmissionOut)
def approve(request: HttpRequest, submission_id: int) -> SubmissionOut:
    """Approver: reviewed → approved (figures become immutable)."""
    return _transition(request, submission_id, "approve")


@router.post("/submissions/{submission_id}/receive", response=SubmissionOut)
def receive(request: HttpRequest, submission_id: int) -> SubmissionOut:
    """Stability office: approved → received."""
    return _transition(request, submission_id, "receive")


@router.post("/submissions/{submission_id}/return", response=SubmissionOut)
def return_submission(request: HttpRequest, submission_id: int, payload: ReasonIn) -> SubmissionOut:
    """Reviewer or approver: back to draft, with a reason."""
    return _transition(request, submission_id, "return", payload.reason)


class HistoryQuery(Schema):
    """Which cell."""

    unit: str
    indicator: str
    month: str


@router.get("/history", response=list[CellVersion])
def history(request: HttpRequest, query: Query[HistoryQuery]) -> list[CellVersion]:
    """Every version of one cell, oldest first."""
    actor = actor_from_request(request, channel="api")
    found = selectors.cell_versions(actor, query.unit, query.indicator, query.month)
    if found is None:
        raise Http404(_("unknown unit"))
    return found[1]


@router.get("/completeness", response=list[CompletenessOut])
def completeness(request: HttpRequest, first: str, last: str) -> list[CompletenessOut]:
    """Completeness and timeliness of every expected submission (body × month) in a range of months."""
    actor = actor_from_request(request, channel="api")
    require(actor, "reporting.view")
    if parse_month(first) is None or parse_month(last) is None:
        raise InputRefused([Problem(None, "first", _("months are given as YYYY-MM"))])
    body_ids = (
        None if actor.roles & {"analyst", "office_head", "leader"} else list(actor.body_ids())
    )
    items = selectors.body_months(month_range(first, last)[:36], body_ids=body_ids)
    return [
        CompletenessOut(
            body=i.body.code,
            month=i.month,
            status=i.status,
            expected_cells=i.expected_cells,
            filled_cells=i.filled_cells,
            deadline=i.deadline,
            submitted_on_time=i.submitted_on_time,
            approved_on_time=i.approved_on_time,
            overdue=i.overdue,
        )
        for i in items
    ]
