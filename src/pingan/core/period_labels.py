"""Periods written for people, in the current language: "2026年10月", "2026年", "2026Q3".

A month reads "2026年10月" (English "October 2026"), a year "2026年" (English "2026"); a quarter
keeps its code "2026Q3" on pages (the bulletin writes quarters out itself). The words of a page
that speak of "the quarter" follow the scheme's period kind through :func:`period_words`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from pingan.core.periods import checked_month, period_kind


def _month_name(number: int) -> str:
    names = (
        pgettext("month of a period", "January"),
        pgettext("month of a period", "February"),
        pgettext("month of a period", "March"),
        pgettext("month of a period", "April"),
        pgettext("month of a period", "May"),
        pgettext("month of a period", "June"),
        pgettext("month of a period", "July"),
        pgettext("month of a period", "August"),
        pgettext("month of a period", "September"),
        pgettext("month of a period", "October"),
        pgettext("month of a period", "November"),
        pgettext("month of a period", "December"),
    )
    return names[number - 1]


def period_label(period: str) -> str:
    """The period as people read it: a month "2026年10月", a year "2026年", a quarter "2026Q3".

    Text that is not a period comes back unchanged (a page never fails on a label).
    """
    try:
        kind = period_kind(period)
    except ValueError:
        return period
    if kind == "month":
        year, number = checked_month(period)
        return pgettext("period", "%(month)s %(year)s") % {
            "month": _month_name(number),
            "year": year,
        }
    if kind == "year":
        return pgettext("period", "%(year)s") % {"year": period}
    return period


def kind_of(period: str) -> str:
    """The kind of a period text; "quarter" for an empty or malformed one."""
    try:
        return period_kind(period)
    except ValueError:
        return "quarter"


def period_words(kind: str) -> dict[str, str]:
    """The words of a page for a scheme's period kind ("month", "quarter" or "year")."""
    if kind == "month":
        return {
            "kind": _("Month"),
            "previous": _("vs last month"),
            "year_ago": _("vs same month last year"),
        }
    if kind == "year":
        return {"kind": _("Year"), "previous": _("vs last year"), "year_ago": _("vs last year")}
    return {
        "kind": _("Quarter"),
        "previous": _("vs last quarter"),
        "year_ago": _("vs same quarter last year"),
    }


def period_problem(period: str, kind: str) -> str:
    """Why `period` is not a period of `kind` ("" when it is), naming the form expected."""
    try:
        if period_kind(period) == kind:
            return ""
    except ValueError:
        pass
    forms = {
        "month": _("not a month of the form YYYY-MM"),
        "year": _("not a year of the form YYYY"),
    }
    return forms.get(kind, _("not a quarter of the form YYYYQn"))
