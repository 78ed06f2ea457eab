"""Tiers, veto and stars at their edges."""

from __future__ import annotations

import pytest

from pingan.engine import stars, tiers

LINES = {"yellow": 85.0, "orange": 75.0, "red": 60.0}


def test_tier_edges() -> None:
    scores = [100.0, 85.0, 84.99, 75.0, 74.99, 60.0, 59.99, 0.0]
    assert tiers(scores, LINES).tolist() == [
        "",
        "",
        "yellow",
        "yellow",
        "orange",
        "orange",
        "red",
        "red",
    ]


def test_veto_forces_red() -> None:
    assert tiers([99.0, 99.0], LINES, vetoed=[True, False]).tolist() == ["red", ""]


def test_partial_lines_and_unknown_names() -> None:
    assert tiers([50.0, 70.0], {"red": 60.0}).tolist() == ["red", ""]
    with pytest.raises(ValueError):
        tiers([50.0], {"purple": 60.0})


def test_star_edges() -> None:
    bands = [0.0, 60.0, 75.0, 85.0, 95.0]
    scores = [0.0, 59.99, 60.0, 74.99, 75.0, 85.0, 94.99, 95.0, 100.0, -1.0]
    assert stars(scores, bands).tolist() == [1, 1, 2, 2, 3, 4, 4, 5, 5, 1]
    assert stars([100.0], bands, vetoed=[True]).tolist() == [1]
    with pytest.raises(ValueError):
        stars([1.0], [60.0, 0.0])
