"""Deadlines: working days by the Chinese holiday calendar (with make-up working days), and the
periodic job flagging, reminding and escalating once per deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from pingan.core.access.actor import job_actor
from pingan.matters import selectors
from pingan.matters.actions import deadlines, workflow
from pingan.matters.models import DailySummary, Notice
from pingan.matters.workdays import add_working_days, is_workday
from tests.matters.conftest import at

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


def test_years_beyond_the_calendar_fall_back_to_weekdays():
    assert (is_workday(D("2099-03-02")), is_workday(D("2099-03-01"))) == (True, False)


@pytest.mark.django_db
def test_tick_flags_reminds_escalates_summarises_once(
    people, units, new_matter, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    centre, hid = people["dispatcher"][1], people["handler"][0].pk
    matter = new_matter(
        grade=1, now=at("2025-09-01", 9)
    )  # grade 1: sign 1, handle 3 working days → 4 September
    workflow.dispatch(
        actor=centre,
        matter_id=matter.pk,
        unit_id=units["BZ01"].pk,
        handler_id=hid,
        now=at("2025-09-01", 10),
    )
    job = job_actor("test")
    people["handler"][0].email = "h1@example.org"
    people["handler"][0].save()
    leader = make_user("leader", username="boss")
    leader.email = "boss@example.org"
    leader.save()
    with django_capture_on_commit_callbacks(execute=True):
        first = deadlines.tick(
            actor=job, now=at("2025-09-03", 10)
        )  # due tomorrow; sign-for overdue
    mails = sorted((m.to, m.subject.split(" ")[-1]) for m in mailoutbox)
    assert mails == [(["boss@example.org"], "2025-09-04)"), (["h1@example.org"], "2025-09-04")]
    assert (first.overdue, first.reminders, first.escalations, first.summary) == (1, 1, 1, "")
    notices = sorted(Notice.objects.values_list("kind", "recipient_id", "recipient_role"))
    assert notices == [("escalation", None, "leader"), ("reminder", hid, "")]
    again = deadlines.tick(actor=job, now=at("2025-09-03", 19))
    assert (again.overdue, again.reminders, again.escalations, again.summary) == (
        0,
        0,
        0,
        "2025-09-02",
    )
    assert deadlines.tick(actor=job, now=at("2025-09-03", 20)).summary == ""
    assert DailySummary.objects.get().content["overdue"] == 1
    workflow.sign_for(actor=people["handler"][1], matter_id=matter.pk, now=at("2025-09-03", 21))
    deadlines.flag_overdue(actor=job, now=at("2025-09-04", 8))
    matter.refresh_from_db()
    assert matter.overdue is False  # signed for; handling still due 4 September
    assert [n.matter_id for n in selectors.notices_for(actor=people["handler"][1])] == [matter.pk]
    assert selectors.notices_for(actor=people["other"][1]).count() == 0
