"""The catalogue and the rules of the matters app: categories and their groups, grades, escalation
ladders, dispatch rules and the policy row. Only the system administrator changes them.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from pingan.accounts.models import RoleAssignment, User
from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.access.roles import Role
from pingan.core.problems import Conflict, InputRefused, Problem
from pingan.matters.actions.common import policy
from pingan.matters.defaults import load_defaults
from pingan.matters.models import Category, CategoryGroup, DispatchRule, Grade, LadderStep, Policy
from pingan.units.models import OrgUnit
from pingan.units.tree import ancestors


def ensure_defaults() -> None:
    """Create the built-in catalogue, grades, ladders and policy where missing."""
    load_defaults(CategoryGroup, Category, Grade, LadderStep, Policy)


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
    scope = {unit.pk, *ancestors(unit.pk)}
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
