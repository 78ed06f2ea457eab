"""Every write on matters: permission check, the write and its audit record in one transaction.

The workflow is an explicit state machine (see `TRANSITIONS`); each transition compares and
sets the status, so two people acting on the same matter cannot both succeed.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.accounts.actor import Actor
from pingan.accounts.models import RoleAssignment, User
from pingan.accounts.permissions import can, require, require_unit
from pingan.accounts.roles import Role
from pingan.audit.events import Event, stored_names
from pingan.audit.services import record_event
from pingan.core.limits import length_reason
from pingan.core.problems import Conflict, InputRefused, Problem
from pingan.matters import crypto
from pingan.matters.defaults import load_defaults
from pingan.matters.models import (
    STEP_LABELS,
    ApiKey,
    Attachment,
    Category,
    CategoryGroup,
    Channel,
    DailySummary,
    DispatchRule,
    Grade,
    LadderStep,
    Matter,
    MatterEvent,
    Notice,
    Outcome,
    Policy,
    Status,
)
from pingan.matters.selectors import active_categories
from pingan.matters.workdays import add_working_days
from pingan.units.models import OrgUnit

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

ALLOWED_UPLOADS = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF-",),
}
MAX_TEXT = 4000
# (field named in problems, Report attribute, most characters kept): longer input is refused
LENGTH_LIMITS = (("address", "address", 200), ("reporter_name", "reporter_name", 50),
                 ("reporter_phone", "reporter_phone", 30))  # fmt: skip


@dataclass(frozen=True)
class Upload:
    """A file offered at intake: its name, declared type and bytes."""

    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Report:
    """What an intake records, whichever way the matter arrived."""

    category_code: str
    grade_level: int
    description: str
    place_unit_code: str
    channel: str
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    parties: str = ""
    party_contact: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_confidential: bool = False
    uploads: Sequence[Upload] = ()


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def ensure_defaults() -> None:
    """Create the built-in catalogue, grades, ladders and policy where missing."""
    load_defaults(CategoryGroup, Category, Grade, LadderStep, Policy)


def policy() -> Policy:
    """The settings row (created with its defaults when missing)."""
    return Policy.objects.get_or_create(pk=1)[0]


# ---------------------------------------------------------------- intake


def intake_matter(
    *,
    actor: Actor,
    category_code: str,
    grade_level: int,
    description: str,
    place_unit_code: str,
    channel: str,
    address: str = "",
    lat: float | None = None,
    lon: float | None = None,
    parties: str = "",
    party_contact: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_confidential: bool = False,
    uploads: Sequence[Upload] = (),
    now: dt.datetime | None = None,
) -> Matter:
    """Record a new matter reported by a community worker, a mediator, a phone call or a resident."""
    require(actor, "matters.intake")
    report = Report(
        category_code=category_code,
        grade_level=grade_level,
        description=description,
        place_unit_code=place_unit_code,
        channel=channel,
        address=address,
        lat=lat,
        lon=lon,
        parties=parties,
        party_contact=party_contact,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        reporter_confidential=reporter_confidential,
        uploads=uploads,
    )
    return _create_matter(actor=actor, report=report, now=_now(now))


def intake_from_api(
    *,
    api_key: str,
    source: str,
    category_code: str,
    description: str,
    place_unit_code: str,
    address: str = "",
    lat: float | None = None,
    lon: float | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    now: dt.datetime | None = None,
) -> Matter:
    """Record a matter posted through Open311 with a valid API key (grade 3 until the centre classifies)."""
    key = authenticate_api_key(api_key)
    if key is None:
        raise PermissionDenied(_("The API key is not valid."))
    actor = Actor(
        user=None, grants=(), channel="api", source=("key:%s %s" % (key.prefix, source))[:64]
    )
    report = Report(
        category_code=category_code,
        grade_level=_lowest_grade(),
        description=description,
        place_unit_code=place_unit_code,
        channel=Channel.API,
        address=address,
        lat=lat,
        lon=lon,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
    )
    return _create_matter(actor=actor, report=report, now=_now(now))


PUBLIC_LIMIT_PER_HOUR = 5


class RateLimited(Exception):
    """Too many reports from one address in the last hour."""


def intake_public(
    *,
    source: str,
    category_code: str,
    description: str,
    place_unit_code: str,
    address: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_confidential: bool = False,
    now: dt.datetime | None = None,
) -> Matter:
    """Record a matter reported by a resident on the public form (lowest grade until classified).

    At most PUBLIC_LIMIT_PER_HOUR reports per client address and hour are accepted.
    """
    from pingan.audit.models import AuditRecord

    now = _now(now)
    recent = AuditRecord.objects.filter(
        event__in=stored_names(Event.MATTERS_MATTER_INTAKE),
        channel="public",
        source=source[:64],
        occurred_at__gte=now - dt.timedelta(hours=1),
    ).count()
    if recent >= PUBLIC_LIMIT_PER_HOUR:
        raise RateLimited(
            _("Too many reports from this address; please try again later or call the hotline.")
        )
    actor = Actor(user=None, grants=(), channel="public", source=source[:64])
    report = Report(
        category_code=category_code,
        grade_level=_lowest_grade(),
        description=description,
        place_unit_code=place_unit_code,
        channel=Channel.WEB,
        address=address,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        reporter_confidential=reporter_confidential,
    )
    return _create_matter(actor=actor, report=report, now=now)


def _lowest_grade() -> int:
    """Matters from residents wait at the least urgent grade until the centre classifies them."""
    return max(Grade.objects.values_list("level", flat=True), default=3)


def _create_matter(*, actor: Actor, report: Report, now: dt.datetime) -> Matter:
    category, grade, place, problems = _check_intake(report)
    if problems:
        raise InputRefused(problems)
    with transaction.atomic():
        matter = Matter.objects.create(
            number="new-" + uuid.uuid4().hex[:12],
            category=category,
            grade=grade,
            description=report.description.strip(),
            place_unit=place,
            address=report.address.strip(),
            lat=report.lat,
            lon=report.lon,
            channel=report.channel,
            parties_enc=crypto.encrypt(report.parties.strip()),
            party_contact_enc=crypto.encrypt(report.party_contact.strip()),
            reporter_name_enc=crypto.encrypt(report.reporter_name.strip()),
            reporter_phone_enc=crypto.encrypt(report.reporter_phone.strip()),
            reporter_confidential=bool(report.reporter_confidential),
            ladder="county" if place.level <= 2 else "township",
            public_token=secrets.token_hex(12),
            received_at=now,
        )
        matter.number = "M%s-%06d" % (_local_date(now).strftime("%Y%m%d"), matter.pk)
        matter.save(update_fields=["number"])
        for upload in report.uploads:
            _store_upload(matter, upload)
        _log(actor, matter, "intake", "", S.RECEIVED, now=now, detail={"channel": matter.channel})
    return matter


def _check_intake(report: Report) -> tuple[Any, Any, Any, list[Problem]]:
    problems: list[Problem] = []
    category = active_categories().filter(code=report.category_code).first()
    if category is None:
        problems.append(Problem(None, "category", _("unknown category")))
    grade = Grade.objects.filter(level=report.grade_level).first()
    if grade is None:
        problems.append(Problem(None, "grade", _("unknown grade")))
    place = OrgUnit.objects.filter(code=report.place_unit_code).first()
    if place is None:
        problems.append(Problem(None, "place", _("unknown unit")))
    description = (report.description or "").strip()
    if not description:
        problems.append(Problem(None, "description", _("a description is required")))
    elif len(description) > MAX_TEXT:
        problems.append(
            Problem(None, "description", _("at most %(n)s characters") % {"n": MAX_TEXT})
        )
    if report.channel not in Channel.values:
        problems.append(Problem(None, "channel", _("unknown channel")))
    problems += _check_coordinates(report.lat, report.lon)
    phone = (report.reporter_phone or "").strip()
    if phone and not all(c.isdigit() or c in "+- " for c in phone):
        problems.append(Problem(None, "reporter_phone", _("a phone number holds digits only")))
    for column, value, limit in LENGTH_LIMITS:
        too_long = length_reason((getattr(report, value) or "").strip(), limit)
        if too_long:
            problems.append(Problem(None, column, too_long))
    problems += _check_uploads(report.uploads)
    return category, grade, place, problems


def _check_coordinates(lat: float | None, lon: float | None) -> list[Problem]:
    problems = []
    if (lat is None) != (lon is None):
        problems.append(Problem(None, "lat", _("give both latitude and longitude, or neither")))
    if lat is not None and not -90 <= lat <= 90:
        problems.append(Problem(None, "lat", _("latitude must lie between -90 and 90")))
    if lon is not None and not -180 <= lon <= 180:
        problems.append(Problem(None, "long", _("longitude must lie between -180 and 180")))
    return problems


def _check_uploads(uploads: Iterable[Upload]) -> list[Problem]:
    limit = policy().max_attachment_mb * 1024 * 1024
    problems = []
    for upload in uploads:
        signatures = ALLOWED_UPLOADS.get(upload.content_type)
        if signatures is None or not upload.data.startswith(signatures):
            problems.append(
                Problem(None, upload.name, _("only JPEG, PNG and PDF files are accepted"))
            )
        elif len(upload.data) > limit:
            problems.append(
                Problem(
                    None,
                    upload.name,
                    _("the file is larger than %(mb)s MB") % {"mb": limit // 1048576},
                )
            )
    return problems


def _store_upload(matter: Matter, upload: Upload) -> None:
    suffix = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}[
        upload.content_type
    ]
    attachment = Attachment(
        matter=matter,
        stored_name=uuid.uuid4().hex + suffix,
        original_name=upload.name[:200],
        content_type=upload.content_type,
        size=len(upload.data),
    )
    attachment.file.save(attachment.stored_name, ContentFile(upload.data), save=False)
    attachment.save()


# ---------------------------------------------------------------- the workflow


def _log(
    actor: Actor,
    matter: Matter,
    kind: str,
    from_status: str,
    to_status: str,
    *,
    now: dt.datetime,
    note: str = "",
    unit: OrgUnit | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    MatterEvent.objects.create(
        matter=matter,
        at=now,
        kind=kind,
        actor=actor.user,
        from_status=from_status,
        to_status=to_status,
        unit=unit,
        note=note,
    )
    record_event(
        actor=actor,
        event=Event("matters.matter." + kind),
        obj=matter,
        detail={
            "from": from_status,
            "to": to_status,
            "unit": unit.pk if unit else None,
            **(detail or {}),
        },
    )


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
    _log(actor, matter, name, from_status, target, now=now, note=note, unit=unit)
    return matter


def _reason(reason: str, column: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InputRefused([Problem(None, column, _("a reason is required"))])
    if len(reason) > 300:
        raise InputRefused([Problem(None, column, _("at most %(n)s characters") % {"n": 300})])
    return reason


def _require_handler_of(actor: Actor, matter: Matter) -> None:
    """The actor must handle matters for the responsible unit (or one of its parents)."""
    if matter.responsible_unit_id is None:
        raise PermissionDenied(_("This matter is not with your unit."))
    require_unit(
        actor,
        "matters.handle",
        matter.responsible_unit_id,
        unit_ancestors=unit_ancestors(matter.responsible_unit_id),
    )


def unit_ancestors(unit_id: int) -> tuple[int, ...]:
    """The ids of a unit's parents, nearest first."""
    found: list[int] = []
    parent = OrgUnit.objects.filter(pk=unit_id).values_list("parent_id", flat=True).first()
    while parent is not None and parent not in found:
        found.append(parent)
        parent = OrgUnit.objects.filter(pk=parent).values_list("parent_id", flat=True).first()
    return tuple(found)


