"""Working days by the Chinese holiday calendar, with make-up working days (调休)."""

from __future__ import annotations

import datetime as dt

import chinese_calendar


def is_workday(day: dt.date) -> bool:
    """Whether `day` is a working day; years the calendar does not cover fall back to Monday–Friday."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date of the `days`-th working day after `start` (the start day itself does not count).

    A deadline of 0 working days is the start day itself.
    """
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day
