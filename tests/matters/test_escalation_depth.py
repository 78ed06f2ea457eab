"""Escalation climbs the unit tree office by office at any depth: an overdue matter of a grid at
depth 6 goes to its village's office at once, then one office further up for each working day it
stays overdue, to the province at the top; each office hears of it once per deadline, and a
leader granted at a unit reads only the escalations of its own subtree."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pingan.core.access.actor import actor_for_user, job_actor
from pingan.matters import selectors
from pingan.matters.actions import deadlines
from pingan.matters.actions.catalogue import ensure_defaults
from pingan.matters.models import Category, Channel, Grade, Matter, Notice, Status
from pingan.units.models import OrgUnit
from tests.units.test_tree import make_chain

ZONE = dt.timezone(dt.timedelta(hours=8))


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=ZONE)


@pytest.fixture
def overdue(db):
    """T0 (province) … T6 (grid); a matter of T6 due Monday 1 September 2025, still open."""
    ensure_defaults()
    chain = make_chain()
    matter = Matter.objects.create(
        number="M-T6",
        category=Category.objects.order_by("pk").first(),
        grade=Grade.objects.order_by("pk").first(),
        description="楼上装修噪音",
        place_unit=chain[6],
        responsible_unit=chain[6],
        channel=Channel.PHONE,
        public_token="token-T6",
        received_at=at("2025-08-25"),
        status=Status.IN_PROGRESS,
        handle_due=dt.date(2025, 9, 1),
        overdue=True,
    )
    return chain, matter


def _offices() -> list[str]:
    notices = Notice.objects.filter(kind=Notice.ESCALATION).order_by("created_at", "pk")
    return [n.unit.code if n.unit else "-" for n in notices]


def test_each_working_day_overdue_reaches_one_office_further_up(overdue):
    job = job_actor("test")
    with timezone.override(ZONE):
        assert deadlines.escalate_overdue(actor=job, now=at("2025-09-02")) == 1  # Tuesday
        assert _offices() == ["T5"]
        assert deadlines.escalate_overdue(actor=job, now=at("2025-09-02", 15)) == 0
        assert deadlines.escalate_overdue(actor=job, now=at("2025-09-04")) == 2  # Thursday
        assert _offices() == ["T5", "T4", "T3"]
        assert deadlines.escalate_overdue(actor=job, now=at("2025-09-05")) == 1  # Friday
        assert deadlines.escalate_overdue(actor=job, now=at("2025-09-06")) == 0  # Saturday
        assert deadlines.escalate_overdue(actor=job, now=at("2025-09-08")) == 1  # Monday
        assert _offices() == ["T5", "T4", "T3", "T2", "T1"]
        assert deadlines.escalate_overdue(actor=job, now=at("2025-09-15")) == 1
        assert deadlines.escalate_overdue(actor=job, now=at("2025-09-22")) == 0
    assert _offices() == ["T5", "T4", "T3", "T2", "T1", "T0"]


def test_leaders_are_mailed_at_their_own_office_and_the_top_at_the_top(
    overdue, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    township = make_user("leader", unit="T3", username="township")
    township.email = "township@example.org"
    township.save()
    top = make_user("leader", username="top")
    top.email = "top@example.org"
    top.save()
    job = job_actor("test")
    with timezone.override(ZONE), django_capture_on_commit_callbacks(execute=True):
        deadlines.escalate_overdue(actor=job, now=at("2025-09-02"))
        deadlines.escalate_overdue(actor=job, now=at("2025-09-04"))
    assert [m.to for m in mailoutbox] == [["township@example.org"]]
    with timezone.override(ZONE), django_capture_on_commit_callbacks(execute=True):
        deadlines.escalate_overdue(actor=job, now=at("2025-09-15"))
    assert [m.to for m in mailoutbox] == [["township@example.org"], ["top@example.org"]]


def test_a_unit_leader_reads_the_escalations_of_its_subtree_only(overdue, make_user):
    job = job_actor("test")
    with timezone.override(ZONE):
        deadlines.escalate_overdue(actor=job, now=at("2025-09-02"))
        deadlines.escalate_overdue(actor=job, now=at("2025-09-15"))
    county = actor_for_user(make_user("leader", unit="T2"), channel="web")
    village = actor_for_user(make_user("leader", unit="T5"), channel="web")
    everyone = actor_for_user(make_user("leader"), channel="web")

    def seen(actor) -> list[str]:
        return sorted(n.unit.code for n in selectors.notices_for(actor=actor))

    assert seen(county) == ["T2", "T3", "T4", "T5"]
    assert seen(village) == ["T5"]
    assert seen(everyone) == ["T0", "T1", "T2", "T3", "T4", "T5"]


def test_a_matter_of_the_top_unit_goes_to_the_top_office(db, make_user):
    ensure_defaults()
    top = OrgUnit.objects.create(code="P", name_zh="省", level=0)
    Matter.objects.create(
        number="M-P",
        category=Category.objects.order_by("pk").first(),
        grade=Grade.objects.order_by("pk").first(),
        description="x",
        place_unit=top,
        responsible_unit=top,
        channel=Channel.PHONE,
        public_token="token-P",
        received_at=at("2025-08-25"),
        status=Status.IN_PROGRESS,
        handle_due=dt.date(2025, 9, 1),
        overdue=True,
    )
    with timezone.override(ZONE):
        assert deadlines.escalate_overdue(actor=job_actor("test"), now=at("2025-09-03")) == 1
    assert _offices() == ["-"]


def test_a_centre_granted_at_a_unit_sees_the_matters_of_its_subtree_only(overdue, make_user):
    chain, matter = overdue
    sibling = OrgUnit.objects.create(code="X4", name_zh="邻村", parent=chain[3], level=4)
    Matter.objects.create(
        number="M-X4",
        category=matter.category,
        grade=matter.grade,
        description="x",
        place_unit=sibling,
        responsible_unit=sibling,
        channel=Channel.PHONE,
        public_token="token-X4",
        received_at=at("2025-08-25"),
    )

    def numbers(user) -> list[str]:
        actor = actor_for_user(user, channel="web")
        return sorted(m.number for m in selectors.visible_matters(actor=actor))

    assert numbers(make_user("dispatcher", unit="T4")) == ["M-T6"]
    assert numbers(make_user("dispatcher", unit="T3")) == ["M-T6", "M-X4"]
    assert numbers(make_user("dispatcher")) == ["M-T6", "M-X4"]