def _check_assignee(unit_id: int, handler_id: int | None) -> tuple[OrgUnit, User | None]:
    problems = []
    unit = OrgUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        problems.append(Problem(None, "unit", _("unknown unit")))
    handler = None
    if handler_id is not None:
        handler = User.objects.filter(pk=handler_id, is_active=True).first()
        scope = {unit_id, *unit_ancestors(unit_id)} if unit else set()
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
    start = _local_date(moment)
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
    now = _now(now)
    unit, handler = _check_assignee(unit_id, handler_id)
    grade = Matter.objects.get(pk=matter_id).grade
    with transaction.atomic():
        return _transition(
            actor,
            matter_id,
            "dispatch",
            now=now,
            note=note.strip(),
            **_assignment(unit, handler, grade, now),
        )


def redispatch(
    *,
    actor: Actor,
    matter_id: int,
    unit_id: int,
    handler_id: int | None,
    reason: str,
    now: dt.datetime | None = None,
) -> Matter:
    """Re-dispatch (改派) a matter to another unit or handler, with a reason; deadlines restart."""
    require(actor, "matters.dispatch")
    reason, now = _reason(reason), _now(now)
    unit, handler = _check_assignee(unit_id, handler_id)
    grade = Matter.objects.get(pk=matter_id).grade
    with transaction.atomic():
        return _transition(
            actor,
            matter_id,
            "redispatch",
            now=now,
            note=reason,
            **_assignment(unit, handler, grade, now),
        )


