"""Every write of monthly reporting: drafts, cells, the sign-off state machine, corrections, imports.

Each public function checks permission, writes and appends its audit record in one transaction.
Transitions compare-and-set the status, so of two concurrent signers exactly one succeeds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, count
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Max, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.accounts.actor import Actor
from pingan.accounts.permissions import require, require_body
from pingan.audit.services import record_event
from pingan.core import events
from pingan.core.problems import Conflict, InputRefused, Problem
from pingan.core.tabular import check_header, iter_records
from pingan.reporting import periods
from pingan.reporting.cells import (
    Catalogue,
    Cell,
    Checked,
    Columns,
    Record,
    UnitInfo,
    check_lines,
    check_records,
    load_catalogue,
)
from pingan.reporting.models import (
    OPEN_STATUSES,
    SIGNING_STEPS,
    Figure,
    Kind,
    Status,
    Step,
    Submission,
    SubmissionEvent,
)
from pingan.schemes.models import ReportingBody, SchemeVersion
from pingan.schemes.selectors import current_version

FIGURE_COLUMNS = ["unit_code", "indicator_code", "period", "value"]


@dataclass
class CellsSummary:
    """What writing cells did (or, in a dry run, would do)."""

    created: int = 0
    updated: int = 0
    cleared: int = 0
    unchanged: int = 0
    dry_run: bool = False
    missing: int = 0


@dataclass
class FiguresImportSummary:
    """What `figures import` did (or would do) per body × month."""

    rows: int = 0
    drafts: int = 0
    approved: int = 0
    corrections: int = 0
    unchanged: int = 0
    dry_run: bool = False
    submission_ids: list[int] = field(default_factory=list)
    superseded_ids: list[int] = field(default_factory=list)


# ---------------------------------------------------------------- lookups


def catalogue_for(version: SchemeVersion | None = None) -> Catalogue:
    """The lookups of a scheme version (the current one by default); refused when no scheme is loaded."""
    version = version or current_version()
    if version is None:
        raise InputRefused([Problem(None, None, _("no evaluation scheme is loaded"))])
    return load_catalogue(version)


def get_submission(*, actor: Actor, action: str, submission_id: int) -> Submission:
    """The submission, once the actor may do `action` on its body (permission first, then lookup)."""
    require(actor, action)
    submission = (
        Submission.objects.select_related("body", "scheme_version").filter(pk=submission_id).first()
    )
    if submission is None:
        raise Http404(_("No such submission."))
    require_body(actor, action, submission.body_id)
    return submission


def _next_number(body_id: int, month: str) -> int:
    top = Submission.objects.filter(body_id=body_id, month=month).aggregate(top=Max("number"))[
        "top"
    ]
    return (top or 0) + 1


def _lock_body(body_id: int) -> None:
    """Serialise opening workflows of one body (PostgreSQL row lock; SQLite writers queue anyway).

    Without it two clerks opening a draft or a correction at the same moment both pass the
    "none open" check and the second insert breaks the one-open-submission constraint.
    """
    list(ReportingBody.objects.select_for_update().filter(pk=body_id).values_list("pk", flat=True))


def _current(body_id: int, month: str) -> Submission | None:
    return Submission.objects.filter(body_id=body_id, month=month, is_current=True).first()


def _log(
    submission: Submission,
    step: str,
    actor: Actor,
    *,
    before: str = "",
    after: str = "",
    reason: str = "",
    at: dt.datetime | None = None,
) -> None:
    SubmissionEvent.objects.create(
        submission=submission,
        step=step,
        from_status=before,
        to_status=after,
        actor=actor.user,
        at=at or timezone.now(),
        reason=reason,
    )


def _audit(actor: Actor, event: str, submission: Submission, **detail: object) -> None:
    record_event(
        actor=actor,
        event=event,
        obj=submission,
        detail={
            "body": submission.body_id,
            "month": submission.month,
            "version": submission.number,
            **detail,
        },
    )


# ---------------------------------------------------------------- drafts and corrections


def create_submission(
    *, actor: Actor, body_id: int, month: str, now: dt.datetime | None = None
) -> Submission:
    """Open the regular draft of a body for a month that has ended; returns the open one if it exists."""
    require_body(actor, "reporting.fill", body_id)
    now = now or timezone.now()
    _check_month_reportable(month, now)
    body = ReportingBody.objects.filter(pk=body_id).first()
    if body is None:
        raise InputRefused([Problem(None, "body", _("unknown reporting body"))])
    with transaction.atomic():
        _lock_body(body_id)
        existing = Submission.objects.filter(
            body_id=body_id, month=month, status__in=OPEN_STATUSES
        ).first()
        if existing is not None:
            return existing
        if _current(body_id, month) is not None:
            raise Conflict(
                _(
                    "The figures of %(body)s for %(month)s are approved; start a correction to change them."
                )
                % {"body": body.code, "month": month}
            )
        version = catalogue_for().version
        submission = Submission.objects.create(
            body=body,
            month=month,
            number=_next_number(body_id, month),
            scheme_version=version,
            created_by=actor.user,
        )
        _log(submission, Step.CREATE, actor, after=Status.DRAFT)
        _audit(actor, "reporting.create", submission)
    return submission


def start_correction(*, actor: Actor, body_id: int, month: str, reason: str) -> Submission:
    """Open a correction: a new version of an approved body × month, holding a copy of its cells."""
    require_body(actor, "reporting.fill", body_id)
    reason = reason.strip()
    if not reason:
        raise InputRefused([Problem(None, "reason", _("a correction needs a reason"))])
    with transaction.atomic():
        _lock_body(body_id)
        current = _current(body_id, month)
        if current is None:
            raise Conflict(_("There is no approved version to correct."))
        if Submission.objects.filter(
            body_id=body_id, month=month, status__in=OPEN_STATUSES
        ).exists():
            raise Conflict(_("A submission for this body and month is already open."))
        submission = Submission.objects.create(
            body_id=body_id,
            month=month,
            number=_next_number(body_id, month),
            scheme_version=current.scheme_version,
            kind=Kind.CORRECTION,
            reason=reason,
            supersedes=current,
            created_by=actor.user,
        )
        Figure.objects.bulk_create(
            Figure(
                submission=submission,
                unit_id=f.unit_id,
                indicator_code=f.indicator_code,
                value=f.value,
            )
            for f in current.figures.all()
        )
        _log(submission, Step.CREATE, actor, after=Status.DRAFT, reason=reason)
        _audit(actor, "reporting.correction", submission, supersedes=current.pk)
    return submission


def _check_month_reportable(month: str, now: dt.datetime) -> None:
    if periods.parse_month(month) is None:
        raise InputRefused(
            [
                Problem(
                    None,
                    "month",
                    _("%(value)s is not a month in the form YYYY-MM") % {"value": month},
                )
            ]
        )
    if not periods.has_ended(month, now):
        raise InputRefused(
            [Problem(None, "month", _("%(month)s has not ended yet") % {"month": month})]
        )


# ---------------------------------------------------------------- cells


def put_cells(
    *,
    actor: Actor,
    submission_id: int,
    records: Iterable[Record],
    columns: Columns | None = None,
    dry_run: bool = False,
) -> CellsSummary:
    """Write cells of a draft (an empty value clears a cell). All are checked first; nothing is written unless all are valid."""
    submission = get_submission(actor=actor, action="reporting.fill", submission_id=submission_id)
    _require_draft(submission)
    catalogue = load_catalogue(submission.scheme_version)
    checked = check_records(
        records,
        catalogue=catalogue,
        now=timezone.now(),
        columns=columns or Columns(),
        body_id=submission.body_id,
        month=submission.month,
    )
    _refuse_problems(checked)
    cells = checked.groups.get((submission.body_id, submission.month), [])
    summary = CellsSummary(dry_run=dry_run)
    with transaction.atomic():
        locked = (
            Submission.objects.filter(pk=submission.pk, status=Status.DRAFT)
            .select_for_update()
            .first()
        )
        if locked is None:
            raise Conflict(_("The submission is no longer a draft."))
        _write_cells(submission, cells, summary)
        summary.missing = len(missing_cells(submission, catalogue))
        _audit(
            actor,
            "reporting.cells",
            submission,
            created=summary.created,
            updated=summary.updated,
            cleared=summary.cleared,
            dry_run=dry_run,
        )
        if dry_run:
            transaction.set_rollback(True)
    return summary


def fill_zeros(*, actor: Actor, submission_id: int) -> CellsSummary:
    """ "No incidents": give every missing cell of a draft an explicit 0."""
    submission = get_submission(actor=actor, action="reporting.fill", submission_id=submission_id)
    _require_draft(submission)
    catalogue = load_catalogue(submission.scheme_version)
    records = [
        (None, unit.code, code, submission.month, 0)
        for unit, code in missing_cells(submission, catalogue)
    ]
    return put_cells(actor=actor, submission_id=submission_id, records=records)


def missing_cells(submission: Submission, catalogue: Catalogue) -> list[tuple[UnitInfo, str]]:
    """Expected (unit, indicator) cells of the submission that hold no value."""
    filled = set(submission.figures.values_list("unit_id", "indicator_code"))
    return [
        (u, c)
        for u, c in catalogue.expected_cells(submission.body_id, submission.month)
        if (u.id, c) not in filled
    ]


def _require_draft(submission: Submission) -> None:
    if submission.status != Status.DRAFT:
        raise Conflict(
            _("Only a draft can be edited; this submission is %(status)s.")
            % {"status": submission.get_status_display()}
        )


def _refuse_problems(checked: Checked) -> None:
    if checked.problems:
        raise InputRefused(sorted(checked.problems, key=lambda p: (p.row or 0, p.column or "")))


def _write_cells(submission: Submission, cells: list[Cell], summary: CellsSummary) -> None:
    existing = {(f.unit_id, f.indicator_code): f for f in submission.figures.all()}
    before = {}
    if submission.supersedes_id:
        before = {
            (u, c): v
            for u, c, v in Figure.objects.filter(
                submission_id=submission.supersedes_id
            ).values_list("unit_id", "indicator_code", "value")
        }
    creates = []
    for unit_id, code, value in cells:
        figure = existing.get((unit_id, code))
        changed = bool(submission.supersedes_id) and before.get((unit_id, code)) != value
        if value is None:
            if figure is None:
                summary.unchanged += 1
            else:
                figure.delete()
                summary.cleared += 1
        elif figure is None:
            creates.append(
                Figure(
                    submission=submission,
                    unit_id=unit_id,
                    indicator_code=code,
                    value=value,
                    changed=changed,
                )
            )
            summary.created += 1
        elif figure.value != value or figure.changed != changed:
            Figure.objects.filter(pk=figure.pk).update(value=value, changed=changed)
            summary.updated += 1
        else:
            summary.unchanged += 1
    Figure.objects.bulk_create(creates, batch_size=2000)


# ---------------------------------------------------------------- the state machine


def submit(*, actor: Actor, submission_id: int) -> Submission:
    """Clerk: draft → submitted, once every expected cell holds a value (a correction must change one)."""
    submission = get_submission(actor=actor, action="reporting.fill", submission_id=submission_id)
    catalogue = load_catalogue(submission.scheme_version)
    with transaction.atomic():
        if submission.status == Status.DRAFT:
            _check_complete(submission, catalogue)
        return _move(actor, submission, Step.SUBMIT, Status.DRAFT, Status.SUBMITTED)


def review(*, actor: Actor, submission_id: int) -> Submission:
    """Reviewing deputy head (分管领导): submitted → reviewed."""
    submission = get_submission(actor=actor, action="reporting.review", submission_id=submission_id)
    with transaction.atomic():
        return _move(actor, submission, Step.REVIEW, Status.SUBMITTED, Status.REVIEWED)


def approve(*, actor: Actor, submission_id: int) -> Submission:
    """Approving head (主要领导): reviewed → approved. Locks the figures and supersedes the previous version."""
    submission = get_submission(
        actor=actor, action="reporting.approve", submission_id=submission_id
    )
    with transaction.atomic():
        moved = _move(actor, submission, Step.APPROVE, Status.REVIEWED, Status.APPROVED)
        _make_current(actor, moved, reason="approval")
        return moved


def receive(*, actor: Actor, submission_id: int) -> Submission:
    """Stability office: approved → received."""
    submission = get_submission(
        actor=actor, action="reporting.receive", submission_id=submission_id
    )
    with transaction.atomic():
        return _move(actor, submission, Step.RECEIVE, Status.APPROVED, Status.RECEIVED)


def return_submission(*, actor: Actor, submission_id: int, reason: str) -> Submission:
    """A signer sends a submitted or reviewed submission back to draft, with a reason.

    Approved figures are immutable, so an approved submission cannot be returned; it is
    changed by a correction instead.
    """
    submission = get_submission(actor=actor, action="reporting.return", submission_id=submission_id)
    reason = reason.strip()
    if not reason:
        raise InputRefused([Problem(None, "reason", _("a return needs a reason"))])
    with transaction.atomic():
        return _move(
            actor,
            submission,
            Step.RETURN,
            (Status.SUBMITTED, Status.REVIEWED),
            Status.DRAFT,
            reason=reason,
        )


STEP_FIELDS: dict[str, tuple[str, str]] = {
    Step.SUBMIT: ("submitted_by", "submitted_at"),
    Step.REVIEW: ("reviewed_by", "reviewed_at"),
    Step.APPROVE: ("approved_by", "approved_at"),
    Step.RECEIVE: ("received_by", "received_at"),
}


def _move(
    actor: Actor,
    submission: Submission,
    step: str,
    source: str | tuple[str, ...],
    target: str,
    *,
    reason: str = "",
) -> Submission:
    """Compare-and-set the status from `source` to `target`; Conflict when another signer got there first."""
    sources = (source,) if isinstance(source, str) else source
    status = Submission.objects.filter(pk=submission.pk).values_list("status", flat=True).first()
    if status not in sources:
        raise Conflict(
            _("The submission is %(status)s; it cannot be %(step)s now.")
            % {"status": Status(status).label if status else "-", "step": Step(step).label}
        )
    if step in SIGNING_STEPS:
        _check_four_eyes(actor, submission, step)
    now = timezone.now()
    updates: dict[str, object] = {"status": target}
    if step in STEP_FIELDS:
        by, at = STEP_FIELDS[step]
        updates |= {by: actor.user, at: now}
    if step == Step.RETURN:
        updates |= {
            "returned_reason": reason,
            "submitted_by": None,
            "submitted_at": None,
            "reviewed_by": None,
            "reviewed_at": None,
        }
    if Submission.objects.filter(pk=submission.pk, status=status).update(**updates) != 1:
        raise Conflict(_("The submission was changed by someone else meanwhile; reload it."))
    submission.refresh_from_db()
    _log(submission, step, actor, before=status, after=target, reason=reason, at=now)
    _audit(
        actor,
        "reporting." + step,
        submission,
        before=status,
        after=target,
        **({"reason": reason} if reason else {}),
    )
    return submission


def _check_four_eyes(actor: Actor, submission: Submission, step: str) -> None:
    """No person signs two steps of the same submission (in any round); the submitter signs no other step."""
    if actor.user is None:
        return
    signed = set(
        SubmissionEvent.objects.filter(
            submission=submission, actor=actor.user, step__in=SIGNING_STEPS
        ).values_list("step", flat=True)
    )
    if signed - {step}:
        raise PermissionDenied(
            _("Four-eyes rule: you already signed this submission (%(steps)s).")
            % {"steps": ", ".join(str(Step(s).label) for s in sorted(signed))}
        )


def _check_complete(submission: Submission, catalogue: Catalogue) -> None:
    missing = missing_cells(submission, catalogue)
    problems = [
        Problem(
            None,
            code,
            _("no value for unit %(unit)s, indicator %(code)s") % {"unit": unit.code, "code": code},
        )
        for unit, code in missing
    ]
    if submission.kind == Kind.CORRECTION and not submission.figures.filter(changed=True).exists():
        problems.append(Problem(None, None, _("the correction changes no cell")))
    if problems:
        raise InputRefused(problems)


def _make_current(actor: Actor, submission: Submission, *, reason: str) -> None:
    """Lock the figures of a just-approved version, supersede the previous one, and tell scoring."""
    Figure.objects.filter(submission=submission, is_locked=False).update(is_locked=True)
    now = timezone.now()
    previous = (
        Submission.objects.filter(
            body_id=submission.body_id, month=submission.month, is_current=True
        )
        .exclude(pk=submission.pk)
        .first()
    )
    if previous is not None:
        Submission.objects.filter(pk=previous.pk).update(is_current=False, superseded_at=now)
        _log(previous, Step.SUPERSEDE, actor, reason=submission.reason, at=now)
        _audit(actor, "reporting.supersede", previous, by=submission.pk)
    Submission.objects.filter(pk=submission.pk).update(is_current=True)
    submission.is_current = True
    events.publish(
        events.FIGURES_CHANGED,
        months=[submission.month],
        reason="reporting.%s:%s" % (reason, submission.pk),
    )


# ---------------------------------------------------------------- the figures file (CLI import)


def figure_lines(data: bytes) -> Iterable[tuple[int | None, Sequence[Any]]]:
    """The lines of a figures file (`unit_code,indicator_code,period,value`; CSV or XLSX) as (line, cells).

    A file with the columns in that order is streamed straight from the reader; otherwise each
    line's cells are put in that order first.
    """
    records = iter_records(data)
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(records)]
    except StopIteration:
        raise InputRefused([Problem(None, None, _("the file is empty"))]) from None
    while header and not header[-1]:
        header.pop()
    check_header(header, required=FIGURE_COLUMNS, allowed=FIGURE_COLUMNS)
    order = [header.index(c) for c in FIGURE_COLUMNS]
    if order == [0, 1, 2, 3]:
        return zip(count(2), records)
    return ((line, _reordered(record, order)) for line, record in zip(count(2), records))


def _reordered(record: list[str], order: list[int]) -> list[str]:
    record = record + [""] * (max(order) + 1 - len(record))
    return [record[i] for i in order]


def figure_records(data: bytes) -> list[Record]:
    """The records `(line, unit_code, indicator_code, period, value)` of a figures file, blank lines left out."""
    records: list[Record] = []
    for line, cells in figure_lines(data):
        padded = [*cells, "", "", "", ""][:4]
        if any(str(c).strip() for c in padded):
            records.append((line, str(padded[0]), str(padded[1]), str(padded[2]), padded[3]))
    return records


def import_figures(
    *,
    actor: Actor,
    data: bytes,
    dry_run: bool = False,
    approve: bool = False,
    reason: str = "",
    now: dt.datetime | None = None,
) -> FiguresImportSummary:
    """Import a figures file in one audited transaction.

    Without `approve`: create or update the draft of each body × month in the file. With
    `approve` (historical load): each body × month becomes an approved version signed by the
    actor, or a correction superseding the approved version when its values differ.
    """
    require(actor, "figures.import")
    reason = reason.strip()
    if approve and not reason:
        raise InputRefused(
            [Problem(None, "reason", _("an approved historical load needs --reason"))]
        )
    now = now or timezone.now()
    catalogue = catalogue_for()
    state = _period_states()
    check = _approved_load_check(state, now) if approve else _draft_load_check(state, now)
    checked = check_lines(figure_lines(data), catalogue=catalogue, now=now, period_check=check)
    if checked.rows == 0:
        checked.problems.append(Problem(None, None, _("the file has no data rows")))
    _refuse_problems(checked)
    summary = FiguresImportSummary(rows=checked.rows, dry_run=dry_run)
    with _large_cache(), transaction.atomic():
        versions = _versions_of(checked.groups)
        for (body_id, month), cells in sorted(
            checked.groups.items(), key=lambda item: (item[0][1], catalogue.body_codes[item[0][0]])
        ):
            if approve:
                _load_approved(
                    actor,
                    catalogue,
                    versions.get((body_id, month)),
                    body_id,
                    month,
                    cells,
                    reason,
                    now,
                    summary,
                )
            else:
                _load_draft(actor, catalogue, body_id, month, cells, summary)
        months = sorted({month for _body, month in checked.groups})
        if approve and (summary.approved or summary.corrections):
            events.publish(events.FIGURES_CHANGED, months=months, reason="figures.import")
        record_event(
            actor=actor,
            event="figures.import",
            object_type="reporting.submission",
            outcome="dry_run" if dry_run else "success",
            detail={
                "rows": summary.rows,
                "approve": approve,
                "reason": reason,
                "drafts": summary.drafts,
                "approved": summary.approved,
                "corrections": summary.corrections,
                "unchanged": summary.unchanged,
                "submissions": summary.submission_ids,
                "superseded": summary.superseded_ids,
            },
        )
        if dry_run:
            transaction.set_rollback(True)
    return summary


@contextlib.contextmanager
def _large_cache() -> Iterator[None]:
    """On SQLite, let the page cache hold a large load (256 MB) so index pages are not spilled mid-transaction."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = %d" % int(previous))


