"""The built-in longyan and hefei schemes load and have the structure their descriptions give."""

from __future__ import annotations

from collections import Counter
from importlib import resources

import pytest

from pingan.schemes.selectors import scheme_as_dict
from pingan.schemes.services import load_scheme


def source(code: str) -> str:
    return resources.files("pingan.schemes.builtin").joinpath(code + ".toml").read_text("utf-8")


@pytest.mark.django_db
def test_longyan_has_60_indicators_in_30_categories_over_4_domains(system_actor):
    data = scheme_as_dict(load_scheme(actor=system_actor, source=source("longyan")).version)
    assert len(data["indicators"]) == 60
    assert [(d["code"], len(d["categories"]), len(d["indicators"])) for d in data["domains"]] == [
        ("social", 8, 16),
        ("police", 8, 16),
        ("cases", 8, 16),
        ("opinion", 6, 12),
    ]
    assert [i["code"] for i in data["indicators"] if i["kind"] == "rate"] == [
        "safety_sense",
        "satisfaction",
        "awareness",
    ]
    assert data["illustrative"] is True
    assert [len(c["indicators"]) for c in data["classes"]] == [60, 60]


@pytest.mark.django_db
def test_hefei_pairs_two_series_with_a_special_assessment(system_actor):
    data = scheme_as_dict(load_scheme(actor=system_actor, source=source("hefei")).version)
    assert [c["code"] for c in data["classes"]] == ["T", "P"]
    assert Counter(i["kind"] for i in data["indicators"]) == {
        "per_population": 2,
        "change": 3,
        "count": 4,
    }
    (special,) = data["special"]
    assert special["indicators"] == ["burglary", "home_robbery", "vehicle_theft", "ebike_theft"]
    assert (special["key_management_below"], special["veto_below"]) == (96.0, 90.0)
    assert data["links"] == {"classes": ["T", "P"], "pairs": []}
    change = [r for r in data["classes"][0]["indicators"] if r.get("kind") == "change"]
    assert [(r["code"], r["min_count"], r["compare"]) for r in change] == [
        ("burglary", 5.0, "year"),
        ("vehicle_theft", 3.0, "year"),
        ("ebike_theft", 5.0, "year"),
    ]