def raise_level(
    *,
    actor: Actor,
    matter_id: int,
    unit_id: int,
    handler_id: int | None,
    reason: str,
    now: dt.datetime | None = None,
) -> Matter:
    """Raise a matter one step up its escalation ladder (提级) and dispatch it to the higher level."""
    require(actor, "matters.dispatch")
    reason, now = _reason(reason), _now(now)
    unit, handler = _check_assignee(unit_id, handler_id)
    matter = Matter.objects.get(pk=matter_id)
    if not LadderStep.objects.filter(ladder=matter.ladder, step=matter.ladder_step + 1).exists():
        raise Conflict(_("This matter is already at the top of its escalation ladder."))
    with transaction.atomic():
        return _transition(
            actor,
            matter_id,
            "raise_level",
            now=now,
            note=reason,
            ladder_step=F("ladder_step") + 1,
            **_assignment(unit, handler, matter.grade, now),
        )


def sign_for(*, actor: Actor, matter_id: int, now: dt.datetime | None = None) -> Matter:
    """The handling unit signs for (签收) a dispatched matter."""
    now = _now(now)
    _require_handler_of(actor, Matter.objects.get(pk=matter_id))
    with transaction.atomic():
        return _transition(actor, matter_id, "sign", now=now, signed_at=now)