def _period_states() -> dict[tuple[int, str], str]:
    """(body_id, month) → "approved" or the open status, for every body × month with a submission."""
    states: dict[tuple[int, str], str] = {}
    for body_id, month, status, current in Submission.objects.filter(
        models_open_or_current()
    ).values_list("body_id", "month", "status", "is_current"):
        key = (body_id, month)
        if status in OPEN_STATUSES:
            states[key] = status
        elif current and key not in states:
            states[key] = "approved"
    return states


def models_open_or_current() -> Q:
    """The filter of submissions that are open or current."""

    return Q(status__in=OPEN_STATUSES) | Q(is_current=True)


def _draft_load_check(state: dict[tuple[int, str], str], now: dt.datetime):  # type: ignore[no-untyped-def]
    def check(body_id: int, month: str) -> str | None:
        if not periods.has_ended(month, now):
            return _("%(month)s has not ended yet") % {"month": month}
        status = state.get((body_id, month))
        if status == "approved":
            return _(
                "the figures of this body for %(month)s are approved; change them by a correction"
            ) % {"month": month}
        if status in (Status.SUBMITTED, Status.REVIEWED):
            return _("the submission of this body for %(month)s is being signed off") % {
                "month": month
            }
        return None

    return check


def _approved_load_check(state: dict[tuple[int, str], str], now: dt.datetime):  # type: ignore[no-untyped-def]
    def check(body_id: int, month: str) -> str | None:
        if not periods.has_ended(month, now):
            return _("%(month)s has not ended yet") % {"month": month}
        if state.get((body_id, month), "approved") != "approved":
            return _(
                "a submission of this body for %(month)s is open; finish or return it first"
            ) % {"month": month}
        return None

    return check


