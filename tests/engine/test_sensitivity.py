"""Rank ranges when the deductions vary: exact where the order is forced, seeded where it is not."""

from __future__ import annotations

import numpy as np
import pytest

from pingan.engine.ranks import competition_ranks
from pingan.engine.scoring import Scheme, score_from_totals
from pingan.engine.sensitivity import rank_ranges

SCHEME = Scheme.of([1.0, 1.0], [np.inf, 12.0], [False, False])
# z has no incident; a and b one incident each of a different indicator (tied at 99 without
# variation); d ten criminal incidents (9 to 11 points off at ±10%, never above the others).
TOTALS = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [10.0, 0.0]])


def test_ties_broken_both_ways_and_forced_places_kept():
    ranges = rank_ranges(TOTALS, SCHEME, spread=0.1, draws=100, seed=1)
    assert ranges.low.tolist() == [1, 2, 2, 4]
    assert ranges.high.tolist() == [1, 3, 3, 4]


def test_no_variation_gives_the_ranks_of_the_scheme():
    ranges = rank_ranges(TOTALS, SCHEME, spread=0.0, draws=3, seed=0)
    ranks = competition_ranks(score_from_totals(TOTALS, SCHEME)).tolist()
    assert ranks == [1, 2, 2, 4]
    assert ranges.low.tolist() == ranks and ranges.high.tolist() == ranks


def test_caps_still_apply():
    # 20 incidents of the capped indicator: 12 points whatever the factor; 11 of the other:
    # 9.9 to 12.1, so the two change places.
    totals = np.array([[0.0, 20.0], [11.0, 0.0]])
    ranges = rank_ranges(totals, SCHEME, spread=0.1, draws=200, seed=5)
    assert (ranges.low.tolist(), ranges.high.tolist()) == ([1, 1], [2, 2])
    narrow = rank_ranges(totals, SCHEME, spread=0.05, draws=200, seed=5)
    assert (narrow.low.tolist(), narrow.high.tolist()) == ([2, 1], [2, 1])


def test_the_same_seed_gives_the_same_ranges_and_chunks_do_not_matter():
    totals = np.random.default_rng(0).poisson(3.0, size=(40, 2)).astype(float)
    one = rank_ranges(totals, SCHEME, spread=0.3, draws=150, seed=9)
    two = rank_ranges(totals, SCHEME, spread=0.3, draws=150, seed=9)
    assert one.low.tolist() == two.low.tolist() and one.high.tolist() == two.high.tolist()
    factors = np.random.default_rng(9).uniform(0.7, 1.3, size=(150, 2))
    each = np.array(
        [
            competition_ranks(score_from_totals(totals, Scheme.of(f, SCHEME.caps, SCHEME.veto)))
            for f in factors
        ]
    )
    assert one.low.tolist() == each.min(axis=0).tolist()
    assert one.high.tolist() == each.max(axis=0).tolist()


def test_no_scored_unit_and_bad_arguments():
    empty = rank_ranges(np.zeros((0, 2)), SCHEME, spread=0.2, draws=5)
    assert empty.low.tolist() == [] and empty.high.tolist() == []
    with pytest.raises(ValueError, match="spread"):
        rank_ranges(TOTALS, SCHEME, spread=1.0, draws=5)
    with pytest.raises(ValueError, match="draws"):
        rank_ranges(TOTALS, SCHEME, spread=0.1, draws=0)
    with pytest.raises(ValueError, match="shape"):
        rank_ranges(np.zeros((2, 3)), SCHEME, spread=0.1, draws=5)
