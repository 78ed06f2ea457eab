"""Scheme language of kinds, categories, special assessments and links; refusals name the place."""

from __future__ import annotations

import pytest

from pingan.core.problems import InputRefused
from pingan.schemes.models import (
    ClassIndicator,
    Indicator,
    SchemeCategory,
    SchemeVersion,
    SpecialAssessment,
    UnitLink,
)
from pingan.schemes.selectors import scheme_as_dict
from pingan.schemes.services import load_scheme
from pingan.units.services import import_units

from .mixed import MIXED

UNITS = (
    "code,name,class,parent_code,opened_on,closed_on\n"
    "T1,东镇,T,,,\nT2,西镇,T,,,\nP1,东派出所,P,,,\nP2,西派出所,P,,,\n"
).encode()


@pytest.mark.django_db
def test_kinds_and_groups_are_stored(system_actor):
    version = load_scheme(actor=system_actor, source=MIXED).version
    assert list(
        Indicator.objects.filter(version=version).values_list("code", "kind", "category", "domain")
    ) == [
        ("security", "rate", "sense", "social"),
        ("burglary", "change", "theft", "cases"),
        ("criminal", "per_population", "theft", "cases"),
        ("mass_incident", "count", "", "police"),
    ]
    rule = ClassIndicator.objects.get(scheme_class__code="T", indicator__code="security")
    assert rule.params == {"kind": "rate", "rule": "linear", "floor": 80.0, "target": 95.0}
    bands = ClassIndicator.objects.get(scheme_class__code="P", indicator__code="security")
    assert bands.params["bands"] == [[95.0, 0.0], [90.0, 1.0], [0.0, 3.0]]
    change = ClassIndicator.objects.get(scheme_class__code="T", indicator__code="burglary")
    assert change.params == {
        "kind": "change",
        "per_point": 0.1,
        "min_count": 5.0,
        "compare": "year",
    }
    assert list(SchemeCategory.objects.values_list("code", "domain")) == [
        ("sense", "social"),
        ("theft", "cases"),
    ]
    special = SpecialAssessment.objects.get()
    assert (special.indicators, special.key_management_below, special.veto_below) == (
        ["burglary"],
        98.0,
        95.0,
    )
    data = scheme_as_dict(version, "en")
    assert [(d["code"], len(d["categories"]), d["indicators"]) for d in data["domains"]] == [
        ("social", 1, ["security"]),
        ("cases", 1, ["burglary", "criminal"]),
        ("police", 0, ["mass_incident"]),
    ]
    assert data["links"] == {"classes": ["T", "P"], "pairs": []}


@pytest.mark.django_db
def test_bad_kinds_are_refused_with_their_place(system_actor):
    broken = (
        MIXED.replace('kind = "per_population"', 'kind = "ratio"')
        .replace("floor = 80, target = 95", "floor = 80, target = 101")
        .replace("per_point = 0.1, min_count = 5, cap = 3", "per_point = 0.1, cap = 3")
        .replace("[[95, 0], [90, 1], [0, 3]]", "[[95, 0], [-1, 3]]")
    )
    with pytest.raises(InputRefused) as refused:
        load_scheme(actor=system_actor, source=broken)
    assert [(p.column, p.reason) for p in refused.value.problems] == [
        (
            "indicators[2].kind",
            "unknown kind ratio: must be one of count, rate, per_population, change",
        ),
        ("classes[0].indicators[0].target", "a rate must lie between 0 and 100"),
        (
            "classes[0].indicators[1].min_count",
            "required: the count below which a change is not scored",
        ),
        ("classes[1].indicators[0].bands[1]", "a rate must lie between 0 and 100"),
    ]
    assert SchemeVersion.objects.count() == 0


@pytest.mark.django_db
def test_a_linked_unit_in_the_wrong_class_is_refused(system_actor):
    load_scheme(actor=system_actor, source=MIXED)
    import_units(actor=system_actor, data=UNITS)
    paired = MIXED.replace(
        'classes = ["T", "P"]',
        'classes = ["T", "P"]\npairs = [["T1", "P1"], ["T2", "T1x"], ["P2", "T3"]]',
    )
    with pytest.raises(InputRefused) as refused:
        load_scheme(actor=system_actor, source=paired)
    assert [(p.column, p.reason) for p in refused.value.problems] == [
        ("links.pairs[1][1]", "unknown unit T1x"),
        ("links.pairs[2][0]", "unit P2 is in class P, not T"),
        ("links.pairs[2][1]", "unknown unit T3"),
    ]
    assert SchemeVersion.objects.count() == 1
    good = MIXED.replace(
        'classes = ["T", "P"]', 'classes = ["T", "P"]\npairs = [["T1", "P1"], ["T2", "P2"]]'
    )
    version = load_scheme(actor=system_actor, source=good).version
    assert list(
        UnitLink.objects.filter(version=version).values_list("first_code", "second_code")
    ) == [
        ("T1", "P1"),
        ("T2", "P2"),
    ]


@pytest.mark.django_db
def test_special_and_links_name_their_place(system_actor):
    broken = MIXED.replace(
        'indicators = ["burglary"]', 'indicators = ["burglary", "nothing"]'
    ).replace('classes = ["T", "P"]', 'classes = ["T", "X"]')
    with pytest.raises(InputRefused) as refused:
        load_scheme(actor=system_actor, source=broken)
    assert [(p.column, p.reason) for p in refused.value.problems] == [
        ("special[0].indicators[1]", "unknown indicator nothing"),
        ("links.classes[1]", "unknown class X"),
    ]
