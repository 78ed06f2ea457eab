"""Months ("YYYY-MM") and quarters ("YYYYQn")."""

from __future__ import annotations

import datetime as dt
import re

QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_quarter(text: str) -> tuple[int, int]:
    """(year, quarter) of "YYYYQn"; ValueError otherwise."""
    match = QUARTER.match(text)
    if not match:
        raise ValueError("not a quarter of the form YYYYQn: %r" % text)
    return int(match.group(1)), int(match.group(2))


def quarter_months(quarter: str) -> list[str]:
    """The three months of a quarter."""
    year, q = parse_quarter(quarter)
    return ["%04d-%02d" % (year, 3 * (q - 1) + m) for m in (1, 2, 3)]


def quarter_of(month: str) -> str:
    """The quarter a month ("YYYY-MM") falls in."""
    year, number = int(month[:4]), int(month[5:7])
    return "%04dQ%d" % (year, (number - 1) // 3 + 1)


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
    first = dt.date(int(months[0][:4]), int(months[0][5:]), 1)
    after = dt.date(first.year + (first.month + 3 > 12), (first.month + 2) % 12 + 1, 1)
    return first, after - dt.timedelta(days=1)


def is_month(text: str) -> bool:
    """Whether the text is a month "YYYY-MM"."""
    return bool(MONTH.match(text))


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """First and last day of a month ("YYYY-MM")."""
    year, number = int(month[:4]), int(month[5:7])
    first = dt.date(year, number, 1)
    after = dt.date(year + number // 12, number % 12 + 1, 1)
    return first, after - dt.timedelta(days=1)
