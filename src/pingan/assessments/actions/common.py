"""What every assessment action shares: scope checks, locking the row, the state guard, the rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.assessments.models import Assessment
from pingan.assessments.scope import in_scope, missing_dimensions, recommendation
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import READ_ALL, require
from pingan.core.problems import InputRefused, Problem

MAX_TEXT = 5000
REASON_MIN = 10


def today() -> dt.date:
    """Today in the local time zone."""
    return timezone.localdate()


def require_scope(actor: Actor, action: str, assessment: Assessment, *roles: str) -> None:
    """Require `action` and a role among `roles` whose unit covers the assessment."""
    require(actor, action)
    if actor.roles & READ_ALL and not roles:
        return
    if not in_scope(actor, assessment, roles):
        raise PermissionDenied(_("This assessment is outside your scope."))


def locked(assessment_id: int) -> Assessment:
    """The assessment, locked for the rest of the transaction (refused when it does not exist)."""
    found = Assessment.objects.select_for_update().filter(pk=assessment_id).first()
    if found is None:
        raise InputRefused([Problem(None, "assessment", _("no such assessment"))])
    return found


def require_status(assessment: Assessment, *statuses: str) -> None:
    """Refuse the action unless the assessment is in one of `statuses`."""
    if assessment.status not in statuses:
        raise InputRefused(
            [
                Problem(
                    None,
                    "status",
                    _("not possible while the assessment is %(status)s")
                    % {"status": assessment.get_status_display()},
                )
            ]
        )


def text_problem(
    field: str, value: str, *, required: bool = True, limit: int = MAX_TEXT
) -> list[Problem]:
    """The problem with a text field: missing when required, or too long."""
    value = (value or "").strip()
    if required and not value:
        return [Problem(None, field, _("this field is required"))]
    if len(value) > limit:
        return [Problem(None, field, _("at most %(n)s characters") % {"n": limit})]
    return []


def scale_problem(field: str, value: Any) -> list[Problem]:
    """The problem with a value of the 1–5 scale of likelihood and impact."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        return [
            Problem(
                None,
                field,
                _("a whole number from 1 to 5 is required (%(value)s given)") % {"value": value},
            )
        ]
    return []


__all__ = ["in_scope", "missing_dimensions", "recommendation"]
