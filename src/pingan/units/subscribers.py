"""Reactions of units to other apps' events: a scheme may not drop a class units still use,
nor name classes or linked units outside the office it is bound to."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from pingan.core import events
from pingan.core.problems import InputRefused, Problem
from pingan.schemes.selectors import dropped_class_codes, scheme_links, scheme_office
from pingan.units.models import OrgUnit
from pingan.units.selectors import classes_in_use
from pingan.units.tree import in_subtree


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


def refuse_classes_outside_office(*, scheme_code: str, **_payload: Any) -> None:
    """Refuse a version bound to an office when a class or a linked unit is not below the office.

    A class some units already carry needs one of them in the office's subtree (a class no
    unit carries yet is for units still to come); each unit of a linked pair must be in that
    subtree (the office evaluates nothing outside it).
    """
    office_id, classes = scheme_office(scheme_code)
    if office_id is None:
        return
    office = OrgUnit.objects.get(pk=office_id)
    below = OrgUnit.objects.filter(in_subtree([office_id])).exclude(pk=office_id)
    used = set(below.filter(eval_class__in=classes).values_list("eval_class", flat=True))
    anywhere = set(classes_in_use(set(classes)))
    problems = [
        Problem(
            None,
            "classes[%d]" % i,
            _("the units of class %(code)s are all outside the office %(office)s")
            % {"code": code, "office": office.code},
        )
        for i, code in enumerate(classes)
        if code in anywhere and code not in used
    ]
    _linked_classes, pairs = scheme_links(scheme_code)
    inside = set(below.values_list("code", flat=True))
    for i, pair in enumerate(pairs):
        problems.extend(
            Problem(
                None,
                "links.pairs[%d][%d]" % (i, j),
                _("unit %(code)s is not below the office %(office)s")
                % {"code": code, "office": office.code},
            )
            for j, code in enumerate(pair)
            if code not in inside
        )
    if problems:
        raise InputRefused(problems)


SUBSCRIPTIONS = {
    events.SCHEME_CHANGED: [
        refuse_dropping_classes_in_use,
        refuse_links_out_of_class,
        refuse_classes_outside_office,
    ]
}
