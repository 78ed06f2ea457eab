"""Reporting deadlines: when a month's figures are due and whether a month has ended, in the configured time zone.

The calendar itself (months, quarters) is `pingan.core.periods`.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings

from pingan.core.periods import first_day, last_day, next_month


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
