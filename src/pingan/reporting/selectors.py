"""Reads of monthly reporting: approved values, cell history, grids, exports, completeness, deadlines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.core import periods
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import READ_ALL, allowed_roles, require, require_body
from pingan.reporting import deadlines
from pingan.reporting.cells import Catalogue, load_catalogue
from pingan.reporting.models import (
    SIGNED_STATUSES,
    Figure,
    Kind,
    Reminder,
    Status,
    Step,
    Submission,
    SubmissionEvent,
)
from pingan.schemes.models import ReportingBody
from pingan.schemes.selectors import current_version
from pingan.units.models import OrgUnit

LARGE_UNIT_LIST = 500


def approved_values(
    *,
    indicator_codes: list[str],
    unit_ids: list[int],
    months: list[str],
    body_id: int | None = None,
) -> dict[tuple[int, str, str], tuple[int, int]]:
    """(unit_id, indicator_code, "YYYY-MM") → (value, figure_id) of the current approved version of each cell.

    Cells never approved are absent (missing is not zero). Two queries whatever the number of units.
    With `body_id` (the body whose indicators these are), only that body's submissions are read:
    PostgreSQL then finds a page of cells by the whole cell index, not every body's figures.
    """
    current = Submission.objects.filter(is_current=True, month__in=months)
    if body_id is not None:
        current = current.filter(body_id=body_id)
    submissions = dict(current.values_list("pk", "month"))
    if not submissions or not indicator_codes or not unit_ids:
        return {}
    figures = Figure.objects.filter(
        in_years(months), submission_id__in=list(submissions), indicator_code__in=indicator_codes
    )
    wanted = set(unit_ids)
    rows = figures.values_list("pk", "submission_id", "unit_id", "indicator_code", "value")
    if len(wanted) <= LARGE_UNIT_LIST:
        # a page of units: few rows, read at once (a server-side cursor costs three round trips)
        rows = rows.filter(unit_id__in=wanted)
    else:
        rows = rows.iterator(chunk_size=20000)  # type: ignore[assignment]
    result = {}
    for figure_id, submission_id, unit_id, code, value in rows:
        if unit_id in wanted:
            result[(unit_id, code, submissions[submission_id])] = (value, figure_id)
    return result


def in_years(months: Iterable[str]) -> Q:
    """Figures of the years of `months` (or without a year): on PostgreSQL the figures table is
    partitioned by year, and a query naming the years reads only their partitions."""
    years = sorted({int(month[:4]) for month in months})
    return Q(year__in=years) | Q(year__isnull=True)


@dataclass(frozen=True)
class CellVersion:
    """One version of one cell: its value (None = missing in that version) and how the version stands."""

    submission_id: int
    number: int
    kind: str
    status: str
    value: int | None
    changed: bool
    is_current: bool
    superseded_at: dt.datetime | None
    created_by_id: int | None
    submitted_by_id: int | None
    reviewed_by_id: int | None
    approved_by_id: int | None
    approved_at: dt.datetime | None
    received_by_id: int | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        """The version as a JSON-ready dict."""
        return {
            k: (v.isoformat() if isinstance(v, dt.datetime) else v)
            for k, v in self.__dict__.items()
        }


def cell_history(unit_id: int, indicator_code: str, month: str) -> list[CellVersion]:
    """Every version of a cell, oldest first: value, status, who signed (ids), when, and the reason."""
    submissions = list(
        Submission.objects.filter(month=month, body__indicators__code=indicator_code)
        .distinct()
        .order_by("number", "pk")
    )
    values = {
        s: (v, c)
        for s, v, c in Figure.objects.filter(
            submission_id__in=[s.pk for s in submissions],
            unit_id=unit_id,
            indicator_code=indicator_code,
        ).values_list("submission_id", "value", "changed")
    }
    return [
        CellVersion(
            submission_id=s.pk,
            number=s.number,
            kind=s.kind,
            status=s.status,
            value=values.get(s.pk, (None, False))[0],
            changed=values.get(s.pk, (None, False))[1],
            is_current=s.is_current,
            superseded_at=s.superseded_at,
            created_by_id=s.created_by_id,
            submitted_by_id=s.submitted_by_id,
            reviewed_by_id=s.reviewed_by_id,
            approved_by_id=s.approved_by_id,
            approved_at=s.approved_at,
            received_by_id=s.received_by_id,
            reason=s.reason or s.returned_reason,
        )
        for s in submissions
    ]


def visible_submissions(actor: Actor) -> QuerySet[Submission]:
    """Submissions the actor may read: all for the office, their own bodies' for body staff."""
    require(actor, "reporting.view")
    queryset = Submission.objects.select_related("body")
    if actor.roles & (READ_ALL & allowed_roles("reporting.view")):
        return queryset
    return queryset.filter(body_id__in=actor.body_ids())


