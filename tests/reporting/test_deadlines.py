"""Deadlines in Asia/Shanghai, completeness and timeliness tables and the overdue list."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from pingan.reporting import deadlines, selectors
from pingan.reporting.models import Submission, SubmissionEvent
from tests.reporting.conftest import MONTH

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_deadline_is_the_end_of_the_day_in_shanghai():
    assert deadlines.deadline("2026-09", 5) == dt.datetime(2026, 10, 6, tzinfo=SHANGHAI)
    assert deadlines.deadline("2026-12", 5) == dt.datetime(2027, 1, 6, tzinfo=SHANGHAI)
    assert deadlines.deadline("2027-01", 31) == dt.datetime(2027, 3, 1, tzinfo=SHANGHAI)


def _sign_at(submission: Submission, submitted: dt.datetime, approved: dt.datetime) -> None:
    Submission.objects.filter(pk=submission.pk).update(approved_at=approved)
    SubmissionEvent.objects.filter(submission=submission, step="submit").update(at=submitted)


def test_completeness_and_timeliness(approved):
    _sign_at(
        approved,
        dt.datetime(2026, 10, 3, 9, tzinfo=SHANGHAI),
        dt.datetime(2026, 10, 5, 23, 59, tzinfo=SHANGHAI),
    )
    items = selectors.body_months([MONTH], now=dt.datetime(2026, 11, 21, tzinfo=SHANGHAI))
    assert [i.body.code for i in items] == [
        "court",
        "emergency",
        "justice",
        "organs",
        "petitions",
        "police",
        "political_legal",
        "publicity",
        "stability",
        "supervision",
    ]
    police = items[5]
    assert (
        police.status,
        police.expected_cells,
        police.filled_cells,
        police.submitted_on_time,
        police.approved_on_time,
        police.overdue,
    ) == ("approved", 7, 7, True, True, False)
    rates = selectors.rates(items)
    assert (
        rates.expected,
        rates.approved,
        rates.submitted_on_time,
        rates.approved_on_time,
        rates.overdue,
    ) == (10, 1, 1, 1, 9)
    # expected cells: police 7; petitions, stability, publicity, political_legal 5 (A1 A2 A4 B1 C1); court, justice 3 and 4; emergency 4; organs 1; supervision 4
    assert (rates.expected_cells, rates.filled_cells) == (7 + 5 * 4 + 3 + 4 + 4 + 1 + 4, 7)
    assert selectors.by_body_and_quarter(items)[("police", "2026Q3")].approved_on_time == 1


def test_approval_at_midnight_after_the_deadline_day_is_late(approved):
    _sign_at(
        approved,
        dt.datetime(2026, 10, 5, 12, tzinfo=SHANGHAI),
        dt.datetime(2026, 10, 6, 0, 0, tzinfo=SHANGHAI),
    )
    police = next(i for i in selectors.body_months([MONTH]) if i.body.code == "police")
    assert (police.submitted_on_time, police.approved_on_time) == (True, False)


def test_overdue_list(approved):
    before = selectors.overdue(now=dt.datetime(2026, 10, 5, 23, tzinfo=SHANGHAI), months=[MONTH])
    after = selectors.overdue(now=dt.datetime(2026, 10, 6, 0, 0, tzinfo=SHANGHAI), months=[MONTH])
    assert before == []
    assert sorted(i.body.code for i in after) == [
        "court",
        "emergency",
        "justice",
        "organs",
        "petitions",
        "political_legal",
        "publicity",
        "stability",
        "supervision",
    ]


def test_the_deadline_day_is_shown_as_the_day_itself():
    instant = deadlines.deadline("2026-10", 5)
    assert (instant.isoformat(), deadlines.due_on(instant).isoformat()) == (
        "2026-11-06T00:00:00+08:00",
        "2026-11-05",
    )


def test_the_expected_count_is_the_number_of_expected_cells_of_each_body_and_month(approved):
    from pingan.reporting.cells import load_catalogue
    from pingan.schemes.selectors import current_version

    catalogue = load_catalogue(current_version())
    counted = {
        (body_id, month): catalogue.expected_count(body_id, month)
        for body_id in catalogue.reporting_body_ids()
        for month in ("2020-01", MONTH)
    }
    listed = {key: len(catalogue.expected_cells(*key)) for key in counted}
    assert counted == listed
    assert (
        sum(n for (_body, month), n in counted.items() if month == MONTH)
        == 7 + 5 * 4 + 3 + 4 + 4 + 1 + 4
    )


def test_a_bodys_expected_cells_are_built_once_and_say_what_the_cells_say(approved):
    from pingan.reporting import cells
    from pingan.reporting.cells import load_catalogue
    from pingan.schemes.selectors import current_version

    catalogue = load_catalogue(current_version())
    for body_id in catalogue.reporting_body_ids():
        listed = catalogue.expected_cells(body_id, MONTH)
        expected = catalogue.expected_of(body_id, MONTH)
        assert load_catalogue(current_version()).expected_of(body_id, MONTH) is expected
        keys = {(unit.id, code) for unit, code in listed}
        assert expected.count == len(listed) == catalogue.expected_count(body_id, MONTH)
        assert expected.unit_ids == tuple(dict.fromkeys(unit.id for unit, _code in listed))
        every_pair = {
            (unit_id, code) for unit_id in catalogue.units_by_id for code in catalogue.indicators
        }
        assert {pair for pair in every_pair if expected.applies(*pair)} == keys
    counts = [
        catalogue.expected_of(body_id, MONTH).count for body_id in catalogue.reporting_body_ids()
    ]
    assert sum(counts) == 7 + 5 * 4 + 3 + 4 + 4 + 1 + 4
    body_id = catalogue.reporting_body_ids()[0]
    for year in range(1950, 1956):
        for month in range(1, 13):
            catalogue.expected_of(body_id, "%d-%02d" % (year, month))
    assert len(catalogue.expected) == cells.REMEMBERED_MONTHS
    assert (body_id, MONTH) not in catalogue.expected
