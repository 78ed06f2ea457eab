"""The matter workflow: an explicit state machine (see `TRANSITIONS`).

Each transition compares and sets the status, so two people acting on the same matter cannot
both succeed; the step, its timeline entry and its audit record are written in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from pingan.accounts.models import RoleAssignment, User
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.access.roles import Role
from pingan.core.problems import Conflict, InputRefused, Problem
from pingan.matters.actions.common import (
    MAX_TEXT,
    current,
    local_date,
    log_step,
    require_handler_of,
    required_reason,
)
from pingan.matters.dispatch_area import may_dispatch_to
from pingan.matters.models import (
    STEP_LABELS,
    Attachment,
    Grade,
    LadderStep,
    Matter,
    Outcome,
    Status,
)
from pingan.matters.selectors import resolve_merged
from pingan.matters.workdays import add_working_days
from pingan.units.models import OrgUnit
from pingan.units.tree import ancestors

S = Status
# The state machine: transition name -> the statuses it may start from, and where it leads.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "dispatch": (frozenset({S.RECEIVED, S.RETURNED}), S.DISPATCHED),
    "redispatch": (frozenset({S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.RETURNED}), S.DISPATCHED),
    "raise_level": (
        frozenset({S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.FEEDBACK, S.RETURNED}),
        S.DISPATCHED,
    ),
    "sign": (frozenset({S.DISPATCHED}), S.SIGNED),
    "start": (frozenset({S.SIGNED}), S.IN_PROGRESS),
    "feedback": (frozenset({S.SIGNED, S.IN_PROGRESS}), S.FEEDBACK),
    "return": (frozenset({S.DISPATCHED, S.SIGNED}), S.RETURNED),
    "accept": (frozenset({S.FEEDBACK}), S.CLOSED),
    "send_back": (frozenset({S.FEEDBACK}), S.IN_PROGRESS),
    "follow_up": (frozenset({S.CLOSED}), S.VISITED),
    "archive": (frozenset({S.VISITED, S.REJECTED, S.MERGED}), S.ARCHIVED),
    "reject": (frozenset({S.RECEIVED, S.RETURNED}), S.REJECTED),
    "merge": (frozenset({S.RECEIVED, S.RETURNED}), S.MERGED),
}


def allowed_transitions(status: str) -> frozenset[str]:
    """The transitions a matter in `status` may take now (pages offer only these)."""
    return frozenset(name for name, (sources, _target) in TRANSITIONS.items() if status in sources)


def _transition(
    actor: Actor,
    matter_id: int,
    name: str,
    *,
    now: dt.datetime,
    note: str = "",
    unit: OrgUnit | None = None,
    **updates: Any,
) -> Matter:
    """Compare-and-set the status along transition `name`, apply `updates`, and log it."""
    sources, target = TRANSITIONS[name]
    matter = Matter.objects.select_related("grade").get(pk=matter_id)
    if matter.status not in sources:
        raise Conflict(
            _("This matter is %(status)s; it cannot be %(action)s now.")
            % {"status": matter.get_status_display(), "action": STEP_LABELS.get(name, name)}
        )
    changed = Matter.objects.filter(pk=matter_id, status=matter.status).update(
        status=target, **updates
    )
    if changed != 1:
        raise Conflict(_("This matter was changed by someone else; reload and try again."))
    from_status = matter.status
    matter.refresh_from_db()
    log_step(actor, matter, name, from_status, target, now=now, note=note, unit=unit)
    return matter


def _check_assignee(
    actor: Actor, unit_id: int, handler_id: int | None
) -> tuple[OrgUnit, User | None]:
    problems = []
    unit = OrgUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        problems.append(Problem(None, "unit", _("unknown unit")))
    elif not may_dispatch_to(actor, unit_id):
        problems.append(
            Problem(
                None, "unit", _("this unit is outside your office's area and the levels above it")
            )
        )
    handler = None
    if handler_id is not None:
        handler = User.objects.filter(pk=handler_id, is_active=True).first()
        scope = {unit_id, *ancestors(unit_id)} if unit else set()
        holds = RoleAssignment.objects.filter(
            user_id=handler_id, role=Role.HANDLER, unit_id__in=scope
        ).exists()
        if handler is None or not holds:
            problems.append(Problem(None, "handler", _("this person is not a handler of the unit")))
    if problems:
        raise InputRefused(problems)
    assert unit is not None
    return unit, handler


def _deadlines(grade: Grade, moment: dt.datetime) -> dict[str, dt.date]:
    start = local_date(moment)
    return {
        "sign_due": add_working_days(start, grade.sign_days),
        "handle_due": add_working_days(start, grade.handle_days),
    }


def _assignment(unit: OrgUnit, handler: Any, grade: Any, now: dt.datetime) -> dict[str, Any]:
    """The fields every (re)assignment sets: unit, handler, a fresh start and fresh deadlines."""
    return {
        "unit": unit,
        "responsible_unit": unit,
        "handler": handler,
        "dispatched_at": now,
        "overdue": False,
        "signed_at": None,
        **_deadlines(grade, now),
    }


def dispatch(
    *,
    actor: Actor,
    matter_id: int,
    unit_id: int,
    handler_id: int | None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Matter:
    """Dispatch (交办) a received or returned matter to a responsible unit and a named handler."""
    require(actor, "matters.dispatch")
    return _assign(actor, matter_id, "dispatch", unit_id, handler_id, note.strip(), current(now))


def redispatch(
    *,
    actor: Actor,
    matter_id: int,
    unit_id: int,
    handler_id: int | None,
    reason: str,
    up_the_ladder: bool = False,
    now: dt.datetime | None = None,
) -> Matter:
    """Re-dispatch (改派) a matter to another unit or handler, with a reason; deadlines restart.

    With `up_the_ladder`, raise it one step up its escalation ladder (提级) and dispatch it to
    the higher level; refused when it is already at the top.
    """
    require(actor, "matters.dispatch")
    reason = required_reason(reason)
    if up_the_ladder:
        return _assign(
            actor, matter_id, "raise_level", unit_id, handler_id, reason, current(now), _one_up
        )
    return _assign(actor, matter_id, "redispatch", unit_id, handler_id, reason, current(now))


def _one_up(matter: Matter) -> dict[str, Any]:
    """The change of a matter raised one step up its ladder; refused at the top."""
    if not LadderStep.objects.filter(ladder=matter.ladder, step=matter.ladder_step + 1).exists():
        raise Conflict(_("This matter is already at the top of its escalation ladder."))
    return {"ladder_step": F("ladder_step") + 1}


def _assign(
    actor: Actor,
    matter_id: int,
    name: str,
    unit_id: int,
    handler_id: int | None,
    note: str,
    now: dt.datetime,
    also: Callable[[Matter], dict[str, Any]] | None = None,
) -> Matter:
    """(Re-)dispatch along transition `name`: checked assignee, fresh start and deadlines.

    `also` checks the matter after the assignee and gives further fields to change.
    """
    unit, handler = _check_assignee(actor, unit_id, handler_id)
    matter = Matter.objects.get(pk=matter_id)
    extra = also(matter) if also is not None else {}
    with transaction.atomic():
        return _transition(
            actor,
            matter_id,
            name,
            now=now,
            note=note,
            **extra,
            **_assignment(unit, handler, matter.grade, now),
        )


def sign_for(*, actor: Actor, matter_id: int, now: dt.datetime | None = None) -> Matter:
    """The handling unit signs for (签收) a dispatched matter."""
    now = current(now)
    require_handler_of(actor, Matter.objects.get(pk=matter_id))
    with transaction.atomic():
        return _transition(actor, matter_id, "sign", now=now, signed_at=now)


def start_work(*, actor: Actor, matter_id: int, now: dt.datetime | None = None) -> Matter:
    """The handler starts work on a signed-for matter."""
    now = current(now)
    require_handler_of(actor, Matter.objects.get(pk=matter_id))
    with transaction.atomic():
        return _transition(actor, matter_id, "start", now=now)


def give_feedback(
    *, actor: Actor, matter_id: int, account: str, outcome: str, now: dt.datetime | None = None
) -> Matter:
    """The handler feeds back (反馈) what was done and the outcome."""
    now = current(now)
    require_handler_of(actor, Matter.objects.get(pk=matter_id))
    problems = []
    account = (account or "").strip()
    if not account:
        problems.append(Problem(None, "account", _("describe what was done")))
    elif len(account) > MAX_TEXT:
        problems.append(Problem(None, "account", _("at most %(n)s characters") % {"n": MAX_TEXT}))
    if outcome not in Outcome.values:
        problems.append(Problem(None, "outcome", _("choose an outcome")))
    if problems:
        raise InputRefused(problems)
    with transaction.atomic():
        return _transition(
            actor,
            matter_id,
            "feedback",
            now=now,
            feedback_text=account,
            outcome=outcome,
            feedback_at=now,
        )


def return_dispatch(
    *, actor: Actor, matter_id: int, reason: str, now: dt.datetime | None = None
) -> Matter:
    """The unit returns a wrongly dispatched matter (退单) to the centre, with a reason."""
    now = current(now)
    matter = Matter.objects.select_related("responsible_unit").get(pk=matter_id)
    require_handler_of(actor, matter)
    reason = required_reason(reason)
    with transaction.atomic():
        return _transition(
            actor,
            matter_id,
            "return",
            now=now,
            note=reason,
            unit=matter.responsible_unit,
            responsible_unit=None,
            handler=None,
            return_count=F("return_count") + 1,
            overdue=False,
        )


def review(
    *, actor: Actor, matter_id: int, accept: bool, note: str = "", now: dt.datetime | None = None
) -> Matter:
    """The centre reviews the feedback: accept closes the matter (办结), otherwise it goes back to the unit."""
    require(actor, "matters.review")
    now = current(now)
    with transaction.atomic():
        if accept:
            return _transition(
                actor, matter_id, "accept", now=now, note=note.strip(), closed_at=now, overdue=False
            )
        return _transition(actor, matter_id, "send_back", now=now, note=required_reason(note))


def follow_up(
    *,
    actor: Actor,
    matter_id: int,
    satisfaction: int | None,
    resolved: bool | None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Matter:
    """Record the follow-up visit (回访): satisfaction 1–5 and whether the matter was resolved.

    Both are chosen by the person recording the visit; neither is assumed.
    """
    require(actor, "matters.review")
    problems = []
    if satisfaction not in (1, 2, 3, 4, 5):
        problems.append(Problem(None, "satisfaction", _("choose a satisfaction from 1 to 5")))
    if resolved is None:
        problems.append(Problem(None, "resolved", _("choose whether the matter was resolved")))
    if problems:
        raise InputRefused(problems)
    now = current(now)
    with transaction.atomic():
        return _transition(
            actor,
            matter_id,
            "follow_up",
            now=now,
            note=note.strip(),
            satisfaction=satisfaction,
            resolved=bool(resolved),
            visited_at=now,
        )


def archive(*, actor: Actor, matter_id: int, now: dt.datetime | None = None) -> Matter:
    """Archive a finished matter; its personal data is erased once the retention period has passed."""
    require(actor, "matters.review")
    now = current(now)
    with transaction.atomic():
        return _transition(actor, matter_id, "archive", now=now, archived_at=now)


def reject(*, actor: Actor, matter_id: int, reason: str, now: dt.datetime | None = None) -> Matter:
    """Reject a matter or refer it out of scope (e.g. to the courts or formal petitions), with a reason."""
    require(actor, "matters.dispatch")
    reason, now = required_reason(reason), current(now)
    with transaction.atomic():
        return _transition(actor, matter_id, "reject", now=now, note=reason, reject_reason=reason)


def merge(
    *,
    actor: Actor,
    matter_id: int,
    original_number: str,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Matter:
    """Merge a duplicate (并单) into the original matter; its attachments and later notes go there."""
    require(actor, "matters.dispatch")
    now = current(now)
    original = Matter.objects.filter(number=original_number.strip()).first()
    if original is None or original.pk == matter_id:
        raise InputRefused([Problem(None, "original", _("name another existing matter"))])
    if original.status in (S.MERGED, S.REJECTED):
        raise InputRefused(
            [Problem(None, "original", _("the original must not be merged or rejected itself"))]
        )
    with transaction.atomic():
        duplicate = _transition(
            actor, matter_id, "merge", now=now, note=reason.strip(), merged_into=original
        )
        Attachment.objects.filter(matter=duplicate).update(matter=original)
        log_step(
            actor,
            original,
            "merged_in",
            original.status,
            original.status,
            now=now,
            note=duplicate.number,
            detail={"duplicate": duplicate.pk},
        )
    return duplicate


def add_note(*, actor: Actor, matter_id: int, text: str, now: dt.datetime | None = None) -> Matter:
    """Add a note to a matter's timeline; notes on a merged duplicate go to its original."""
    require(actor, "matters.view")
    text = required_reason(text, "note")
    target = resolve_merged(Matter.objects.get(pk=matter_id))
    if not actor.roles & {Role.DISPATCHER}:
        require_handler_of(actor, target)
    with transaction.atomic():
        log_step(actor, target, "note", target.status, target.status, now=current(now), note=text)
    return target
