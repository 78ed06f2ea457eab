"""Fixtures for warnings: the demo units, the office, a unit viewer, and a signal factory."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pingan.core.access.actor import job_actor
from pingan.units.models import OrgUnit
from pingan.warnings.actions.raising import Signal, raise_signal

TZ = timezone.get_fixed_timezone(8 * 60)


def at(day: str, hour: int = 10) -> dt.datetime:
    """A moment on a local (Beijing) day."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=TZ)


@pytest.fixture
def units(demo_units):
    """The demo units by code."""
    return {u.code: u for u in OrgUnit.objects.all()}


@pytest.fixture
def people(units, make_user, actor_of):
    """An analyst, the office head, a leader, viewers of BZ01 and BZ02, as (user, actor)."""
    users = {
        "analyst": make_user("analyst", username="ana"),
        "head": make_user("office_head", username="head"),
        "leader": make_user("leader", username="lead"),
        "viewer": make_user("unit_viewer", unit="BZ01", username="v1"),
        "other": make_user("unit_viewer", unit="BZ02", username="v2"),
    }
    for name, user in users.items():
        user.email = name + "@example.org"
        user.save()
    return {name: (user, actor_of(user)) for name, user in users.items()}


@pytest.fixture
def signal(units):
    """Raise (or attach) a signal on a unit's series as the system's job does."""

    def make(
        *,
        unit: str = "BZ01",
        series_key: str = "mass_incident",
        period: str = "2026-09",
        level: str = "yellow",
        observed: float = 5.0,
        threshold: float | None = 3.0,
        source: str = "figures",
        now: dt.datetime | None = None,
    ):
        return raise_signal(
            actor=job_actor("warnings"),
            signal=Signal(
                source=source,
                unit_id=units[unit].pk,
                series_key=series_key,
                period=period,
                level=level,
                observed=observed,
                expected=1.0,
                threshold=threshold,
                detector="ears_c2",
                alpha=0.01,
            ),
            now=now or at("2026-10-06"),
        )

    return make


@pytest.fixture
def client():
    """A test client asking for English pages (messages are asserted in English)."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")