def _load_draft(
    actor: Actor,
    catalogue: Catalogue,
    body_id: int,
    month: str,
    cells: list[Cell],
    summary: FiguresImportSummary,
) -> None:
    submission = Submission.objects.filter(
        body_id=body_id, month=month, status=Status.DRAFT
    ).first()
    if submission is None:
        submission = Submission.objects.create(
            body_id=body_id,
            month=month,
            number=_next_number(body_id, month),
            scheme_version=catalogue.version,
            created_by=actor.user,
        )
        _log(submission, Step.CREATE, actor, after=Status.DRAFT)
    _write_cells(submission, cells, CellsSummary())
    _audit(actor, "reporting.cells", submission, source="figures.import", cells=len(cells))
    summary.drafts += 1
    summary.submission_ids.append(submission.pk)


def _versions_of(
    groups: dict[tuple[int, str], list[Cell]],
) -> dict[tuple[int, str], tuple[int, Submission | None]]:
    """(body_id, month) → (highest version number, current approved version) for the groups of a file, in two queries."""
    months = sorted({month for _body, month in groups})
    top: dict[tuple[int, str], int] = {}
    for body_id, month, number in Submission.objects.filter(month__in=months).values_list(
        "body_id", "month", "number"
    ):
        top[(body_id, month)] = max(number, top.get((body_id, month), 0))
    current = {
        (s.body_id, s.month): s
        for s in Submission.objects.filter(month__in=months, is_current=True).order_by()
    }
    return {key: (number, current.get(key)) for key, number in top.items()}


