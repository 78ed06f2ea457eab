"""Working-day deadlines by the Chinese holiday calendar, with make-up working days."""

from __future__ import annotations

import datetime as dt

import pytest

from pingan.matters.workdays import add_working_days, is_workday, working_days_between

D = dt.date.fromisoformat


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        ("2025-09-26", 1, "2025-09-28"),  # Sunday 28 September is a make-up working day
        ("2025-09-26", 3, "2025-09-30"),
        ("2025-09-29", 2, "2025-10-09"),  # 1–8 October are the National Day holiday
        ("2025-09-30", 3, "2025-10-11"),  # Saturday 11 October is a make-up working day
        ("2025-09-30", 4, "2025-10-13"),
        ("2025-10-01", 1, "2025-10-09"),
        ("2025-09-26", 7, "2025-10-13"),
        ("2025-09-26", 0, "2025-09-26"),
    ],
)
def test_add_working_days_around_national_day_2025(start, days, due):
    assert add_working_days(D(start), days) == D(due)


def test_make_up_days_and_holidays():
    assert (
        is_workday(D("2025-09-28")),
        is_workday(D("2025-10-11")),
        is_workday(D("2025-10-03")),
    ) == (True, True, False)
    assert working_days_between(D("2025-09-26"), D("2025-10-13")) == 7


def test_years_beyond_the_calendar_fall_back_to_weekdays():
    assert (is_workday(D("2099-03-02")), is_workday(D("2099-03-01"))) == (True, False)