def start_work(*, actor: Actor, matter_id: int, now: dt.datetime | None = None) -> Matter:
    """The handler starts work on a signed-for matter."""
    now = _now(now)
    _require_handler_of(actor, Matter.objects.get(pk=matter_id))
    with transaction.atomic():
        return _transition(actor, matter_id, "start", now=now)


def give_feedback(
    *, actor: Actor, matter_id: int, account: str, outcome: str, now: dt.datetime | None = None
) -> Matter:
    """The handler feeds back (反馈) what was done and the outcome."""
    now = _now(now)
    _require_handler_of(actor, Matter.objects.get(pk=matter_id))
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
    now = _now(now)
    matter = Matter.objects.select_related("responsible_unit").get(pk=matter_id)
    _require_handler_of(actor, matter)
    reason = _reason(reason)
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
    now = _now(now)
    with transaction.atomic():
        if accept:
            return _transition(
                actor, matter_id, "accept", now=now, note=note.strip(), closed_at=now, overdue=False
            )
        return _transition(actor, matter_id, "send_back", now=now, note=_reason(note))


def follow_up(
    *,
    actor: Actor,
    matter_id: int,
    satisfaction: int,
    resolved: bool,
    note: str = "",
    now: dt.datetime | None = None,
) -> Matter:
    """Record the follow-up visit (回访): satisfaction 1–5 and whether the matter was resolved."""
    require(actor, "matters.review")
    if satisfaction not in (1, 2, 3, 4, 5):
        raise InputRefused(
            [Problem(None, "satisfaction", _("satisfaction is a whole number from 1 to 5"))]
        )
    now = _now(now)
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
    now = _now(now)
    with transaction.atomic():
        return _transition(actor, matter_id, "archive", now=now, archived_at=now)


