"""Control characters: refused at every way in to matters, and never breaking an output of old data."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import defusedxml.ElementTree as SafeET
import pytest
from docx import Document

from pingan.core.access.actor import command_line_actor
from pingan.matters.actions import api_keys
from pingan.matters.models import Category, Matter
from pingan.matters.summary import summary_docx
from tests.stored_text import STORED_NUL

BASE = "/open311/v2/"
REASON = "contains a control character (U+0001) at character 4"


@pytest.fixture
def client():
    """A client asking for English answers (the refusals are translated)."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def api_key(units):
    return api_keys.create_api_key(actor=command_line_actor(), name="test client")[1]


def _post(client, api_key, fmt="json", **fields):
    """POST url-encoded, as Open311 clients do (the guard reads these fields before any view)."""
    data = {
        "api_key": api_key, "service_code": "property_fee", "address_id": "BZ0101",
        "description": "物业公司擅自提高收费", **fields,
    }  # fmt: skip
    return client.post(
        BASE + "requests." + fmt, urlencode(data), content_type="application/x-www-form-urlencoded"
    )


@pytest.mark.django_db
def test_stored_control_character_does_not_break_requests_xml(client, api_key):
    created = _post(client, api_key)
    assert created.status_code == 201
    number = created.json()[0]["service_request_id"]
    # a description stored before control characters were refused
    Matter.objects.filter(number=number).update(
        description="噪音\x01持续" + STORED_NUL + "到深夜\x7f"
    )
    response = client.get(BASE + "requests.xml", {"api_key": api_key})
    assert response.status_code == 200
    row = SafeET.fromstring(response.content)[0]
    assert row.find("service_request_id").text == number
    assert row.find("description").text == "噪音持续到深夜\x7f"
    one = client.get(BASE + "requests/%s.xml" % number, {"api_key": api_key})
    assert SafeET.fromstring(one.content)[0].find("description").text == "噪音持续到深夜\x7f"
    assert (
        client.get(BASE + "requests.json", {"api_key": api_key}).json()[0]["description"]
        == "噪音\x01持续" + STORED_NUL + "到深夜\x7f"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_post_refuses_a_control_character_naming_the_field(client, api_key, fmt):
    before = Matter.objects.count()
    response = _post(client, api_key, fmt, description="abc\x01def")
    assert response.status_code == 400
    if fmt == "json":
        assert response.json() == [{"code": 400, "description": "field description: " + REASON}]
    else:
        error = SafeET.fromstring(response.content)[0]
        assert (error.find("code").text, error.find("description").text) == (
            "400",
            "field description: " + REASON,
        )
    assert Matter.objects.count() == before


@pytest.mark.django_db
def test_open311_multipart_post_is_checked_by_the_view(client, api_key):
    """A multipart body is not read by the guard; the Open311 view checks its fields itself."""
    before = Matter.objects.count()
    response = client.post(
        BASE + "requests.json",
        {"api_key": api_key, "service_code": "property_fee", "address_id": "BZ0101",
         "description": "ok", "address_string": "市中\x1f街道"},
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json() == [
        {
            "code": 400,
            "description": "field address_string: contains a control character (U+001F) at character 3",
        }
    ]
    assert Matter.objects.count() == before


@pytest.mark.django_db
def test_multi_line_description_keeps_line_breaks_and_tabs(client, api_key):
    response = _post(client, api_key, description="第一行\r\n第二行\t完")
    assert response.status_code == 201
    matter = Matter.objects.get(number=response.json()[0]["service_request_id"])
    assert matter.description == "第一行\r\n第二行\t完"


@pytest.mark.django_db
def test_control_character_in_a_query_parameter_is_refused(client, api_key):
    response = client.get(BASE + "requests.json", {"api_key": api_key, "service_code": "a\x00b"})
    assert response.status_code == 400
    assert response.json() == [
        {
            "code": 400,
            "description": "field service_code: contains a control character (U+0000) at character 2",
        }
    ]


@pytest.mark.django_db
def test_intake_form_refuses_a_control_character_naming_the_field(people):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(people["dispatcher"][0])
    before = Matter.objects.count()
    response = client.post(
        "/matters/new/phone/",
        {"category": "neighbour_noise", "grade": "2", "place": "BZ0101", "channel": "phone",
         "description": "噪音\x0b持续", "address": "某街\n道"},
    )  # fmt: skip
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["description"] == ["contains a control character (U+000B) at character 3"]
    assert form.errors["address"] == ["contains a control character (U+000A) at character 3"]
    assert Matter.objects.count() == before


@pytest.mark.django_db
def test_daily_summary_docx_drops_characters_word_cannot_hold(units):
    Category.objects.filter(code="neighbour_noise").update(name_zh="邻里" + STORED_NUL + "噪音")
    content = {"day": "2025-09-26", "received": 1, "by_category": {"邻里" + STORED_NUL + "噪音": 1}}
    document = Document(io.BytesIO(summary_docx(content)))
    rows = [[c.text for c in r.cells] for t in document.tables for r in t.rows]
    assert ["邻里噪音", "1"] in rows


@pytest.mark.django_db
@pytest.mark.parametrize(
    "start", ["0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00", "9999-12-31T23:59:59-12:00"]
)
def test_open311_dates_beyond_the_calendar_are_refused_not_500(client, api_key, start):
    response = client.get(BASE + "requests.json", {"api_key": api_key, "start_date": start})
    assert response.status_code == 400
    assert response.json() == [
        {"code": 400, "description": "start_date is not a valid W3C datetime"}
    ]
    end = client.get(BASE + "requests.xml", {"api_key": api_key, "end_date": start})
    assert end.status_code == 400


@pytest.mark.django_db
def test_open311_offset_beyond_what_postgresql_holds_is_read_in_utc(client, api_key):
    created = _post(client, api_key)
    number = created.json()[0]["service_request_id"]
    response = client.get(
        BASE + "requests.json", {"api_key": api_key, "start_date": "2000-06-09T22:24:23-23:44"}
    )
    assert response.status_code == 200
    assert [r["service_request_id"] for r in response.json()] == [number]