def _load_approved(
    actor: Actor,
    catalogue: Catalogue,
    versions: tuple[int, Submission | None] | None,
    body_id: int,
    month: str,
    cells: list[Cell],
    reason: str,
    now: dt.datetime,
    summary: FiguresImportSummary,
) -> None:
    top, current = versions or (0, None)
    new_cells = [cell for cell in cells if cell[2] is not None]
    changed: set[tuple[int, str]] = set()
    if current is not None:
        before = {
            (u, c): v
            for u, c, v in current.figures.values_list("unit_id", "indicator_code", "value")
        }
        changed = {(u, c) for u, c, v in new_cells if before.get((u, c)) != v}
        if not changed:
            summary.unchanged += 1
            return
        merged = {**before, **{(u, c): v for u, c, v in new_cells}}
        new_cells = [(u, c, v) for (u, c), v in merged.items()]
    submission = Submission.objects.create(
        body_id=body_id,
        month=month,
        number=top + 1,
        scheme_version=catalogue.version,
        status=Status.APPROVED,
        kind=Kind.HISTORICAL if current is None else Kind.CORRECTION,
        reason=reason,
        supersedes=current,
        created_by=actor.user,
        approved_by=actor.user,
        approved_at=now,
    )
    _log(submission, Step.CREATE, actor, after=Status.APPROVED, reason=reason, at=now)
    _log(
        submission,
        Step.APPROVE,
        actor,
        before=Status.APPROVED,
        after=Status.APPROVED,
        reason=reason,
        at=now,
    )
    insert_locked_figures(submission.pk, new_cells, changed)
    if current is not None:
        Submission.objects.filter(pk=current.pk).update(is_current=False, superseded_at=now)
        _log(current, Step.SUPERSEDE, actor, reason=reason, at=now)
        summary.corrections += 1
        summary.superseded_ids.append(current.pk)
    else:
        summary.approved += 1
    Submission.objects.filter(pk=submission.pk).update(is_current=True)
    summary.submission_ids.append(submission.pk)