def reject(*, actor: Actor, matter_id: int, reason: str, now: dt.datetime | None = None) -> Matter:
    """Reject a matter or refer it out of scope (e.g. to the courts or formal petitions), with a reason."""
    require(actor, "matters.dispatch")
    reason, now = _reason(reason), _now(now)
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
    now = _now(now)
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
        _log(
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
    text = _reason(text, "note")
    target = resolve_merged(Matter.objects.get(pk=matter_id))
    if not actor.roles & {Role.DISPATCHER}:
        _require_handler_of(actor, target)
    with transaction.atomic():
        _log(actor, target, "note", target.status, target.status, now=_now(now), note=text)
    return target


def resolve_merged(matter: Matter) -> Matter:
    """Follow merges to the matter that carries the work."""
    seen = {matter.pk}
    while matter.merged_into_id is not None and matter.merged_into_id not in seen:
        seen.add(matter.merged_into_id)
        matter = Matter.objects.get(pk=matter.merged_into_id)
    return matter


# ---------------------------------------------------------------- personal data


def reveal_personal(*, actor: Actor, matter_id: int) -> dict[str, str]:
    """Show the personal data of a matter in full to its dispatcher or assigned handler, and audit it.

    A confidential reporter's identity is never shown to the handling unit.
    """
    require(actor, "matters.personal")
    matter = Matter.objects.get(pk=matter_id)
    is_centre = Role.DISPATCHER in actor.roles
    if not is_centre:
        _require_handler_of(actor, matter)
        if matter.handler_id is None or matter.handler_id != actor.user_id:
            raise PermissionDenied(_("Only the assigned handler sees the contact details."))
    shown = {
        "parties": crypto.decrypt(matter.parties_enc),
        "party_contact": crypto.decrypt(matter.party_contact_enc),
    }
    if is_centre or not matter.reporter_confidential:
        shown["reporter_name"] = crypto.decrypt(matter.reporter_name_enc)
        shown["reporter_phone"] = crypto.decrypt(matter.reporter_phone_enc)
    with transaction.atomic():
        record_event(
            actor=actor,
            event=Event.MATTERS_PERSONAL_DATA_VIEW,
            obj=matter,
            detail={"fields": sorted(shown)},
        )
    return shown


def purge_personal_data(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Erase the personal data and attachments of matters archived longer than the retention period.

    The matter's category, grade, unit, dates and outcome stay, so statistics do not change.
    """
    require(actor, "matters.jobs")
    cutoff = _now(now) - dt.timedelta(days=policy().retention_days)
    due = list(
        Matter.objects.filter(archived_at__lt=cutoff, personal_erased_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    for matter_id in due:
        _erase_one(actor, matter_id, _now(now))
    return len(due)


def _erase_one(actor: Actor, matter_id: int, now: dt.datetime) -> None:
    with transaction.atomic():
        changed = Matter.objects.filter(pk=matter_id, personal_erased_at__isnull=True).update(
            parties_enc="",
            party_contact_enc="",
            reporter_name_enc="",
            reporter_phone_enc="",
            address="",
            lat=None,
            lon=None,
            personal_erased_at=now,
        )
        if not changed:
            return
        for attachment in Attachment.objects.filter(matter_id=matter_id):
            attachment.file.delete(save=False)
            attachment.delete()
        record_event(
            actor=actor,
            event=Event.MATTERS_PERSONAL_DATA_ERASE,
            object_type="matters.matter",
            object_id=matter_id,
        )


# ---------------------------------------------------------------- deadlines, reminders, escalation


def flag_overdue(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Set the overdue flag of open matters past their sign-for or handling deadline; clear it otherwise."""
    require(actor, "matters.jobs")
    today = _local_date(_now(now))
    late = Q(
        handle_due__lt=today, status__in=[S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.FEEDBACK]
    ) | Q(sign_due__lt=today, status=S.DISPATCHED)
    with transaction.atomic():
        newly = list(Matter.objects.filter(late, overdue=False).values_list("pk", flat=True))
        Matter.objects.filter(pk__in=newly).update(overdue=True)
        Matter.objects.filter(overdue=True).exclude(late).update(overdue=False)
        if newly:
            record_event(
                actor=actor,
                event=Event.MATTERS_MATTER_FLAG_OVERDUE,
                object_type="matters.matter",
                detail={"ids": newly},
            )
    return len(newly)


def send_reminders(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Remind the named handler of every matter due within one working day (once per deadline)."""
    require(actor, "matters.jobs")
    now = _now(now)
    soon = add_working_days(_local_date(now), 1)
    candidates = Matter.objects.filter(
        status__in=[S.DISPATCHED, S.SIGNED, S.IN_PROGRESS],
        handle_due__lte=soon,
        handler__isnull=False,
    ).exclude(notices__kind=Notice.REMINDER, notices__due=F("handle_due"))
    return _notify(actor, candidates, Notice.REMINDER, now)


def escalate_overdue(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Tell the leadership about every overdue matter (once per deadline)."""
    require(actor, "matters.jobs")
    now = _now(now)
    candidates = Matter.objects.filter(overdue=True).exclude(
        notices__kind=Notice.ESCALATION, notices__due=F("handle_due")
    )
    return _notify(actor, candidates, Notice.ESCALATION, now)


def _notify(actor: Actor, candidates: Any, kind: str, now: dt.datetime) -> int:
    count = 0
    for matter in candidates.filter(handle_due__isnull=False):
        with transaction.atomic():
            Notice.objects.create(
                matter=matter,
                kind=kind,
                due=matter.handle_due,
                created_at=now,
                recipient=matter.handler if kind == Notice.REMINDER else None,
                recipient_role="" if kind == Notice.REMINDER else Role.LEADER,
            )
            field = "reminded_at" if kind == Notice.REMINDER else "escalated_at"
            Matter.objects.filter(pk=matter.pk).update(**{field: now})
            record_event(
                actor=actor,
                event=(
                    Event.MATTERS_MATTER_REMIND
                    if kind == Notice.REMINDER
                    else Event.MATTERS_MATTER_ESCALATE
                ),
                obj=matter,
                detail={"due": str(matter.handle_due)},
            )
            addresses = _notice_addresses(matter, kind)
            transaction.on_commit(functools.partial(_mail_notice, matter, kind, addresses))
        count += 1
    return count


def _notice_addresses(matter: Matter, kind: str) -> list[str]:
    if kind == Notice.REMINDER:
        users = [matter.handler] if matter.handler else []
    else:
        leader_ids = RoleAssignment.objects.filter(role=Role.LEADER).values_list(
            "user_id", flat=True
        )
        users = list(User.objects.filter(pk__in=leader_ids, is_active=True))
    return sorted({u.email for u in users if u is not None and u.email})


def _mail_notice(matter: Matter, kind: str, addresses: list[str]) -> None:
    """Send the notice by mail as well (matter number and deadline only, no personal data)."""
    from django.core.mail import send_mail

    if not addresses:
        return
    if kind == Notice.REMINDER:
        subject = _("Matter %(number)s is due on %(due)s") % {
            "number": matter.number,
            "due": matter.handle_due,
        }
    else:
        subject = _("Matter %(number)s is overdue (due %(due)s)") % {
            "number": matter.number,
            "due": matter.handle_due,
        }
    send_mail(subject, subject, None, addresses, fail_silently=True)


# ---------------------------------------------------------------- daily summary


def generate_daily_summary(
    *, actor: Actor, day: dt.date, now: dt.datetime | None = None
) -> DailySummary:
    """Generate (or regenerate) the centre's daily work summary for `day` (also run by the job)."""
    if not can(actor, "matters.jobs"):
        require(actor, "matters.summary")
    from pingan.matters.selectors import daily_summary_content

    content = daily_summary_content(day)
    with transaction.atomic():
        summary, _created = DailySummary.objects.update_or_create(
            day=day, defaults={"generated_at": _now(now), "content": content}
        )
        record_event(
            actor=actor, event=Event.MATTERS_SUMMARY_GENERATE, obj=summary, detail={"day": str(day)}
        )
    return summary


def summary_if_due(*, actor: Actor, now: dt.datetime | None = None) -> DailySummary | None:
    """Generate today's summary once the configured time has passed (and only once)."""
    local = timezone.localtime(_now(now))
    if (
        local.time() < policy().summary_time
        or DailySummary.objects.filter(day=local.date()).exists()
    ):
        return None
    return generate_daily_summary(actor=actor, day=local.date(), now=now)


@dataclass(frozen=True)
class TickResult:
    """What one run of the periodic job did."""

    overdue: int
    reminders: int
    escalations: int
    summary: str
    erased: int


def tick(*, actor: Actor, now: dt.datetime | None = None) -> TickResult:
    """The periodic job: overdue flags, reminders, escalation, the daily summary and the retention purge."""
    require(actor, "matters.jobs")
    overdue = flag_overdue(actor=actor, now=now)
    reminders = send_reminders(actor=actor, now=now)
    escalations = escalate_overdue(actor=actor, now=now)
    summary = summary_if_due(actor=actor, now=now)
    erased = purge_personal_data(actor=actor, now=now)
    return TickResult(overdue, reminders, escalations, str(summary.day) if summary else "", erased)


# ---------------------------------------------------------------- API keys


def api_key_digest(raw: str) -> str:
    """SHA-256 of an API key (keys are long random strings)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_api_key(*, actor: Actor, name: str) -> tuple[ApiKey, str]:
    """Issue an Open311 API key; the key itself is returned once and only its hash is kept."""
    require(actor, "matters.apikeys")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InputRefused(
            [Problem(None, "name", _("give the key a name of at most 100 characters"))]
        )
    raw = "o311_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        key = ApiKey.objects.create(name=name, prefix=raw[:8], digest=api_key_digest(raw))
        record_event(actor=actor, event=Event.ACCOUNTS_CREDENTIAL_CREATE, obj=key)
    return key, raw


def revoke_api_key(*, actor: Actor, key_id: int, now: dt.datetime | None = None) -> ApiKey:
    """Revoke an API key; requests with it are refused from then on."""
    require(actor, "matters.apikeys")
    with transaction.atomic():
        if not ApiKey.objects.filter(pk=key_id, revoked_at__isnull=True).update(
            revoked_at=_now(now)
        ):
            raise Conflict(_("No such active API key."))
        key = ApiKey.objects.get(pk=key_id)
        record_event(actor=actor, event=Event.ACCOUNTS_CREDENTIAL_REVOKE, obj=key)
    return key


def authenticate_api_key(raw: str) -> ApiKey | None:
    """The active key matching `raw`, or None."""
    if not raw:
        return None
    return ApiKey.objects.filter(digest=api_key_digest(raw), revoked_at__isnull=True).first()


# ---------------------------------------------------------------- configuration


def save_category(
    *,
    actor: Actor,
    code: str,
    group_code: str,
    name_zh: str,
    name_en: str = "",
    active: bool = True,
) -> Category:
    """Create or change a category of the catalogue."""
    require(actor, "matters.configure")
    problems = []
    group = CategoryGroup.objects.filter(code=group_code).first()
    if group is None:
        problems.append(Problem(None, "group", _("unknown group")))
    code = (code or "").strip()
    if not code or len(code) > 32 or not code.replace("_", "").isalnum() or not code.isascii():
        problems.append(
            Problem(None, "code", _("use letters, digits and underscores (at most 32)"))
        )
    if not (name_zh or "").strip():
        problems.append(Problem(None, "name_zh", _("a Chinese name is required")))
    if problems:
        raise InputRefused(problems)
    assert group is not None
    with transaction.atomic():
        category, _created = Category.objects.update_or_create(
            code=code,
            defaults={
                "group": group,
                "name_zh": name_zh.strip(),
                "name_en": name_en.strip(),
                "active": active,
            },
        )
        record_event(actor=actor, event=Event.MATTERS_CATEGORY_SAVE, obj=category)
    return category


GROUP_NAME_LENGTH = 100


def save_category_group(
    *,
    actor: Actor,
    code: str,
    name_zh: str,
    name_en: str = "",
    active: bool = True,
    group_id: int | None = None,
) -> CategoryGroup:
    """Create a group of the catalogue (without `group_id`) or rename, recode, activate or deactivate one.

    The categories of an inactive group are not offered for new matters; existing matters keep them.
    """
    require(actor, "matters.configure")
    code, name_zh, name_en = (code or "").strip(), (name_zh or "").strip(), (name_en or "").strip()
    group = None if group_id is None else CategoryGroup.objects.filter(pk=group_id).first()
    problems = _check_group(code, name_zh, name_en, group_id)
    if group_id is not None and group is None:
        problems.insert(0, Problem(None, "group_id", _("unknown group")))
    if problems:
        raise InputRefused(problems)
    try:
        with transaction.atomic():
            if group is None:
                group = CategoryGroup(order=_next_group_order())
            created = group.pk is None
            group.code, group.name_zh, group.name_en, group.active = code, name_zh, name_en, active
            group.save()
            record_event(
                actor=actor,
                event=Event.MATTERS_CATEGORY_GROUP_SAVE,
                obj=group,
                detail={"created": created, "active": active},
            )
    except IntegrityError:
        raise InputRefused([_duplicate_group_code()]) from None
    return group


def _check_group(code: str, name_zh: str, name_en: str, group_id: int | None) -> list[Problem]:
    problems = []
    if not code or len(code) > 32 or not code.replace("_", "").isalnum() or not code.isascii():
        problems.append(
            Problem(None, "code", _("use letters, digits and underscores (at most 32)"))
        )
    elif _group_code_taken(code, group_id):
        problems.append(_duplicate_group_code())
    if not name_zh:
        problems.append(Problem(None, "name_zh", _("a Chinese name is required")))
    for column, name in (("name_zh", name_zh), ("name_en", name_en)):
        if len(name) > GROUP_NAME_LENGTH:
            problems.append(
                Problem(None, column, _("at most %(n)s characters") % {"n": GROUP_NAME_LENGTH})
            )
    return problems


def _group_code_taken(code: str, group_id: int | None) -> bool:
    others = CategoryGroup.objects.filter(code=code)
    if group_id is not None:
        others = others.exclude(pk=group_id)
    return others.exists()


def _duplicate_group_code() -> Problem:
    return Problem(None, "code", _("another group already has this code"))


def _next_group_order() -> int:
    highest = CategoryGroup.objects.order_by("-order").values_list("order", flat=True).first()
    return 0 if highest is None else highest + 1


def save_grade(
    *, actor: Actor, level: int, name_zh: str, name_en: str, sign_days: int, handle_days: int
) -> Grade:
    """Change a grade's meaning and deadlines (working days)."""
    require(actor, "matters.configure")
    problems = []
    if level not in (1, 2, 3):
        problems.append(Problem(None, "level", _("grades are 1, 2 and 3")))
    if not 0 <= sign_days <= 60:
        problems.append(Problem(None, "sign_days", _("between 0 and 60 working days")))
    if not sign_days <= handle_days <= 250:
        problems.append(
            Problem(None, "handle_days", _("at least the sign-for days and at most 250"))
        )
    if not (name_zh or "").strip():
        problems.append(Problem(None, "name_zh", _("a Chinese name is required")))
    if problems:
        raise InputRefused(problems)
    with transaction.atomic():
        grade, _created = Grade.objects.update_or_create(
            level=level,
            defaults={
                "name_zh": name_zh.strip(),
                "name_en": name_en.strip(),
                "sign_days": sign_days,
                "handle_days": handle_days,
            },
        )
        record_event(actor=actor, event=Event.MATTERS_GRADE_SAVE, obj=grade)
    return grade


def save_ladder_step(
    *, actor: Actor, ladder: str, step: int, name_zh: str, name_en: str = ""
) -> LadderStep:
    """Create or rename a step of an escalation ladder."""
    require(actor, "matters.configure")
    problems = []
    if ladder not in ("township", "county"):
        problems.append(Problem(None, "ladder", _("the ladder is township or county")))
    if not 1 <= step <= 10:
        problems.append(Problem(None, "step", _("steps are numbered 1 to 10")))
    if not (name_zh or "").strip():
        problems.append(Problem(None, "name_zh", _("a Chinese name is required")))
    if problems:
        raise InputRefused(problems)
    with transaction.atomic():
        row, _created = LadderStep.objects.update_or_create(
            ladder=ladder,
            step=step,
            defaults={"name_zh": name_zh.strip(), "name_en": name_en.strip()},
        )
        record_event(actor=actor, event=Event.MATTERS_LADDER_SAVE, obj=row)
    return row


def save_dispatch_rule(
    *,
    actor: Actor,
    unit_code: str,
    category_code: str = "",
    place_unit_code: str = "",
    handler_username: str = "",
) -> DispatchRule:
    """Add a rule suggesting the responsible unit (and handler) for a category and/or a place."""
    require(actor, "matters.configure")
    problems = []
    unit = OrgUnit.objects.filter(code=unit_code).first()
    if unit is None:
        problems.append(Problem(None, "unit", _("unknown unit")))
    category = Category.objects.filter(code=category_code).first() if category_code else None
    if category_code and category is None:
        problems.append(Problem(None, "category", _("unknown category")))
    place = OrgUnit.objects.filter(code=place_unit_code).first() if place_unit_code else None
    if place_unit_code and place is None:
        problems.append(Problem(None, "place", _("unknown unit")))
    if not category_code and not place_unit_code:
        problems.append(Problem(None, "category", _("a rule names a category, a place, or both")))
    handler = User.objects.filter(username=handler_username).first() if handler_username else None
    if handler_username and (
        handler is None or unit is None or not _holds_handler_role(handler, unit)
    ):
        problems.append(Problem(None, "handler", _("this person is not a handler of the unit")))
    if problems:
        raise InputRefused(problems)
    assert unit is not None
    with transaction.atomic():
        rule = DispatchRule.objects.create(
            category=category, place_unit=place, unit=unit, handler=handler
        )
        record_event(actor=actor, event=Event.MATTERS_RULE_SAVE, obj=rule)
    return rule


def _holds_handler_role(user: User, unit: OrgUnit) -> bool:
    scope = {unit.pk, *unit_ancestors(unit.pk)}
    return RoleAssignment.objects.filter(user=user, role=Role.HANDLER, unit_id__in=scope).exists()


def delete_dispatch_rule(*, actor: Actor, rule_id: int) -> None:
    """Remove a dispatch rule."""
    require(actor, "matters.configure")
    with transaction.atomic():
        rule = DispatchRule.objects.filter(pk=rule_id).first()
        if rule is None:
            raise Conflict(_("No such rule."))
        record_event(actor=actor, event=Event.MATTERS_RULE_DELETE, obj=rule)
        rule.delete()


def save_policy(
    *, actor: Actor, retention_days: int, summary_time: dt.time, max_attachment_mb: int
) -> Policy:
    """Change the retention period, the daily summary time and the attachment limit."""
    require(actor, "matters.configure")
    problems = []
    if not 30 <= retention_days <= 3650:
        problems.append(Problem(None, "retention_days", _("between 30 and 3650 days")))
    if not 1 <= max_attachment_mb <= 20:
        problems.append(Problem(None, "max_attachment_mb", _("between 1 and 20 MB")))
    if problems:
        raise InputRefused(problems)
    with transaction.atomic():
        row = policy()
        row.retention_days, row.summary_time, row.max_attachment_mb = (
            retention_days,
            summary_time,
            max_attachment_mb,
        )
        row.save()
        record_event(actor=actor, event=Event.MATTERS_POLICY_SAVE, obj=row)
    return row


# ---------------------------------------------------------------- feeding the index


def save_index_feed(*, actor: Actor, indicator_code: str, category_group_code: str = "") -> Any:
    """Feed a scheme indicator with monthly counts of matters (of one category group, or all)."""
    require(actor, "matters.configure")
    from pingan.matters.models import IndexFeed

    problems = []
    group = None
    if category_group_code:
        group = CategoryGroup.objects.filter(code=category_group_code).first()
        if group is None:
            problems.append(Problem(None, "group", _("unknown group")))
    indicator_code = (indicator_code or "").strip()
    if not indicator_code or len(indicator_code) > 64:
        problems.append(Problem(None, "indicator", _("name an indicator code")))
    if problems:
        raise InputRefused(problems)
    with transaction.atomic():
        feed, _created = IndexFeed.objects.update_or_create(
            indicator_code=indicator_code, defaults={"category_group": group}
        )
        record_event(actor=actor, event=Event.MATTERS_INDEX_FEED_SAVE, obj=feed)
    return feed


def create_index_submission(*, actor: Actor, month: str, indicator_code: str) -> Any:
    """Create (or refill) the draft submission of monthly matter counts for a scheme indicator.

    The indicator's reporting body (e.g. the stability office running the centre) files it: the
    actor must be that body's clerk. Only the cells of this indicator are filled; the draft then
    goes through the body's normal review and approval, nothing is approved here.
    """
    require(actor, "matters.index_submit")
    from pingan.matters.models import IndexFeed
    from pingan.matters.selectors import monthly_counts
    from pingan.reporting.filling import put_cells
    from pingan.reporting.submissions import catalogue_for, create_submission

    feed = (
        IndexFeed.objects.select_related("category_group")
        .filter(indicator_code=indicator_code)
        .first()
    )
    if feed is None:
        raise InputRefused([Problem(None, "indicator", _("this indicator is not fed by matters"))])
    catalogue = catalogue_for()
    if indicator_code not in catalogue.indicators:
        raise InputRefused(
            [Problem(None, "indicator", _("the current scheme has no such indicator"))]
        )
    body_id = catalogue.indicators[indicator_code][0]
    units = [
        unit for unit, code in catalogue.expected_cells(body_id, month) if code == indicator_code
    ]
    group = feed.category_group.code if feed.category_group else None
    counts = monthly_counts(month, unit_ids=[u.id for u in units], category_group=group)
    submission = create_submission(actor=actor, body_id=body_id, month=month)
    records = [(None, unit.code, indicator_code, month, counts[unit.id]) for unit in units]
    put_cells(actor=actor, submission_id=submission.pk, records=records)
    with transaction.atomic():
        record_event(
            actor=actor, event=Event.MATTERS_INDEX_SUBMISSION_CREATE, object_type="reporting.submission",
            object_id=submission.pk, detail={"month": month, "indicator": indicator_code, "cells": len(records)},
        )  # fmt: skip
    return submission