def cell_versions(
    actor: Actor, unit_code: str, indicator_code: str, month: str
) -> tuple[OrgUnit, list[CellVersion]] | None:
    """The unit and every version of its cell for the indicator and month, oldest first.

    None when no unit has the code. Refused (PermissionDenied) unless the actor may read
    reporting and the figures of the body the cell belongs to.
    """
    require(actor, "reporting.view")
    unit = OrgUnit.objects.filter(code=unit_code).first()
    if unit is None:
        return None
    versions = cell_history(unit.pk, indicator_code, month)
    if versions:
        body_id = Submission.objects.values_list("body_id", flat=True).get(
            pk=versions[0].submission_id
        )
        require_body(actor, "reporting.view", body_id)
    return unit, versions


def own_bodies(actor: Actor) -> QuerySet[ReportingBody]:
    """The reporting bodies the actor works for (none for office staff without a body)."""
    return ReportingBody.objects.filter(pk__in=sorted(actor.body_ids()))


def body_id_by_code(code: str) -> int | None:
    """The id of the reporting body with this code, or None.

    Not scoped by the actor: the action given the id checks the actor's right on that body, so
    a body the actor does not work for is refused there (403), not reported unknown.
    """
    return ReportingBody.objects.filter(code=code).values_list("pk", flat=True).first()


# What the list of a body's submissions shows of each (`reporting_rows.submission_rows`).
LISTED_FIELDS = (
    "month",
    "number",
    "kind",
    "status",
    "superseded_at",
    "returned_reason",
    "body__name_zh",
    "body__name_en",
)


def own_submissions(actor: Actor, *, limit: int = 100) -> QuerySet[Submission]:
    """The newest submissions of the bodies the actor works for: by month (newest first), body code, version.

    Only the fields the list shows are read (`LISTED_FIELDS`); another is read on first use.
    """
    return (
        visible_submissions(actor)
        .filter(body_id__in=sorted(actor.body_ids()))
        .only(*LISTED_FIELDS)
        .order_by("-month", "body__code", "-number")[:limit]
    )


def submissions_matching(
    actor: Actor,
    *,
    body: str | None = None,
    month: str | None = None,
    status: str | None = None,
    limit: int = 500,
) -> list[Submission]:
    """Submissions the actor may read with the body code, month and status given (each optional), at most `limit`."""
    queryset = visible_submissions(actor)
    if body:
        queryset = queryset.filter(body__code=body)
    if month:
        queryset = queryset.filter(month=month)
    if status:
        queryset = queryset.filter(status=status)
    return list(queryset[:limit])


def submission_events(submission: Submission) -> list[SubmissionEvent]:
    """The recorded steps of a submission, oldest first."""
    return list(submission.events.select_related("actor").order_by("at", "pk"))


# ---------------------------------------------------------------- export


