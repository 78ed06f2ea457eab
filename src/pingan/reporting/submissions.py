"""Submissions of monthly reporting: lookups, opening drafts and corrections, and the sign-off steps.

Each public function checks permission, writes and appends its audit record in one transaction.
Transitions compare-and-set the status, so of two concurrent signers exactly one succeeds.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core import events, periods
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require, require_body
from pingan.core.problems import Conflict, InputRefused, Problem
from pingan.reporting import deadlines
from pingan.reporting.cells import Catalogue, UnitInfo, load_catalogue
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
from pingan.reporting.naming import Names, cell_name
from pingan.schemes.models import ReportingBody, SchemeVersion
from pingan.schemes.selectors import current_version

# The audit event of each step of the workflow (_move).
STEP_EVENTS: dict[str, Event] = {
    Step.SUBMIT: Event.REPORTING_SUBMISSION_SUBMIT,
    Step.REVIEW: Event.REPORTING_SUBMISSION_REVIEW,
    Step.APPROVE: Event.REPORTING_SUBMISSION_APPROVE,
    Step.RECEIVE: Event.REPORTING_SUBMISSION_RECEIVE,
    Step.RETURN: Event.REPORTING_SUBMISSION_RETURN,
    Step.WITHDRAW: Event.REPORTING_SUBMISSION_WITHDRAW,
}


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


def next_number(body_id: int, month: str) -> int:
    """The number the next version of a body × month gets (1 for the first)."""
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


def log_step(
    submission: Submission,
    step: str,
    actor: Actor,
    *,
    before: str = "",
    after: str = "",
    reason: str = "",
    at: dt.datetime | None = None,
) -> None:
    """Append a step to the submission's own log (the sign-off history shown with it)."""
    SubmissionEvent.objects.create(
        submission=submission,
        step=step,
        from_status=before,
        to_status=after,
        actor=actor.user,
        at=at or timezone.now(),
        reason=reason,
    )


def audit_submission(actor: Actor, event: Event, submission: Submission, **detail: object) -> None:
    """Append the audit record of a reporting write, naming the body, month and version."""
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


def missing_cells(submission: Submission, catalogue: Catalogue) -> list[tuple[UnitInfo, str]]:
    """Expected (unit, indicator) cells of the submission that hold no value."""
    filled = set(submission.figures.values_list("unit_id", "indicator_code"))
    return [
        (u, c)
        for u, c in catalogue.expected_cells(submission.body_id, submission.month)
        if (u.id, c) not in filled
    ]


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
            number=next_number(body_id, month),
            scheme_version=version,
            created_by=actor.user,
        )
        log_step(submission, Step.CREATE, actor, after=Status.DRAFT)
        audit_submission(actor, Event.REPORTING_SUBMISSION_CREATE, submission)
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
            number=next_number(body_id, month),
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
        log_step(submission, Step.CREATE, actor, after=Status.DRAFT, reason=reason)
        audit_submission(
            actor, Event.REPORTING_SUBMISSION_CORRECT, submission, supersedes=current.pk
        )
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
    if not deadlines.has_ended(month, now):
        raise InputRefused(
            [Problem(None, "month", _("%(month)s has not ended yet") % {"month": month})]
        )


def submit(*, actor: Actor, submission_id: int) -> Submission:
    """Clerk: draft → submitted, once every expected cell holds a value (a correction must change one)."""
    submission = get_submission(actor=actor, action="reporting.fill", submission_id=submission_id)
    catalogue = load_catalogue(submission.scheme_version)
    with transaction.atomic():
        if submission.status == Status.DRAFT:
            _check_complete(submission, catalogue)
        return _move(actor, submission, Step.SUBMIT, Status.DRAFT, Status.SUBMITTED)


def check_ready(*, actor: Actor, submission_id: int) -> None:
    """Refuse (InputRefused, each cell named) unless the draft could be submitted now; writes nothing."""
    submission = get_submission(actor=actor, action="reporting.fill", submission_id=submission_id)
    _check_complete(submission, load_catalogue(submission.scheme_version))


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


def withdraw(*, actor: Actor, submission_id: int, reason: str = "") -> Submission:
    """Clerk: take a submitted batch back to draft, as long as review has not started (submitted → draft)."""
    submission = get_submission(actor=actor, action="reporting.fill", submission_id=submission_id)
    with transaction.atomic():
        return _move(
            actor, submission, Step.WITHDRAW, Status.SUBMITTED, Status.DRAFT, reason=reason.strip()
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
    if step in (Step.RETURN, Step.WITHDRAW):
        updates |= {
            "returned_reason": reason if step == Step.RETURN else "",
            "submitted_by": None,
            "submitted_at": None,
            "reviewed_by": None,
            "reviewed_at": None,
        }
    if Submission.objects.filter(pk=submission.pk, status=status).update(**updates) != 1:
        raise Conflict(_("The submission was changed by someone else meanwhile; reload it."))
    submission.refresh_from_db()
    log_step(submission, step, actor, before=status, after=target, reason=reason, at=now)
    audit_submission(
        actor,
        STEP_EVENTS[step],
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
    """Refuse submitting while a cell is missing or holds refused text, naming each cell by name."""
    names = Names.load()
    refused = {
        (u, c): t
        for u, c, t in submission.draft_entries.values_list("unit__code", "indicator_code", "text")
    }
    problems = []
    for unit, code in missing_cells(submission, catalogue):
        cell = cell_name(names, unit.code, code)
        if (unit.code, code) in refused:
            text = _("%(cell)s: “%(text)s” is not a whole number ≥ 0") % {
                "cell": cell,
                "text": refused[(unit.code, code)],
            }
        else:
            text = _("%(cell)s: no value") % {"cell": cell}
        problems.append(Problem(None, None, text))
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
        log_step(previous, Step.SUPERSEDE, actor, reason=submission.reason, at=now)
        audit_submission(actor, Event.REPORTING_SUBMISSION_SUPERSEDE, previous, by=submission.pk)
    Submission.objects.filter(pk=submission.pk).update(is_current=True)
    submission.is_current = True
    events.publish(
        events.FIGURES_CHANGED,
        months=[submission.month],
        reason="reporting.%s:%s" % (reason, submission.pk),
    )
