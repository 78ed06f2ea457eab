"""The problem register (不稳定问题台账): open a problem, note progress, resolve it."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.problems import InputRefused, Problem
from pingan.units.models import OrgUnit
from pingan.units.selectors import require_unit_in_scope
from pingan.warnings.actions.common import current, required_text
from pingan.warnings.models import (
    ProblemKind,
    ProblemNote,
    ProblemRecord,
    ProblemStatus,
    Verdict,
    Warning,
)

MAX_PEOPLE = 1_000_000


def open_problem(
    *,
    actor: Actor,
    kind: str,
    title: str,
    responsible_unit_id: int,
    leading_office: str,
    deadline: dt.date,
    people_involved: int,
    description: str = "",
    warning_id: int | None = None,
    now: dt.datetime | None = None,
) -> ProblemRecord:
    """Register a problem, from a confirmed warning or on an analyst's own finding.

    Every problem with the input is listed; nothing is written when one is found.
    """
    require(actor, "warnings.problems_open")
    now = current(now)
    problems = _checked(kind, title, leading_office, people_involved, description, warning_id)
    if not OrgUnit.objects.filter(pk=responsible_unit_id).exists():
        problems.append(Problem(None, "responsible_unit", _("unknown unit")))
    if problems:
        raise InputRefused(problems)
    try:
        with transaction.atomic():
            problem = ProblemRecord.objects.create(
                kind=kind,
                title=title.strip(),
                description=description.strip(),
                responsible_unit_id=responsible_unit_id,
                leading_office=leading_office.strip(),
                deadline=deadline,
                people_involved=people_involved,
                warning_id=warning_id,
                opened_at=now,
                opened_by=actor.user,
            )
            record_event(
                actor=actor,
                event=Event.WARNINGS_PROBLEM_OPEN,
                obj=problem,
                detail={"kind": kind, "warning": warning_id, "unit": responsible_unit_id},
            )
    except IntegrityError:
        raise InputRefused(
            [Problem(None, "warning", _("a problem is already registered for this warning"))]
        ) from None
    return problem


def _checked(
    kind: str,
    title: str,
    leading_office: str,
    people: int,
    description: str,
    warning_id: int | None,
) -> list[Problem]:
    problems = []
    if kind not in ProblemKind.values:
        problems.append(Problem(None, "kind", _("choose a kind")))
    if not (title or "").strip() or len(title.strip()) > 200:
        problems.append(Problem(None, "title", _("a title of 1 to 200 characters is required")))
    if not (leading_office or "").strip() or len(leading_office.strip()) > 100:
        problems.append(
            Problem(
                None, "leading_office", _("a leading office of 1 to 100 characters is required")
            )
        )
    if not 0 <= people <= MAX_PEOPLE:
        problems.append(
            Problem(None, "people_involved", _("a number from 0 to %(n)s") % {"n": MAX_PEOPLE})
        )
    if len(description or "") > 4000:
        problems.append(Problem(None, "description", _("at most %(n)s characters") % {"n": 4000}))
    if (
        warning_id is not None
        and not Warning.objects.filter(
            pk=warning_id, closed=True, verdict=Verdict.CONFIRMED
        ).exists()
    ):
        problems.append(
            Problem(None, "warning", _("only a warning closed as confirmed opens a problem"))
        )
    return problems


def add_note(
    *, actor: Actor, problem_id: int, text: str, now: dt.datetime | None = None
) -> ProblemNote:
    """Note progress on an open problem (the office, or the responsible unit's viewers)."""
    now = current(now)
    text = required_text(text, "text")
    with transaction.atomic():
        problem = ProblemRecord.objects.select_for_update().get(pk=problem_id)
        require_unit_in_scope(
            actor=actor, action="warnings.problems_note", unit_id=problem.responsible_unit_id
        )
        if problem.status != ProblemStatus.OPEN:
            raise InputRefused([Problem(None, "text", _("the problem is already resolved"))])
        note = ProblemNote.objects.create(problem=problem, at=now, author=actor.user, text=text)
        record_event(actor=actor, event=Event.WARNINGS_PROBLEM_NOTE, obj=problem)
    return note


def resolve_problem(
    *, actor: Actor, problem_id: int, resolution: str, now: dt.datetime | None = None
) -> ProblemRecord:
    """The office marks a problem resolved, saying how (compare-and-set on its status)."""
    require(actor, "warnings.problems_resolve")
    now = current(now)
    resolution = required_text(resolution, "resolution")
    with transaction.atomic():
        done = ProblemRecord.objects.filter(pk=problem_id, status=ProblemStatus.OPEN).update(
            status=ProblemStatus.RESOLVED, resolution=resolution, resolved_at=now
        )
        if done != 1:
            raise InputRefused([Problem(None, "resolution", _("the problem is already resolved"))])
        problem = ProblemRecord.objects.get(pk=problem_id)
        record_event(actor=actor, event=Event.WARNINGS_PROBLEM_RESOLVE, obj=problem)
    return problem
