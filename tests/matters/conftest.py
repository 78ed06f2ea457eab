"""Fixtures for matters: the demo units, a dispatcher, handlers of two units, and a matter factory."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pingan.matters.actions import catalogue, intake
from pingan.units.models import OrgUnit

TZ = timezone.get_fixed_timezone(8 * 60)
PHONE = "13912345678"


def at(day: str, hour: int = 10) -> dt.datetime:
    """A moment on a local (Beijing) day."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=TZ)


@pytest.fixture
def units(demo_units):
    """The demo units by code."""
    catalogue.ensure_defaults()
    return {u.code: u for u in OrgUnit.objects.all()}


@pytest.fixture
def people(units, make_user, actor_of):
    """A dispatcher, two handlers of BZ01, one of BZ02 and an analyst, as users and actors."""
    users = {
        "dispatcher": make_user("dispatcher", username="disp"),
        "handler": make_user("handler", unit="BZ01", username="h1"),
        "colleague": make_user("handler", unit="BZ01", username="h1b"),
        "other": make_user("handler", unit="BZ02", username="h2"),
        "analyst": make_user("analyst", username="ana"),
    }
    return {name: (user, actor_of(user)) for name, user in users.items()}


@pytest.fixture
def new_matter(people):
    """Create a matter received at the centre (grade 2 unless told)."""

    def make(*, grade: int = 2, now: dt.datetime | None = None, place: str = "BZ0101", **extra):
        fields = {
            "category_code": "neighbour_noise",
            "grade_level": grade,
            "description": "楼上装修噪音持续到深夜",
            "place_unit_code": place,
            "channel": "phone",
            "parties": "王某与李某",
            "party_contact": "13800001111",
            "reporter_name": "张三",
            "reporter_phone": PHONE,
            **extra,
        }
        return intake.intake_matter(
            actor=people["dispatcher"][1], now=now or at("2025-09-26", 9), **fields
        )

    return make
