"""Months ("YYYY-MM") and quarters ("YYYYQn"): parsing, stepping and bounds, as plain calendar text.

Every function taking a month or a quarter refuses a malformed one with a ValueError naming it;
`parse_month` alone answers None instead, for checking input.
"""

from __future__ import annotations

import datetime as dt
import re

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def parse_month(text: str) -> tuple[int, int] | None:
    """Return (year, month) of a "YYYY-MM" text, or None when it is not a valid month (years 1900-2999)."""
    match = MONTH.match(text)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 1900 <= year <= 2999):
        return None
    return year, month


def checked_month(text: str) -> tuple[int, int]:
    """(year, month) of "YYYY-MM"; ValueError naming the text otherwise."""
    parsed = parse_month(text)
    if parsed is None:
        raise ValueError("not a month of the form YYYY-MM: %r" % text)
    return parsed


def parse_quarter(text: str) -> tuple[int, int]:
    """(year, quarter) of "YYYYQn"; ValueError naming the text otherwise."""
    match = QUARTER.match(text)
    if not match:
        raise ValueError("not a quarter of the form YYYYQn: %r" % text)
    return int(match.group(1)), int(match.group(2))


def month_text(year: int, month: int) -> str:
    """The "YYYY-MM" text of a month."""
    return "%04d-%02d" % (year, month)


def first_day(month: str) -> dt.date:
    """The first day of a month."""
    year, number = checked_month(month)
    return dt.date(year, number, 1)


def last_day(month: str) -> dt.date:
    """The last day of a month."""
    return first_day(next_month(month)) - dt.timedelta(days=1)


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """First and last day of a month."""
    return first_day(month), last_day(month)


def next_month(month: str) -> str:
    """The month after."""
    year, number = checked_month(month)
    return month_text(year + number // 12, number % 12 + 1)


def previous_month(month: str) -> str:
    """The month before."""
    year, number = checked_month(month)
    return month_text(year - 1, 12) if number == 1 else month_text(year, number - 1)


def month_range(first: str, last: str) -> list[str]:
    """Every month from `first` to `last`, both included."""
    months, month = [], first
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def quarter_of(month: str) -> str:
    """The quarter ("YYYYQn") a month falls in."""
    year, number = checked_month(month)
    return "%04dQ%d" % (year, (number - 1) // 3 + 1)


def quarter_months(quarter: str) -> list[str]:
    """The three months of a quarter."""
    year, q = parse_quarter(quarter)
    return [month_text(year, 3 * (q - 1) + m) for m in (1, 2, 3)]


def shift_quarter(quarter: str, by: int) -> str:
    """The quarter `by` quarters later (earlier when negative)."""
    year, q = parse_quarter(quarter)
    index = year * 4 + (q - 1) + by
    return "%04dQ%d" % (index // 4, index % 4 + 1)


def quarter_window(quarter: str, length: int) -> list[str]:
    """`length` quarters ending with `quarter`, oldest first."""
    return [shift_quarter(quarter, -k) for k in range(length - 1, -1, -1)]


def quarter_bounds(quarter: str) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter."""
    months = quarter_months(quarter)
    return first_day(months[0]), last_day(months[-1])


YEAR = re.compile(r"^(\d{4})$")
PERIOD_KINDS = ("month", "quarter", "year")
"""Scoring periods a scheme may use: a month "YYYY-MM", a quarter "YYYYQn" or a year "YYYY"."""
PER_YEAR = {"month": 12, "quarter": 4, "year": 1}


def period_kind(period: str) -> str:
    """The kind, "month", "quarter" or "year", of a period text; ValueError naming it otherwise."""
    if QUARTER.match(period):
        return "quarter"
    if parse_month(period) is not None:
        return "month"
    if YEAR.match(period) and 1900 <= int(period) <= 2999:
        return "year"
    raise ValueError("not a month, quarter or year: %r" % period)


def period_months(period: str) -> list[str]:
    """The months of a month, a quarter or a year."""
    kind = period_kind(period)
    if kind == "month":
        return [period]
    if kind == "quarter":
        return quarter_months(period)
    return [month_text(int(period), m) for m in range(1, 13)]


def shift_period(period: str, by: int) -> str:
    """The period `by` periods of the same kind later (earlier when negative)."""
    kind = period_kind(period)
    if kind == "quarter":
        return shift_quarter(period, by)
    if kind == "year":
        return "%04d" % (int(period) + by)
    year, month = checked_month(period)
    index = year * 12 + (month - 1) + by
    return month_text(index // 12, index % 12 + 1)


def period_window(period: str, length: int) -> list[str]:
    """`length` periods of the same kind ending with `period`, oldest first."""
    return [shift_period(period, -k) for k in range(length - 1, -1, -1)]


def year_before(period: str) -> str:
    """The same period a year earlier (同期)."""
    return shift_period(period, -PER_YEAR[period_kind(period)])


def period_of(month: str, kind: str) -> str:
    """The period of the given kind a month falls in."""
    if kind == "month":
        checked_month(month)
        return month
    if kind == "quarter":
        return quarter_of(month)
    return "%04d" % checked_month(month)[0]


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a month, a quarter or a year."""
    months = period_months(period)
    return first_day(months[0]), last_day(months[-1])
