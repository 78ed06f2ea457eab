"""Statistics people can use: ISO date filters, percentages, exports that match a direct count,
drill-down links to the listed matters, and daily summaries only of days that have ended."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from pingan.core.problems import InputRefused
from pingan.matters.actions import summaries, workflow
from pingan.matters.models import DailySummary, Matter
from pingan.matters.selectors import COUNTED
from tests.matters.conftest import at

PERIOD = {"first": "2025-09-01", "last": "2025-09-30"}


@pytest.fixture
def september(people, new_matter, units):
    """Four September matters: two dispatched to BZ01 (one closed), one to BZ02, one received."""
    dispatcher = people["dispatcher"][1]
    made = [new_matter(now=at("2025-09-0%d" % d, 9)) for d in (1, 2, 3, 4)]
    new_matter(now=at("2025-10-01", 9))  # outside the period
    for matter, unit in zip(made[:3], ("BZ01", "BZ01", "BZ02"), strict=True):
        workflow.dispatch(actor=dispatcher, matter_id=matter.pk, unit_id=units[unit].pk,
                          handler_id=None, now=matter.received_at + dt.timedelta(hours=1))  # fmt: skip
    return made


@pytest.mark.django_db
def test_the_date_boxes_hold_iso_dates(client, people):
    client.force_login(people["analyst"][0])
    page = client.get(reverse("matters:stats")).content.decode()
    first = timezone.localdate().replace(day=1).isoformat()
    assert 'type="date" name="first" value="%s"' % first in page
    page = client.get(reverse("matters:stats"), PERIOD).content.decode()
    assert 'name="first" value="2025-09-01"' in page and 'name="last" value="2025-09-30"' in page


@pytest.mark.django_db
def test_rates_are_percentages_in_the_table(client, people, september):
    client.force_login(people["analyst"][0])
    page = client.get(reverse("matters:stats"), PERIOD).content.decode()
    assert "<td>75.0%</td>" in page  # dispatch rate: 3 of 4


@pytest.mark.django_db
def test_the_csv_export_matches_a_direct_count(client, people, september, units):
    client.force_login(people["analyst"][0])
    response = client.get(reverse("matters:stats_export", args=["csv"]), PERIOD)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_unit = {r["code"]: r for r in rows if r["grouping"] == "unit"}
    start = at("2025-09-01", 0)
    end = at("2025-10-01", 0)
    direct = Matter.objects.filter(
        COUNTED, received_at__gte=start, received_at__lt=end, responsible_unit=units["BZ01"]
    ).count()
    assert int(by_unit["BZ01"]["received"]) == direct == 2
    total = next(r for r in rows if r["grouping"] == "all")
    assert (total["received"], total["dispatched"], total["dispatch_rate"]) == ("4", "3", "0.75")


@pytest.mark.django_db
def test_the_xlsx_export_has_named_sheet_local_headers_and_numbers(client, people, september):
    client.force_login(people["analyst"][0])
    response = client.get(reverse("matters:stats_export", args=["xlsx"]), PERIOD)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "纠纷统计"
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["分组", "代码", "名称", "受理数"]
    total = list(sheet[2])
    rate = total[header.index("交办率")]
    assert (total[3].value, rate.value, rate.number_format) == (4, 0.75, "0.0%")


@pytest.mark.django_db
def test_an_unknown_export_format_is_not_found(client, people):
    client.force_login(people["analyst"][0])
    assert client.get(reverse("matters:stats_export", args=["pdf"])).status_code == 404


@pytest.mark.django_db
def test_the_overdue_count_links_to_exactly_those_matters(client, people, september):
    client.force_login(people["dispatcher"][0])
    response = client.get(reverse("matters:stats"), PERIOD)
    total = response.context["stats"].total
    assert total.open_overdue == 3  # dispatched in September 2025, still open, long past due
    link = response.context["total_link"]
    assert parse_qs(urlsplit(link).query) == {
        "from": ["2025-09-01"], "to": ["2025-09-30"], "past_due": ["1"],
    }  # fmt: skip
    listed = client.get(link).context["page"].object_list
    assert sorted(m.pk for m in listed) == sorted(m.pk for m in september[:3])
    unit_rows = dict(response.context["sections"])  # title -> [(group, link)]
    (bz01_group, bz01_link), *_rest = next(iter(unit_rows.values()))
    listed = client.get(bz01_link).context["page"].object_list
    assert len(listed) == bz01_group.tally.open_overdue == 2


@pytest.mark.django_db
def test_the_summary_of_today_or_later_is_refused(people, client):
    dispatcher = people["dispatcher"]
    today = timezone.localdate()
    for day in (today, today + dt.timedelta(days=1)):
        with pytest.raises(InputRefused) as refused:
            summaries.generate_daily_summary(actor=dispatcher[1], day=day)
        assert str(refused.value.problems[0]) == (
            "The summary of %s cannot be made yet: only a day that has ended has a summary "
            "(the latest is %s)." % (day.isoformat(), (today - dt.timedelta(days=1)).isoformat())
        )
    client.force_login(dispatcher[0])
    response = client.post(reverse("matters:summary_generate"), {"day": today.isoformat()},
                           follow=True, HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert "cannot be made yet" in response.content.decode()
    assert DailySummary.objects.count() == 0
    yesterday = today - dt.timedelta(days=1)
    client.post(reverse("matters:summary_generate"), {"day": yesterday.isoformat()})
    assert list(DailySummary.objects.values_list("day", flat=True)) == [yesterday]


@pytest.mark.django_db
def test_the_page_answers_from_its_last_count_for_a_minute_and_says_when(
    client, people, september, monkeypatch
):
    from pingan.matters.views import figures

    client.force_login(people["analyst"][0])
    clock = [1_800_000_000]
    monkeypatch.setattr(
        figures.timezone, "now", lambda: dt.datetime.fromtimestamp(clock[0], tz=dt.UTC)
    )
    counted = []
    real = figures._result
    monkeypatch.setattr(figures, "_result", lambda request: counted.append(1) or real(request))
    first = client.get(reverse("matters:stats"), PERIOD).content.decode()
    clock[0] += 30
    second = client.get(reverse("matters:stats"), PERIOD).content.decode()
    assert len(counted) == 1
    assert first.split("<main", 1)[1] == second.split("<main", 1)[1]
    assert "统计时间：2027-01-15 16:00:00；每分钟最多重新统计一次。" in first
    clock[0] += 35
    third = client.get(reverse("matters:stats"), PERIOD).content.decode()
    assert len(counted) == 2
    assert "统计时间：2027-01-15 16:01:05；每分钟最多重新统计一次。" in third
