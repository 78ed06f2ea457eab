"""Reactions of units to other apps' events: a scheme may not drop a class units still use."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from pingan.core import events
from pingan.core.problems import InputRefused, Problem
from pingan.schemes.selectors import dropped_class_codes
from pingan.units.selectors import classes_in_use


def refuse_dropping_classes_in_use(*, scheme_code: str, **_payload: Any) -> None:
    """Refuse a new scheme version that drops a class some unit is still evaluated in."""
    in_use = classes_in_use(dropped_class_codes(scheme_code))
    if in_use:
        raise InputRefused(
            [
                Problem(
                    None,
                    "classes",
                    _("class %(code)s is still used by units; move them first") % {"code": c},
                )
                for c in in_use
            ]
        )


SUBSCRIPTIONS = {events.SCHEME_CHANGED: [refuse_dropping_classes_in_use]}