def export_rows(
    *, actor: Actor, first: str, last: str, language: str = "zh-hans"
) -> list[dict[str, Any]]:
    """Current approved figures of the months, sorted by period, unit code and indicator scheme
    order, with the unit's and the indicator's names in `language` beside the codes."""
    require(actor, "figures.export")
    version = current_version()
    indicators = list(version.indicators.all()) if version else []
    order = {i.code: i.position for i in indicators}
    indicator_names = {i.code: i.display_name(language) for i in indicators}
    unit_names = {u.code: u.display_name(language) for u in OrgUnit.objects.all()}
    months = periods.month_range(first, last)
    submissions = dict(
        Submission.objects.filter(is_current=True, month__in=months).values_list("pk", "month")
    )
    unit_codes = dict(OrgUnit.objects.values_list("pk", "code"))
    rows = [
        (submissions[s], unit_codes[u], order.get(c, 1 << 30), c, v)
        for s, u, c, v in Figure.objects.filter(submission_id__in=list(submissions))
        .values_list("submission_id", "unit_id", "indicator_code", "value")
        .iterator(chunk_size=20000)
    ]
    rows.sort()
    return [
        {
            "unit_code": u,
            "indicator_code": c,
            "period": m,
            "value": v,
            "unit_name": unit_names.get(u, ""),
            "indicator_name": indicator_names.get(c, ""),
        }
        for m, u, _o, c, v in rows
    ]


# ---------------------------------------------------------------- deadlines and completeness


@dataclass
class BodyMonth:
    """How one body stands for one month: expected and filled cells, status, deadline and timeliness."""

    body: ReportingBody
    month: str
    expected_cells: int
    filled_cells: int
    status: str
    submission_id: int | None
    deadline: dt.datetime
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    submitted_on_time: bool
    approved_on_time: bool
    overdue: bool
    historical: bool = False

    @property
    def due_on(self) -> dt.date:
        """The deadline day, to show ("2026-11-05", meaning by the end of that day)."""
        return deadlines.due_on(self.deadline)

    @property
    def status_label(self) -> str:
        """The status in words ("missing" when the body has not opened the month)."""
        if self.historical:
            return str(Kind.HISTORICAL.label)
        return str(Status(self.status).label) if self.status in Status.values else _("Missing")

    @property
    def late(self) -> bool:
        """Approved, but after the deadline (historical loads are neither late nor on time)."""
        return self.status in SIGNED_STATUSES and not self.historical and not self.approved_on_time

    @property
    def completeness(self) -> float:
        """Share of expected cells with an approved value (1 when nothing is expected)."""
        return 1.0 if self.expected_cells == 0 else self.filled_cells / self.expected_cells


def body_months(
    months: list[str], *, now: dt.datetime | None = None, body_ids: list[int] | None = None
) -> list[BodyMonth]:
    """The standing of every expected submission (reporting body × month), by month then body code.

    Approved-by-deadline is the headline "on time"; submitted-by-deadline is shown beside it.
    Both use the first version of the month (corrections do not change timeliness). A month
    whose first version is a historical load (`figures import --approve`) is counted apart:
    it was never reported through the workflow, so it is neither on time nor late.
    """
    now = now or timezone.now()
    version = current_version()
    if version is None:
        return []
    catalogue = load_catalogue(version)
    ids = catalogue.reporting_body_ids()
    if body_ids is not None:
        wanted = set(body_ids)
        ids = [pk for pk in ids if pk in wanted]
    bodies = ReportingBody.objects.in_bulk(ids)
    by_key: dict[tuple[int, str], list[Submission]] = {}
    filled: dict[int, int] = {}
    first_submits: dict[int, dt.datetime] = {}
    # one query: each version with its count of figures and its first submission
    for submission in (
        Submission.objects.filter(month__in=months, body_id__in=list(bodies))
        .annotate(filled=Subquery(_figure_count), first_submit=Subquery(_first_submit))
        .order_by("number")
    ):
        by_key.setdefault((submission.body_id, submission.month), []).append(submission)
        if submission.filled:
            filled[submission.pk] = submission.filled
        if submission.first_submit is not None:
            first_submits[submission.pk] = submission.first_submit
    result = []
    for month in months:
        due = deadlines.deadline(month, version.deadline_day)
        for body_id in sorted(bodies, key=lambda pk: bodies[pk].code):
            result.append(
                _body_month(
                    catalogue,
                    bodies[body_id],
                    month,
                    due,
                    by_key.get((body_id, month), []),
                    filled,
                    first_submits,
                    now,
                )
            )
    return result


