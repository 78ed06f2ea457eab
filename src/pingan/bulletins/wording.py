"""The words of a bulletin that name its own period: this month, this quarter or this year.

A scheme evaluates by month, quarter or year (its ``period``); the bulletin of a monthly scheme
says 本月 and 较上月 where a quarterly one says 本季度 and 较上季度, and a yearly one 本年度 and
较上年度 (English: this month / previous month, this quarter / previous quarter, this year /
previous year). Each phrase is its own message so that both catalogues hold whole sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from pingan.core.period_labels import kind_of


@dataclass(frozen=True)
class PeriodPhrases:
    """The bulletin's sentences that speak of its period, in the current language."""

    veto: str
    incomplete: str
    no_score: str
    withheld_summary: str
    no_warnings: str
    changes_heading: str
    no_key_units: str


def _month() -> PeriodPhrases:
    return PeriodPhrases(
        veto=_("%(unit)s: one-vote veto applies this month."),
        incomplete=_(
            "%(unit)s: figures incomplete for this month; %(n)d missing cells imputed "
            "from the unit's own mean."
        ),
        no_score=_("%(unit)s (%(class)s): no score this month; missing %(cells)s."),
        withheld_summary=_(
            "%(n)d units did not report every figure and have no score this month "
            "(listed under units not fully reported)."
        ),
        no_warnings=_("No further warnings this month."),
        changes_heading=_("Notable changes on the previous month"),
        no_key_units=_("No unit is under key management this month."),
    )


def _year() -> PeriodPhrases:
    return PeriodPhrases(
        veto=_("%(unit)s: one-vote veto applies this year."),
        incomplete=_(
            "%(unit)s: figures incomplete for this year; %(n)d missing cells imputed "
            "from the unit's own mean."
        ),
        no_score=_("%(unit)s (%(class)s): no score this year; missing %(cells)s."),
        withheld_summary=_(
            "%(n)d units did not report every figure and have no score this year "
            "(listed under units not fully reported)."
        ),
        no_warnings=_("No further warnings this year."),
        changes_heading=_("Notable changes on the previous year"),
        no_key_units=_("No unit is under key management this year."),
    )


def _quarter() -> PeriodPhrases:
    return PeriodPhrases(
        veto=_("%(unit)s: one-vote veto applies this quarter."),
        incomplete=_(
            "%(unit)s: figures incomplete for this quarter; %(n)d missing cells imputed "
            "from the unit's own mean."
        ),
        no_score=_("%(unit)s (%(class)s): no score this quarter; missing %(cells)s."),
        withheld_summary=_(
            "%(n)d units did not report every figure and have no score this quarter "
            "(listed under units not fully reported)."
        ),
        no_warnings=_("No further warnings this quarter."),
        changes_heading=_("Notable changes on the previous quarter"),
        no_key_units=_("No unit is under key management."),
    )


def period_phrases(period: str) -> PeriodPhrases:
    """The phrases for the kind of ``period`` (2026-10 a month, 2026Q3 a quarter, 2026 a year)."""
    kind = kind_of(period)
    if kind == "month":
        return _month()
    if kind == "year":
        return _year()
    return _quarter()
