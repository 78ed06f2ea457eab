"""Star publication: what the public sees (names and stars) and what it never sees; immutable."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from pingan.audit.models import AuditRecord
from pingan.core.problems import InputRefused
from pingan.scores.models import PublishedStar, StarPublication
from pingan.scores.services import mark_key_management
from pingan.scores.stars import publish_stars
from pingan.units.models import OrgUnit
from tests.conftest import actor_with

PUBLIC = "/scores/stars/binzhou/2026Q2/"
# user, roles with the session check, scheme, version, published, runs with counts, list
QUERIES_PUBLISH_PAGE = 7


def names(*codes):
    return [OrgUnit.objects.get(code=c).name_zh for c in codes]


@pytest.fixture
def published(figures, make_user, actor_of):
    head = make_user("office_head")
    unit = OrgUnit.objects.get(code="I01")
    mark_key_management(actor=actor_of(head), unit=unit, reason="内部备注：重点关注")
    return publish_stars(actor=actor_of(head), period="2026Q2")


@pytest.mark.django_db
def test_the_public_list_shows_names_and_stars_and_nothing_else(published):
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PUBLIC, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 200
    assert len(queries) == 2  # the publication with its run and version; its rows
    assert "Content-Security-Policy" in response
    html = response.content.decode()
    table = html.split('data-testid="class-C"', 1)[1].split("</table>", 1)[0]
    i01, i02, i03, i04 = names("I01", "I02", "I03", "I04")
    assert [(r.split("</th>")[0], r.count("★")) for r in table.split('<th scope="row">')[1:]] == [
        (i01, 5), (i02, 4), (i03, 4), (i04, 4),
    ]  # fmt: skip
    for hidden in [*names("I05", "I06", "I07", "I08"), "内部备注", "95.0", "94.0", "yellow", "I01"]:
        assert hidden not in html
    assert html.count('data-testid="class-') == 1  # classes A and B are all withheld


@pytest.mark.django_db
def test_exports_hold_the_same_rows(published):
    client = Client()
    rows = list(
        csv.DictReader(io.StringIO(client.get(PUBLIC[:-1] + ".csv").content.decode("utf-8-sig")))
    )
    assert [(r["class"], r["unit_name"], r["stars"]) for r in rows] == [
        ("C", n, s)
        for n, s in zip(names("I01", "I02", "I03", "I04"), ["5", "4", "4", "4"], strict=True)
    ]
    assert list(rows[0]) == ["period", "class", "class_name", "unit_name", "stars"]
    xlsx = client.get(PUBLIC[:-1] + ".xlsx", HTTP_ACCEPT_LANGUAGE="zh-hans").content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert sheet.title == rows[0]["period"]
    assert values[0] == ["季度", "类别代码", "类别", "单位", "星级"]
    assert [(v[3], int(v[4])) for v in values[1:]] == [
        (r["unit_name"], int(r["stars"])) for r in rows
    ]
    assert client.get(PUBLIC[:-1] + ".pdf").status_code == 404


@pytest.mark.django_db
def test_publishing_is_audited_once_and_refused_again(published, make_user, actor_of):
    record = AuditRecord.objects.get(event="scores.stars.publish")
    assert record.actor_role == "office_head"
    head = make_user("office_head")
    with pytest.raises(InputRefused) as refused:
        publish_stars(actor=actor_of(head), period="2026Q2")
    assert [p.reason for p in refused.value.problems] == [
        "the star list of 2026Q2 is already published"
    ]
    assert StarPublication.objects.count() == 1 and PublishedStar.objects.count() == 4


@pytest.mark.django_db
def test_provisional_quarters_and_other_roles_are_refused(figures, make_user, actor_of):
    head = actor_of(make_user("office_head"))
    with pytest.raises(InputRefused) as refused:
        publish_stars(actor=head, period="2026Q4")
    assert [p.reason for p in refused.value.problems] == [
        "2026Q4 is provisional: only final quarters are published"
    ]
    with pytest.raises(InputRefused) as refused:
        publish_stars(actor=head, period="2025Q4")
    assert [p.reason for p in refused.value.problems] == ["2025Q4 has no results to publish"]
    for role in ("analyst", "leader", "system_admin"):
        with pytest.raises(PermissionDenied):
            publish_stars(actor=actor_with(role), period="2026Q2")
    assert StarPublication.objects.count() == 0
    assert Client().get(PUBLIC).status_code == 404


@pytest.mark.django_db
def test_a_published_list_is_immutable(published):
    entry = PublishedStar.objects.order_by("position").first()
    for sql, arg in (
        ("UPDATE scores_publishedstar SET stars = 1 WHERE id = %s", entry.pk),
        ("DELETE FROM scores_publishedstar WHERE id = %s", entry.pk),
        ("UPDATE scores_starpublication SET period = '2026Q3' WHERE id = %s", published.pk),
        ("DELETE FROM scores_starpublication WHERE id = %s", published.pk),
    ):
        with (
            pytest.raises(DatabaseError, match="immutable"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [arg])


@pytest.mark.django_db
def test_the_office_head_publishes_from_the_page_after_confirming(figures, make_user, client):
    client.force_login(make_user("office_head"))
    client.get("/scores/stars/publish/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/scores/stars/publish/", HTTP_ACCEPT_LANGUAGE="en")
    assert len(queries) == QUERIES_PUBLISH_PAGE
    page = response.content.decode()
    assert 'data-confirm="Publish the star list of 2026Q2 to the public?' in page
    assert '<td>2026Q2</td><td class="num">4</td>' in page
    client.post("/scores/stars/publish/", {"period": "2026Q2"})
    assert StarPublication.objects.count() == 0
    response = client.post("/scores/stars/publish/", {"period": "2026Q2", "confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == PUBLIC
    assert 'data-testid="none-publishable"' in client.get("/scores/stars/publish/").content.decode()
    index = Client().get("/scores/stars/").content.decode()
    assert 'href="%s"' % PUBLIC in index
