"""Reactions of units to other apps' events: a scheme may not drop a class units still use."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from pingan.core import events
from pingan.core.problems import InputRefused, Problem
from pingan.schemes.selectors import dropped_class_codes, scheme_links
from pingan.units.models import OrgUnit
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


def refuse_links_out_of_class(*, scheme_code: str, **_payload: Any) -> None:
    """Refuse a version whose linked pairs name a unit that is unknown or in the wrong class."""
    classes, pairs = scheme_links(scheme_code)
    if not pairs:
        return
    codes = {code for pair in pairs for code in pair}
    unit_class = dict(OrgUnit.objects.filter(code__in=codes).values_list("code", "eval_class"))
    problems = []
    for i, pair in enumerate(pairs):
        for j, code in enumerate(pair):
            where = "links.pairs[%d][%d]" % (i, j)
            if code not in unit_class:
                problems.append(Problem(None, where, _("unknown unit %(code)s") % {"code": code}))
            elif unit_class[code] != classes[j]:
                problems.append(
                    Problem(
                        None,
                        where,
                        _("unit %(code)s is in class %(actual)s, not %(expected)s")
                        % {"code": code, "actual": unit_class[code] or "-", "expected": classes[j]},
                    )
                )
    if problems:
        raise InputRefused(problems)


SUBSCRIPTIONS = {events.SCHEME_CHANGED: [refuse_dropping_classes_in_use, refuse_links_out_of_class]}