ROWS_PER_INSERT = 500


def insert_locked_figures(
    submission_id: int, cells: list[Cell], changed: set[tuple[int, str]]
) -> None:
    """Insert approved (locked) figure rows fast: multi-row INSERTs on SQLite, COPY on PostgreSQL.

    `changed` names the cells a correction changes. Cells come from `check_records`, so unit ids
    are integers and indicator codes are scheme codes (letters, digits and underscores).
    """
    table = Figure._meta.db_table
    columns = "submission_id, unit_id, indicator_code, value, changed, is_locked"
    if connection.vendor == "postgresql":
        _copy_rows(
            table, columns, int(submission_id), [(u, c, v, (u, c) in changed) for u, c, v in cells]
        )
        return
    raw = connection.connection.cursor()
    if changed:
        one = "(%d, ?, ?, ?, ?, 1)" % int(submission_id)
        flat: list[object] = list(
            chain.from_iterable((u, c, v, (u, c) in changed) for u, c, v in cells)
        )
        width = 4
    else:
        one = "(%d, ?, ?, ?, 0, 1)" % int(submission_id)
        flat = list(chain.from_iterable(cells))
        width = 3
    step = ROWS_PER_INSERT * width
    full = "INSERT INTO %s (%s) VALUES %s" % (table, columns, ", ".join([one] * ROWS_PER_INSERT))  # noqa: S608 - constant names, an integer id
    for start in range(0, len(flat), step):
        chunk = flat[start : start + step]
        if len(chunk) == step:
            raw.execute(full, chunk)
        else:
            rest = ", ".join([one] * (len(chunk) // width))
            raw.execute("INSERT INTO %s (%s) VALUES %s" % (table, columns, rest), chunk)  # noqa: S608 - constant names, an integer id


def _copy_rows(
    table: str, columns: str, submission_id: int, rows: list[tuple[int, str, int | None, bool]]
) -> None:
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy("COPY %s (%s) FROM STDIN" % (table, columns)) as copy,
    ):
        for start in range(0, len(rows), 10000):
            copy.write(
                "".join(
                    "%d\t%d\t%s\t%s\t%s\tt\n" % (submission_id, u, c, v, "t" if ch else "f")
                    for u, c, v, ch in rows[start : start + 10000]
                )
            )


# ---------------------------------------------------------------- export


def export_figures(*, actor: Actor, first: str, last: str, fmt: str) -> bytes:
    """The current approved figures of months `first`..`last` as CSV, XLSX or JSON bytes (audited)."""
    from pingan.core.exports import rows_to_bytes
    from pingan.reporting.selectors import export_rows

    rows = export_rows(actor=actor, first=first, last=last)
    data = rows_to_bytes(rows, FIGURE_COLUMNS, fmt)
    with transaction.atomic():
        record_event(
            actor=actor,
            event="figures.export",
            object_type="reporting.figure",
            detail={"from": first, "to": last, "format": fmt, "rows": len(rows)},
        )
    return data


# ---------------------------------------------------------------- reminders

REMIND_DAYS_BEFORE = 3


def send_reminders(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Remind body staff of the month due soon (3 days before the deadline) and everyone concerned once overdue.

    In-app reminders are created once per person, body, month and kind; email goes out too when
    SMTP is configured and the person has an address. Returns the number of new reminders.
    """
    from django.conf import settings
    from django.core.mail import send_mail

    from pingan.accounts.models import RoleAssignment
    from pingan.reporting.models import Reminder
    from pingan.reporting.selectors import body_months, due_month

    require(actor, "reporting.remind")
    now = now or timezone.now()
    month = due_month(now)
    created = 0
    with transaction.atomic():
        for item in body_months([month], now=now):
            if item.status in (Status.APPROVED, Status.RECEIVED):
                continue
            roles: tuple[str, ...]
            if item.overdue:
                kind, roles = "overdue", ("clerk", "reviewer", "approver", "analyst", "office_head")
            elif item.deadline - now <= dt.timedelta(days=REMIND_DAYS_BEFORE):
                kind, roles = "due_soon", ("clerk", "reviewer", "approver")
            else:
                continue
            assignments = RoleAssignment.objects.filter(
                role__in=roles, user__is_active=True
            ).select_related("user")
            users = {a.user for a in assignments if a.body_id in (None, item.body.pk)}
            for user in sorted(users, key=lambda u: u.pk):
                reminder, new = Reminder.objects.get_or_create(
                    user=user, body=item.body, month=month, kind=kind
                )
                if not new:
                    continue
                created += 1
                if settings.EMAIL_HOST and user.email:
                    send_mail(
                        subject=_("pingan: figures of %(body)s for %(month)s")
                        % {"body": item.body.code, "month": month},
                        message=reminder_text(kind, item.body.code, month, item.deadline),
                        from_email=None,
                        recipient_list=[user.email],
                        fail_silently=True,
                    )
                    Reminder.objects.filter(pk=reminder.pk).update(emailed=True)
        record_event(
            actor=actor,
            event="reporting.remind",
            object_type="reporting.reminder",
            detail={"month": month, "created": created},
        )
    return created


def reminder_text(kind: str, body_code: str, month: str, deadline: dt.datetime) -> str:
    """The text of a reminder."""
    day = (deadline - dt.timedelta(seconds=1)).astimezone(periods.local_zone()).date().isoformat()
    if kind == "overdue":
        return _(
            "The figures of %(body)s for %(month)s were due by the end of %(day)s and are not approved yet."
        ) % {
            "body": body_code,
            "month": month,
            "day": day,
        }
    return _("The figures of %(body)s for %(month)s are due by the end of %(day)s.") % {
        "body": body_code,
        "month": month,
        "day": day,
    }