def _body_month(
    catalogue: Catalogue,
    body: ReportingBody,
    month: str,
    due: dt.datetime,
    versions: list[Submission],
    filled: dict[int, int],
    first_submits: dict[int, dt.datetime],
    now: dt.datetime,
) -> BodyMonth:
    current = next((s for s in versions if s.is_current), None)
    latest = versions[-1] if versions else None
    first = versions[0] if versions else None
    approved_at = first.approved_at if first is not None else None
    submitted_at = first_submits.get(first.pk) if first is not None else None
    if first is not None and submitted_at is None and first.status in SIGNED_STATUSES:
        submitted_at = first.approved_at
    expected = catalogue.expected_count(body.pk, month)
    shown = current or latest
    historical = first is not None and first.kind == Kind.HISTORICAL
    return BodyMonth(
        body=body,
        month=month,
        expected_cells=expected,
        filled_cells=filled.get(current.pk, 0) if current else 0,
        status=shown.status if shown else "missing",
        submission_id=shown.pk if shown else None,
        deadline=due,
        submitted_at=submitted_at,
        approved_at=approved_at,
        submitted_on_time=not historical and submitted_at is not None and submitted_at < due,
        approved_on_time=not historical and approved_at is not None and approved_at < due,
        overdue=current is None and now >= due,
        historical=historical,
    )


# A version's count of figures, and the time of its first submission (None when never submitted).
_figure_count = (
    Figure.objects.filter(submission_id=OuterRef("pk"))
    .order_by()
    .values("submission_id")
    .annotate(n=Count("pk"))
    .values("n")
)
_first_submit = (
    SubmissionEvent.objects.filter(submission_id=OuterRef("pk"), step=Step.SUBMIT)
    .order_by("at", "pk")
    .values("at")[:1]
)


@dataclass(frozen=True)
class Rates:
    """Completeness and timeliness of a group of expected submissions."""

    expected: int
    approved: int
    submitted_on_time: int
    approved_on_time: int
    overdue: int
    expected_cells: int
    filled_cells: int
    historical: int = 0
    late: int = 0

    @property
    def completeness(self) -> float:
        """Share of expected cells holding an approved value."""
        return 1.0 if self.expected_cells == 0 else self.filled_cells / self.expected_cells


def rates(items: list[BodyMonth]) -> Rates:
    """Sum up a group of body-months."""
    return Rates(
        expected=len(items),
        approved=sum(1 for i in items if i.status in SIGNED_STATUSES),
        submitted_on_time=sum(1 for i in items if i.submitted_on_time),
        approved_on_time=sum(1 for i in items if i.approved_on_time),
        overdue=sum(1 for i in items if i.overdue),
        expected_cells=sum(i.expected_cells for i in items),
        filled_cells=sum(i.filled_cells for i in items),
        historical=sum(1 for i in items if i.historical),
        late=sum(1 for i in items if i.late),
    )


def by_body_and_quarter(items: list[BodyMonth]) -> dict[tuple[str, str], Rates]:
    """Rates per (body code, quarter)."""
    groups: dict[tuple[str, str], list[BodyMonth]] = {}
    for item in items:
        groups.setdefault((item.body.code, periods.quarter_of(item.month)), []).append(item)
    return {key: rates(group) for key, group in sorted(groups.items())}


def overdue(*, now: dt.datetime | None = None, months: list[str] | None = None) -> list[BodyMonth]:
    """Expected submissions past their deadline without an approved version (last 12 months by default)."""
    now = now or timezone.now()
    if months is None:
        last = periods.previous_month(
            periods.month_text(
                now.astimezone(deadlines.local_zone()).year,
                now.astimezone(deadlines.local_zone()).month,
            )
        )
        months = periods.month_range(periods.month_text(int(last[:4]) - 1, int(last[5:])), last)[1:]
    return [item for item in body_months(months, now=now) if item.overdue]


def due_month(now: dt.datetime) -> str:
    """The month whose figures are being collected at `now`: the previous calendar month, local time."""
    local = now.astimezone(deadlines.local_zone())
    return periods.previous_month(periods.month_text(local.year, local.month))


def reminders_for(user_id: int) -> QuerySet[Reminder]:
    """A person's in-app reminders, newest first."""
    return Reminder.objects.filter(user_id=user_id).select_related("body")[:20]
