"""Schemes as data: the built-in binzhou scheme, versions, and refusals naming the place."""

from __future__ import annotations

from importlib import resources

import pytest

from pingan.core.problems import InputRefused
from pingan.schemes.models import ReportingBody, SchemeVersion
from pingan.schemes.selectors import scheme_as_dict
from pingan.schemes.services import load_scheme

SOURCE = (
    resources.files("pingan.schemes.builtin").joinpath("binzhou.toml").read_text(encoding="utf-8")
)


@pytest.mark.django_db
def test_binzhou_reproduces_the_domain(binzhou):
    data = scheme_as_dict(binzhou)
    assert [(c["code"], len(c["indicators"])) for c in data["classes"]] == [
        ("A", 10),
        ("B", 7),
        ("C", 6),
    ]
    assert ReportingBody.objects.count() == 13
    assert [i["code"] for i in data["classes"][1]["indicators"]] == [
        "petition_unlawful",
        "internal_safety_accident",
        "mass_incident",
        "admin_litigation",
        "media_incident",
        "duty_crime",
        "extreme_incident",
    ]
    assert [i["code"] for i in data["classes"][2]["indicators"]] == [
        "criminal",
        "petition_unlawful",
        "safety_accident",
        "mass_incident",
        "media_incident",
        "extreme_incident",
    ]
    assert data["tiers"] == {"yellow": 90.0, "orange": 80.0, "red": 70.0}
    assert data["illustrative"] is True
    assert data["classes"][0]["indicators"][0] == {
        "code": "criminal",
        "name": "刑事案件",
        "deduction": 0.02,
        "cap": 15.0,
        "veto": False,
        "body": "police",
        "body_name": "市公安局",
    }


@pytest.mark.django_db
def test_reloading_unchanged_makes_no_version_and_a_change_makes_one(binzhou, system_actor):
    assert load_scheme(actor=system_actor, source=SOURCE).created is False
    changed = SOURCE.replace("yellow = 90", "yellow = 92")
    result = load_scheme(actor=system_actor, source=changed)
    assert (result.created, result.version.number, result.version.tiers["yellow"]) == (
        True,
        2,
        92.0,
    )
    assert SchemeVersion.objects.get(scheme__code="binzhou", number=1).tiers["yellow"] == 90.0


@pytest.mark.django_db
def test_problems_name_their_place(system_actor):
    broken = (
        SOURCE.replace(
            '{ code = "criminal", deduction = 0.02, cap = 15 }',
            '{ code = "criminal", deduction = -1, cap = 15 }',
        )
        .replace("red = 70", "red = 95")
        .replace('body = "court"', 'body = "nobody"')
    )
    with pytest.raises(InputRefused) as refused:
        load_scheme(actor=system_actor, source=broken)
    assert [(p.column, p.reason) for p in refused.value.problems] == [
        ("tiers", "lines must fall: yellow > orange > red"),
        ("indicators[6].body", "unknown reporting body nobody"),
        ("classes[0].indicators[0].deduction", "must be ≥ 0"),
    ]
    assert SchemeVersion.objects.count() == 0


@pytest.mark.django_db
def test_invalid_toml_is_refused(system_actor):
    with pytest.raises(InputRefused) as refused:
        load_scheme(actor=system_actor, source="[scheme\ncode=")
    assert refused.value.problems[0].reason.startswith("not valid TOML")


@pytest.mark.django_db
def test_class_in_use_cannot_be_dropped(demo_units, system_actor):
    without_c = SOURCE.split('[[classes]]\ncode = "C"')[0]
    with pytest.raises(InputRefused) as refused:
        load_scheme(actor=system_actor, source=without_c)
    assert [p.reason for p in refused.value.problems] == [
        "class C is still used by units; move them first"
    ]
