"""Open311 GeoReport v2: answers validated against the specification's JSON schemas; XML well-formed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import defusedxml.ElementTree as SafeET
import jsonschema
import pytest
from referencing import Registry, Resource

from pingan.core.access.actor import command_line_actor
from pingan.matters.actions import api_keys, personal_data, workflow
from pingan.matters.models import Matter
from tests.matters.conftest import PHONE

SCHEMAS = Path(__file__).parent / "schemas"
BASE = "/open311/v2/"


def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        resources.append((doc["$id"], Resource.from_contents(doc)))
    return Registry().with_resources(resources)


def check(name: str, data) -> None:
    """Validate against a schema, and check every date-time is an ISO 8601 moment with an offset."""
    schema = json.loads((SCHEMAS / (name + ".json")).read_text(encoding="utf-8"))
    jsonschema.validate(
        data, schema, registry=_registry(), format_checker=jsonschema.FormatChecker()
    )
    rows = data if isinstance(data, list) else [data]
    for row in rows:
        for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
            if row.get(key):
                assert dt.datetime.fromisoformat(row[key]).tzinfo is not None


@pytest.fixture
def api_key(units):
    return api_keys.create_api_key(actor=command_line_actor(), name="test client")[1]


@pytest.fixture
def posted(client, api_key):
    response = client.post(
        BASE + "requests.json",
        {
            "api_key": api_key, "service_code": "property_fee", "lat": "37.38", "long": "117.97",
            "address_id": "BZ0101", "description": "物业公司擅自提高收费", "first_name": "五",
            "last_name": "王", "phone": PHONE, "email": "w@example.org",
        },
    )  # fmt: skip
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.django_db
def test_services_and_definition(client, units):
    services_json = client.get(BASE + "services.json").json()
    check("services", services_json)
    assert [s["service_code"] for s in services_json][:2] == [
        "neighbour_boundary",
        "neighbour_noise",
    ]
    check("service-definition", client.get(BASE + "services/labour_wages.json").json())
    assert client.get(BASE + "services/nope.json").status_code == 404
    check("errors", client.get(BASE + "services/nope.json").json())
    root = SafeET.fromstring(client.get(BASE + "services.xml").content)
    assert root.tag == "services" and root[0].find("service_code").text == "neighbour_boundary"
    assert (
        SafeET.fromstring(client.get(BASE + "services/labour_wages.xml").content).tag
        == "service_definition"
    )


@pytest.mark.django_db
def test_post_creates_a_matter_and_never_returns_reporter_fields(
    client, api_key, posted, people, units
):
    check("post-response", posted)
    matter = Matter.objects.get(number=posted[0]["service_request_id"])
    assert (matter.channel, matter.category.code, matter.place_unit.code, matter.grade.level) == (
        "api",
        "property_fee",
        "BZ0101",
        3,
    )
    assert (
        personal_data.reveal_personal(actor=people["dispatcher"][1], matter_id=matter.pk)[
            "reporter_phone"
        ]
        == PHONE
    )
    one = client.get(BASE + "requests/%s.json" % matter.number, {"api_key": api_key})
    check("requests", one.json())
    row = one.json()[0]
    assert (
        row["status"],
        row["status_notes"],
        row["agency_responsible"],
        row["expected_datetime"],
    ) == ("open", None, None, None)
    body = (
        one.content.decode()
        + client.get(BASE + "requests.xml", {"api_key": api_key}).content.decode()
    )
    assert PHONE not in body and "王五" not in body and "example.org" not in body
    token = client.get(BASE + "tokens/%s.json" % posted[0]["token"], {"api_key": api_key}).json()
    assert token == [{"service_request_id": matter.number, "token": posted[0]["token"]}]


@pytest.mark.django_db
def test_status_notes_agency_and_deadline_follow_the_matter(client, api_key, posted, people, units):
    matter = Matter.objects.get(number=posted[0]["service_request_id"])
    centre, handler = people["dispatcher"][1], people["handler"][1]
    workflow.dispatch(
        actor=centre,
        matter_id=matter.pk,
        unit_id=units["BZ01"].pk,
        handler_id=people["handler"][0].pk,
    )
    workflow.sign_for(actor=handler, matter_id=matter.pk)
    workflow.give_feedback(
        actor=handler,
        matter_id=matter.pk,
        account="已约谈物业公司，恢复原收费标准",
        outcome="resolved",
    )
    workflow.review(actor=centre, matter_id=matter.pk, accept=True)
    matter.refresh_from_db()
    data = client.get(BASE + "requests/%s.json" % matter.number, {"api_key": api_key}).json()
    check("requests", data)
    assert data[0]["status"] == "closed"
    assert data[0]["status_notes"] == "已约谈物业公司，恢复原收费标准"
    assert data[0]["agency_responsible"] == units["BZ01"].name_zh
    assert data[0]["expected_datetime"] == "%sT23:59:59+08:00" % matter.handle_due.isoformat()
    closed = client.get(BASE + "requests.json", {"api_key": api_key, "status": "closed"}).json()
    opened = client.get(BASE + "requests.json", {"api_key": api_key, "status": "open"}).json()
    assert ([r["service_request_id"] for r in closed], opened) == ([matter.number], [])


@pytest.mark.django_db
def test_list_filters(client, api_key, units, new_matter):
    from tests.matters.conftest import at

    old = new_matter(now=at("2025-01-10"), category_code="labour_wages")
    new = new_matter(now=at("2025-03-10"))

    def ids(**params):
        data = client.get(BASE + "requests.json", {"api_key": api_key, **params}).json()
        check("requests", data)
        return [r["service_request_id"] for r in data]

    assert ids(start_date="2025-01-01T00:00:00+08:00") == [new.number, old.number]
    assert ids(start_date="2025-01-01T00:00:00Z", end_date="2025-02-01T00:00:00Z") == [old.number]
    assert ids(start_date="2025-01-01T00:00:00Z", service_code="labour_wages") == [old.number]
    assert ids(service_request_id="%s,%s" % (old.number, new.number)) == [new.number, old.number]
    assert ids() == []  # default window: the last 90 days


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_errors_as_the_specification_says(client, api_key, units, fmt):
    def error(response, status):
        assert response.status_code == status
        if fmt == "json":
            check("errors", response.json())
            assert response.json()[0]["code"] == status
        else:
            root = SafeET.fromstring(response.content)
            assert (root.tag, root[0].tag, root[0].find("code").text) == (
                "errors",
                "error",
                str(status),
            )

    error(
        client.post(
            BASE + "requests.%s" % fmt,
            {"api_key": "wrong", "service_code": "other", "lat": "1", "long": "1"},
        ),
        403,
    )
    error(client.get(BASE + "requests.%s" % fmt), 403)
    error(client.get(BASE + "requests/M1-000001.%s" % fmt, {"api_key": api_key}), 404)
    error(client.get(BASE + "tokens/abcdef.%s" % fmt, {"api_key": api_key}), 404)
    error(
        client.post(
            BASE + "requests.%s" % fmt,
            {"api_key": api_key, "service_code": "other", "description": "x"},
        ),
        400,
    )
    error(
        client.post(
            BASE + "requests.%s" % fmt,
            {"api_key": api_key, "service_code": "other", "lat": "x", "long": "1"},
        ),
        400,
    )
    error(
        client.post(
            BASE + "requests.%s" % fmt,
            {"api_key": api_key, "service_code": "other", "lat": "1", "long": "1"},
        ),
        400,
    )
    error(
        client.get(BASE + "requests.%s" % fmt, {"api_key": api_key, "start_date": "yesterday"}), 400
    )
    error(client.get(BASE + "requests.%s" % fmt, {"api_key": api_key, "status": "pending"}), 400)


@pytest.mark.django_db
def test_revoked_key_is_refused(client, api_key, units):
    from pingan.accounts.models import ApiCredential

    key = ApiCredential.objects.get(kind="open311")
    api_keys.revoke_api_key(actor=command_line_actor(), key_id=key.pk)
    assert client.get(BASE + "requests.json", {"api_key": api_key}).status_code == 403


@pytest.mark.django_db
def test_xml_request_list_is_well_formed(client, api_key, posted):
    root = SafeET.fromstring(client.get(BASE + "requests.xml", {"api_key": api_key}).content)
    assert root.tag == "service_requests"
    assert root[0].find("service_request_id").text == posted[0]["service_request_id"]
    assert root[0].find("status").text == "open"
    post_root = SafeET.fromstring(
        client.post(
            BASE + "requests.xml",
            {
                "api_key": api_key,
                "service_code": "other",
                "address_string": "市中街道",
                "description": "x",
            },
        ).content
    )
    assert post_root[0].find("service_request_id").text.startswith("M")
