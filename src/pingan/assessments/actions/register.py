"""Registering a decision for assessment and attaching its documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from pingan.assessments import uploads
from pingan.assessments.actions.common import locked, require_scope, require_status, text_problem
from pingan.assessments.models import AffectedUnit, Assessment, Attachment, Category, Status
from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.access.roles import Role
from pingan.core.problems import Conflict, InputRefused, Problem
from pingan.units.models import OrgUnit
from pingan.units.tree import ancestors

MAX_AFFECTED = 200


def _unit(code: str, field: str, problems: list[Problem]) -> OrgUnit | None:
    unit = OrgUnit.objects.filter(code=(code or "").strip()).first()
    if unit is None:
        problems.append(Problem(None, field, _("unknown unit %(code)s") % {"code": code or "—"}))
    return unit


def _check_bodies(
    actor: Actor, proposing: OrgUnit, implementing: OrgUnit, assessing: OrgUnit
) -> list[Problem]:
    problems = []
    if assessing.pk == proposing.pk:
        problems.append(
            Problem(None, "assessing_unit", _("the proposing body may not assess its own decision"))
        )
    if assessing.pk not in ancestors(implementing.pk):
        problems.append(
            Problem(
                None,
                "assessing_unit",
                _(
                    "the assessing department must be a competent department above the implementing body"
                ),
            )
        )
    held = actor.unit_ids(Role.PROPOSER)
    if held and not held & {proposing.pk, *ancestors(proposing.pk)}:
        problems.append(
            Problem(None, "proposing_unit", _("you may register decisions of your own body only"))
        )
    return problems


def _next_number(year: int) -> str:
    prefix = "RA-%d-" % year
    taken = Assessment.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    serial = max((int(n[len(prefix) :]) for n in taken if n[len(prefix) :].isdigit()), default=0)
    return "%s%04d" % (prefix, serial + 1)


def register(
    *,
    actor: Actor,
    title: str,
    category: str,
    proposing_unit: str,
    implementing_unit: str,
    assessing_unit: str,
    affected_units: Sequence[str],
    expected_on: dt.date | None,
    uploads_offered: Sequence[uploads.Upload] = (),
) -> Assessment:
    """Register a decision for assessment (draft), with its affected units and documents."""
    require(actor, "assessments.register")
    problems = text_problem("title", title, limit=200)
    if category not in Category.values:
        problems.append(
            Problem(None, "category", _("unknown category %(code)s") % {"code": category or "—"})
        )
    proposing = _unit(proposing_unit, "proposing_unit", problems)
    implementing = _unit(implementing_unit, "implementing_unit", problems)
    assessing = _unit(assessing_unit, "assessing_unit", problems)
    codes = sorted({c.strip() for c in affected_units if c.strip()})
    if not codes:
        problems.append(Problem(None, "affected_units", _("name at least one affected unit")))
    elif len(codes) > MAX_AFFECTED:
        problems.append(
            Problem(None, "affected_units", _("at most %(n)s units") % {"n": MAX_AFFECTED})
        )
    affected = [u for u in (_unit(c, "affected_units", problems) for c in codes) if u]
    if expected_on is None:
        problems.append(Problem(None, "expected_on", _("give the expected date of the decision")))
    if proposing and implementing and assessing:
        problems += _check_bodies(actor, proposing, implementing, assessing)
    for upload in uploads_offered:
        problems += uploads.upload_problems(upload)
    if problems:
        raise InputRefused(problems)
    assert proposing and implementing and assessing and expected_on  # checked above
    written: list[str] = []
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                number=_next_number(expected_on.year),
                title=title.strip(),
                category=category,
                proposing_unit=proposing,
                implementing_unit=implementing,
                assessing_unit=assessing,
                expected_on=expected_on,
                created_by=actor.user,
            )
            AffectedUnit.objects.bulk_create(
                AffectedUnit(assessment=assessment, unit=u) for u in affected
            )
            record_event(
                actor=actor,
                event=Event.ASSESSMENTS_ASSESSMENT_REGISTER,
                obj=assessment,
                detail={"number": assessment.number, "category": category, "affected": codes},
            )
            _attach_all(actor, assessment, uploads_offered, written)
    except IntegrityError as exc:
        uploads.discard(written)
        raise Conflict(_("another registration took the same number; try again")) from exc
    except BaseException:
        uploads.discard(written)
        raise
    return assessment


def _attach_all(
    actor: Actor, assessment: Assessment, offered: Sequence[uploads.Upload], written: list[str]
) -> None:
    for upload in offered:
        stored = uploads.store(upload)
        written.append(stored.stored_name)
        attachment = Attachment.objects.create(
            assessment=assessment,
            stored_name=stored.stored_name,
            original_name=upload.name,
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
        )
        record_event(
            actor=actor,
            event=Event.ASSESSMENTS_ASSESSMENT_ATTACH,
            obj=assessment,
            detail={"attachment": attachment.pk, "name": upload.name, "sha256": stored.sha256},
        )


def attach(
    *, actor: Actor, assessment_id: int, uploads_offered: Sequence[uploads.Upload]
) -> list[Attachment]:
    """Attach documents to an assessment that is not yet with the competent department."""
    require(actor, "assessments.attach")
    problems = [p for upload in uploads_offered for p in uploads.upload_problems(upload)]
    if not uploads_offered:
        problems.append(Problem(None, "file", _("choose a file")))
    if problems:
        raise InputRefused(problems)
    written: list[str] = []
    try:
        with transaction.atomic():
            assessment = locked(assessment_id)
            require_scope(actor, "assessments.attach", assessment, Role.PROPOSER, Role.ASSESSOR)
            require_status(assessment, Status.DRAFT, Status.ANALYSIS)
            _attach_all(actor, assessment, uploads_offered, written)
    except (InputRefused, PermissionDenied, Exception):
        uploads.discard(written)
        raise
    return list(assessment.attachments.order_by("-pk")[: len(uploads_offered)])
