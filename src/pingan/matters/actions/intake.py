"""Intake: a matter recorded from the centre, the public form or Open311, with its attachments."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from pingan.audit.events import Event, stored_names
from pingan.audit.models import AuditRecord
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.limits import length_reason
from pingan.core.problems import InputRefused, Problem
from pingan.matters import crypto
from pingan.matters.actions.api_keys import authenticate_api_key
from pingan.matters.actions.common import MAX_TEXT, current, local_date, log_step, policy
from pingan.matters.models import Attachment, Channel, Grade, Matter, Status
from pingan.matters.selectors import active_categories
from pingan.units.models import OrgUnit

ALLOWED_UPLOADS = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF-",),
}

# (field named in problems, Report attribute, most characters kept): longer input is refused
LENGTH_LIMITS = (("address", "address", 200), ("reporter_name", "reporter_name", 50),
                 ("reporter_phone", "reporter_phone", 30),
                 ("ticket_number", "ticket_number", 40))  # fmt: skip


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
    grade_level: int | None
    description: str
    place_unit_code: str
    channel: str
    ticket_number: str = ""
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    parties: str = ""
    party_contact: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_confidential: bool = False
    uploads: Sequence[Upload] = ()


def intake_matter(
    *,
    actor: Actor,
    category_code: str,
    grade_level: int | None,
    description: str,
    place_unit_code: str,
    channel: str,
    ticket_number: str = "",
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
    """Record a new matter reported by a community worker, a mediator, a phone call or a visit.

    The grade is required (nothing is assumed); a hotline ticket number, when given, must not
    already be recorded for the same channel.
    """
    require(actor, "matters.intake")
    report = Report(
        category_code=category_code,
        grade_level=grade_level,
        description=description,
        place_unit_code=place_unit_code,
        channel=channel,
        ticket_number=ticket_number,
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
    return _create_matter(actor=actor, report=report, now=current(now))


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
    return _create_matter(actor=actor, report=report, now=current(now))


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
    now = current(now)
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
            ticket_number=report.ticket_number.strip(),
            parties_enc=crypto.encrypt(report.parties.strip()),
            party_contact_enc=crypto.encrypt(report.party_contact.strip()),
            reporter_name_enc=crypto.encrypt(report.reporter_name.strip()),
            reporter_phone_enc=crypto.encrypt(report.reporter_phone.strip()),
            reporter_confidential=bool(report.reporter_confidential),
            ladder="county" if place.level <= 2 else "township",
            public_token=secrets.token_hex(12),
            received_at=now,
        )
        matter.number = "M%s-%06d" % (local_date(now).strftime("%Y%m%d"), matter.pk)
        matter.save(update_fields=["number"])
        for upload in report.uploads:
            _store_upload(matter, upload)
        log_step(
            actor,
            matter,
            "intake",
            "",
            Status.RECEIVED,
            now=now,
            detail={"channel": matter.channel},
        )
    return matter


def _check_intake(report: Report) -> tuple[Any, Any, Any, list[Problem]]:
    problems: list[Problem] = []
    category = active_categories().filter(code=report.category_code).first()
    if category is None:
        problems.append(Problem(None, "category", _("unknown category")))
    grade = None
    if report.grade_level is None:
        problems.append(Problem(None, "grade", _("choose a grade: nothing is preselected")))
    else:
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
    problems += _check_ticket(report.channel, report.ticket_number)
    phone = (report.reporter_phone or "").strip()
    if phone and not all(c.isdigit() or c in "+- " for c in phone):
        problems.append(Problem(None, "reporter_phone", _("a phone number holds digits only")))
    for column, value, limit in LENGTH_LIMITS:
        too_long = length_reason((getattr(report, value) or "").strip(), limit)
        if too_long:
            problems.append(Problem(None, column, too_long))
    problems += _check_uploads(report.uploads)
    return category, grade, place, problems


def _check_ticket(channel: str, ticket_number: str) -> list[Problem]:
    """A ticket number given twice for one channel names the matter that already has it."""
    ticket = (ticket_number or "").strip()
    if not ticket:
        return []
    holder = Matter.objects.filter(channel=channel, ticket_number=ticket).first()
    if holder is None:
        return []
    return [
        Problem(
            None,
            "ticket_number",
            _("ticket %(ticket)s is already recorded as matter %(number)s")
            % {"ticket": ticket, "number": holder.number},
        )
    ]


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
