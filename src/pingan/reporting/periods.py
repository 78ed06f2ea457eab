"""Months as "YYYY-MM" text, their quarters, and reporting deadlines in the configured time zone."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from django.conf import settings

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> tuple[int, int] | None:
    """Return (year, month) of a "YYYY-MM" text, or None when it is not a valid month."""
    match = MONTH_PATTERN.match(text)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 1900 <= year <= 2999):
        return None
    return year, month


def month_text(year: int, month: int) -> str:
    """The "YYYY-MM" text of a month."""
    return "%04d-%02d" % (year, month)


def first_day(month: str) -> dt.date:
    """The first day of a month."""
    year, number = _checked(month)
    return dt.date(year, number, 1)


def last_day(month: str) -> dt.date:
    """The last day of a month."""
    return first_day(next_month(month)) - dt.timedelta(days=1)


def next_month(month: str) -> str:
    """The month after."""
    year, number = _checked(month)
    return month_text(year + number // 12, number % 12 + 1)


def previous_month(month: str) -> str:
    """The month before."""
    year, number = _checked(month)
    return month_text(year - 1, 12) if number == 1 else month_text(year, number - 1)


def month_range(first: str, last: str) -> list[str]:
    """Every month from `first` to `last`, both included."""
    months, month = [], first
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def quarter_of(month: str) -> str:
    """The quarter ("YYYYQn") a month belongs to."""
    year, number = _checked(month)
    return "%dQ%d" % (year, (number - 1) // 3 + 1)


def quarter_months(quarter: str) -> list[str]:
    """The three months of a quarter given as "YYYYQn"."""
    year, q = int(quarter[:4]), int(quarter[-1])
    return [month_text(year, 3 * (q - 1) + i) for i in (1, 2, 3)]


def local_zone() -> zoneinfo.ZoneInfo:
    """The time zone deadlines are reckoned in (settings.TIME_ZONE, Asia/Shanghai by default)."""
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def deadline(month: str, deadline_day: int) -> dt.datetime:
    """The instant a month's figures are due: the end of `deadline_day` of the next month, local time.

    Returned as the first instant after the deadline day (midnight), so "on time" means strictly before it.
    A deadline day past the end of the next month falls on that month's last day.
    """
    due_month = next_month(month)
    due_day = min(deadline_day, last_day(due_month).day)
    day_after = first_day(due_month).replace(day=due_day) + dt.timedelta(days=1)
    return dt.datetime.combine(day_after, dt.time(), tzinfo=local_zone())


def due_on(deadline_instant: dt.datetime) -> dt.date:
    """The deadline day itself (the local day that ends at `deadline_instant`), for display."""
    return (deadline_instant.astimezone(local_zone()) - dt.timedelta(days=1)).date()


def has_ended(month: str, now: dt.datetime) -> bool:
    """Whether the month is over at `now` (local time), so its figures can be reported."""
    return now.astimezone(local_zone()).date() > last_day(month)


def _checked(month: str) -> tuple[int, int]:
    parsed = parse_month(month)
    if parsed is None:
        raise ValueError("not a month: %r" % month)
    return parsed
