"""Warning pages, the problem register, the rate page, CSV exports and the JSON API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pingan.warnings.models import ProblemRecord, Warning

from .conftest import at

pytestmark = pytest.mark.django_db


def test_walk_a_warning_through_the_pages(client, people, signal):
    warning, _ = signal(level="orange", observed=9, threshold=4)
    client.force_login(people["viewer"][0])
    page = client.get(reverse("warnings:detail", args=[warning.pk])).content.decode()
    assert "Acknowledge" in page and "Close with this verdict" not in page
    client.post(reverse("warnings:acknowledge", args=[warning.pk]))
    client.post(reverse("warnings:respond", args=[warning.pk]), {"measures": "约谈业主代表"})
    assert Warning.objects.get(pk=warning.pk).status == "responded"
    client.force_login(people["analyst"][0])
    page = client.get(reverse("warnings:detail", args=[warning.pk])).content.decode()
    assert 'data-confirm="Close this warning with the chosen verdict?' in page
    client.post(
        reverse("warnings:close", args=[warning.pk]), {"verdict": "confirmed", "note": "属实"}
    )
    closed = Warning.objects.get(pk=warning.pk)
    assert (closed.status, closed.verdict) == ("closed", "confirmed")
    # A second close is refused with a message, nothing changes.
    response = client.post(
        reverse("warnings:close", args=[warning.pk]), {"verdict": "false_alarm"}, follow=True
    )
    assert "changed meanwhile" in response.content.decode()
    assert Warning.objects.get(pk=warning.pk).verdict == "confirmed"
    page = client.get(reverse("warnings:rate")).content.decode()
    assert "1 confirmed, 0 false alarms; 0 could not be verified" in page
    # Register a problem from the confirmed warning.
    form = client.get(reverse("warnings:problem_new") + "?warning=%d" % warning.pk)
    assert 'value="BZ01"' in form.content.decode()
    response = client.post(
        reverse("warnings:problem_new"),
        {
            "kind": "mass", "title": "业主集体维权", "unit": "BZ01", "leading_office": "住建局",
            "deadline": "2026-12-31", "people_involved": "40", "warning": str(warning.pk),
        },
    )  # fmt: skip
    problem = ProblemRecord.objects.get()
    assert response["Location"] == reverse("warnings:problem", args=[problem.pk])
    assert problem.warning_id == warning.pk and problem.people_involved == 40
    page = client.get(reverse("warnings:problems")).content.decode()
    assert "1 identified, 0 resolved, 1 being resolved" in page


def test_list_filters_scope_and_query_count(client, people, signal, django_assert_num_queries):
    signal(unit="BZ01", series_key="a", level="red")
    signal(unit="BZ02", series_key="b", level="yellow")
    signal(unit="BZ01", series_key="c", level="yellow", source="matters")
    client.force_login(people["viewer"][0])
    page = client.get(reverse("warnings:list")).content.decode()
    assert page.count('data-testid="warning-') == 2
    client.force_login(people["head"][0])
    client.get(reverse("warnings:list"))  # warm the session and the navigation
    with django_assert_num_queries(9):
        page = client.get(reverse("warnings:list")).content.decode()
    assert page.count('data-testid="warning-') == 3
    page = client.get(reverse("warnings:list") + "?level=yellow&source=matters").content.decode()
    assert page.count('data-testid="warning-') == 1
    page = client.get(reverse("warnings:list") + "?unit=BZ02").content.decode()
    assert page.count('data-testid="warning-') == 1
    page = client.get(reverse("warnings:list") + "?unit=NOPE").content.decode()
    assert page.count('data-testid="warning-') == 0
    # The viewer of BZ02 cannot open a warning of BZ01.
    client.force_login(people["other"][0])
    bz01 = Warning.objects.get(series_key="a")
    assert client.get(reverse("warnings:detail", args=[bz01.pk])).status_code == 404


def test_csv_exports(client, people, signal, units):
    warning, _ = signal(level="orange", observed=9, threshold=4, now=at("2026-10-06"))
    signal(period="2026-10", level="red", now=at("2026-11-06"))
    client.force_login(people["leader"][0])
    lines = client.get(reverse("warnings:export")).content.decode().splitlines()
    assert lines[0].startswith("id,source,unit_code,unit_name,series,period,level,status")
    assert lines[1] == (
        "%d,figures,BZ01,%s,mass_incident,2026-09,red,delivered,,ears_c2,0.01,9.0,1.0,4.0,2,"
        "2026-10-06T10:00:00+08:00,2026-10-06T10:00:00+08:00,2026-10-06T22:00:00+08:00,,,,"
        % (warning.pk, units["BZ01"].name_zh)
    )
    ProblemRecord.objects.create(
        kind="legacy", title="遗留问题", responsible_unit=units["BZ02"], leading_office="信访局",
        deadline="2027-01-31", people_involved=12, opened_at=at("2026-10-01"),
    )  # fmt: skip
    lines = client.get(reverse("warnings:problem_export")).content.decode().splitlines()
    assert lines[1].endswith(
        ",legacy,遗留问题,BZ02,%s,信访局,2027-01-31,12,open,,2026-10-01T10:00:00+08:00,,0"
        % units["BZ02"].name_zh
    )


def test_json_api(client, people, signal):
    warning, _ = signal(level="orange", observed=9, threshold=4)
    client.force_login(people["viewer"][0])
    listed = client.get("/api/warnings/").json()
    assert [(w["id"], w["level"], w["unit_code"], w["status"]) for w in listed] == [
        (warning.pk, "orange", "BZ01", "delivered")
    ]
    one = client.get("/api/warnings/%d" % warning.pk).json()
    assert [s["kind"] for s in one["steps"]] == ["raise", "deliver"]
    assert [(s["period"], s["observed"]) for s in one["signals"]] == [("2026-09", 9.0)]
    assert client.get("/api/warnings/export/warnings.csv").status_code == 403
    client.force_login(people["other"][0])
    assert client.get("/api/warnings/").json() == []
    assert client.get("/api/warnings/%d" % warning.pk).status_code == 404
