"""The scheme's `[warnings]` section: defaults, the built-in rules, refusals naming the place."""

from __future__ import annotations

from importlib import resources
from types import SimpleNamespace

import pytest

from pingan.core.problems import InputRefused
from pingan.schemes.loader import content_hash, parse_scheme
from pingan.schemes.warning_rules import DetectorChoice, warning_rules

SOURCE = (
    resources.files("pingan.schemes.builtin").joinpath("binzhou.toml").read_text(encoding="utf-8")
)
WITHOUT = SOURCE.split("\n[warnings]")[0]


def _places(source: str) -> list[tuple[str, str]]:
    with pytest.raises(InputRefused) as caught:
        parse_scheme(source)
    return [(p.column or "", str(p.reason)) for p in caught.value.problems]


def test_a_scheme_without_the_section_gets_the_defaults_and_keeps_its_content():
    content = parse_scheme(WITHOUT)
    assert "warnings" not in content
    rules = warning_rules(SimpleNamespace(content=content))
    assert rules.figures == DetectorChoice("noufaily", 0.01)
    assert rules.matters == DetectorChoice("ears_c2", 0.01)
    assert rules.for_indicator("criminal") == DetectorChoice("noufaily", 0.01)
    assert rules.severe == frozenset()
    assert (rules.repeat_window_days, rules.repeat_count, rules.index_drop) == (30, 3, 5.0)
    assert dict(rules.acknowledge_hours) == {"red": 2, "orange": 12, "yellow": 48}
    assert rules.backtest_event == "severe_p95:3"
    assert content_hash(content) != content_hash(parse_scheme(SOURCE))


def test_the_builtin_scheme_watches_mass_incidents_as_severe():
    rules = warning_rules(SimpleNamespace(content=parse_scheme(SOURCE)))
    assert rules.severe == frozenset({"mass_incident", "extreme_incident"})
    assert rules.for_indicator("mass_incident") == DetectorChoice("ears_c1", 0.02)
    assert rules.for_indicator("criminal") == DetectorChoice("noufaily", 0.01)
    assert rules.for_category("any") == DetectorChoice("ears_c2", 0.01)


def test_per_category_rules_and_inherited_alpha():
    extra = (
        '\n[warnings.matters.categories.land]\ndetector = "cusum"\n'
        '\n[warnings.indicators.criminal]\ndetector = "farrington"\n'
    )
    source = SOURCE.replace("[warnings.repeats]", extra + "\n[warnings.repeats]")
    rules = warning_rules(SimpleNamespace(content=parse_scheme(source)))
    assert rules.for_category("land") == DetectorChoice("cusum", 0.01)
    assert rules.for_indicator("criminal") == DetectorChoice("farrington", 0.01)


def test_every_problem_is_listed_with_its_place():
    source = (
        SOURCE.replace('detector = "noufaily"', 'detector = "shewhart"')
        .replace("alpha = 0.01\nsevere", "alpha = 0.5\nsevere")
        .replace('severe = ["mass_incident"', 'severe = ["riots"')
        .replace("[warnings.indicators.mass_incident]", "[warnings.indicators.riot]")
        .replace("window_days = 30", "window_days = 0")
        .replace('event = "severe_p95:3"', 'event = "severe_p150"')
        .replace("red = 2", "red = 2\npurple = 1")
    )
    places = [place for place, _ in _places(source)]
    assert places == [
        "warnings.detector",
        "warnings.alpha",
        "warnings.indicators.riot",
        "warnings.severe[0]",
        "warnings.repeats.window_days",
        "warnings.acknowledge_hours.purple",
        "warnings.backtest.event",
    ]


def test_unknown_keys_and_wrong_types_are_refused():
    source = WITHOUT + '\n[warnings]\nalpha = "low"\nseverity = 3\nindex_drop = -1\n'
    assert _places(source) == [
        ("warnings.severity", "unknown key"),
        ("warnings.alpha", "alpha must be a number in (0, 0.5)"),
        ("warnings.index_drop", "must be more than 0 and at most 100 points"),
    ]
