"""Matters written straight into the table for the scan tests (the scan reads the table only)."""

from __future__ import annotations

import datetime as dt
import itertools

from pingan.matters.models import Category, Grade, Matter
from pingan.units.models import OrgUnit

_numbers = itertools.count(1)


def add_matters(
    *,
    unit: str,
    category: str,
    moments: list[dt.datetime],
    address: str = "",
    status: str = "received",
) -> None:
    """One matter per moment, of the category at the unit (and address)."""
    place = OrgUnit.objects.get(code=unit)
    kind = Category.objects.get(code=category)
    grade = Grade.objects.get(level=3)
    original = Matter.objects.order_by("pk").first() if status == "merged" else None
    rows = []
    for moment in moments:
        n = next(_numbers)
        rows.append(
            Matter(
                number="T%08d" % n, category=kind, grade=grade, description="test",
                place_unit=place, address=address, channel="web", public_token="tok%08d" % n,
                received_at=moment, status=status, merged_into=original,
            )
        )  # fmt: skip
    Matter.objects.bulk_create(rows)
