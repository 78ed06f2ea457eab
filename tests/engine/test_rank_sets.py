"""Marginal confidence sets for ranks from pairwise comparisons."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import stats

from pingan.engine import Scheme, competition_ranks, rank_intervals
from pingan.engine.rank_sets import BINS, critical_value, rank_sets, score_variances


def test_critical_value_is_one_sided_bonferroni() -> None:
    assert critical_value(4, 0.95) == pytest.approx(2.128045234184984, abs=1e-12)
    assert critical_value(30, 0.95) == pytest.approx(stats.norm.ppf(1 - 0.05 / 29), abs=1e-12)
    assert critical_value(1, 0.95) == 0.0


def test_sets_of_a_small_example_are_exact() -> None:
    # c = 2.128; significant: 0-1 (10 > 7.67), 0-2, 0-3, 1-3 (20 > 12.41);
    # not significant: 1-2 (10 < 10.64), 2-3 (10 < 13.63)
    low, high = rank_sets([90.0, 80.0, 70.0, 60.0], [4.0, 9.0, 16.0, 25.0])
    assert low.tolist() == [1, 2, 2, 3]
    assert high.tolist() == [1, 3, 4, 4]


def test_tied_scores_are_never_significantly_different() -> None:
    low, high = rank_sets([90.0, 80.0, 80.0, 60.0], [4.0, 9.0, 16.0, 25.0])
    assert low.tolist() == [1, 2, 2, 4]
    assert high.tolist() == [1, 3, 3, 4]
    low, high = rank_sets([50.0, 50.0, 50.0], [0.0, 0.0, 0.0])
    assert low.tolist() == [1, 1, 1]
    assert high.tolist() == [3, 3, 3]


def test_known_scores_are_ranked_exactly() -> None:
    low, high = rank_sets([90.0, 95.0, 90.0], [0.0, 0.0, 0.0])
    assert low.tolist() == [2, 1, 2]
    assert high.tolist() == [3, 1, 3]


def test_one_bin_compares_at_the_largest_variance() -> None:
    # every other unit is compared at variance 25: 0-1 is no longer significant (10 < 11.46)
    low, high = rank_sets([90.0, 80.0, 70.0, 60.0], [4.0, 9.0, 16.0, 25.0], bins=1)
    assert low.tolist() == [1, 1, 2, 3]
    assert high.tolist() == [2, 3, 4, 4]


def test_score_variance_is_negative_binomial_and_capped() -> None:
    # indicator 0: w^2 Var N = 0.25 * 4 = 1, capped at 1^2 / 4 = 0.25;
    # indicator 1: 4 * (3 + 3^2 / 6) = 18
    scheme = Scheme.of([0.5, 2.0], [1.0, np.inf], [False, False])
    rates = np.array([[4.0, 3.0], [0.0, 0.0]])
    shape = np.array([[np.inf, 6.0], [np.inf, np.inf]])
    assert score_variances(rates, shape, scheme).tolist() == [18.25, 0.0]


def test_no_units_no_sets() -> None:
    low, high = rank_sets([], [])
    assert low.tolist() == [] and high.tolist() == []


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        rank_sets([1.0, 2.0], [1.0])
    with pytest.raises(ValueError):
        rank_sets([1.0, np.nan], [1.0, 1.0])
    with pytest.raises(ValueError):
        rank_sets([1.0, 2.0], [1.0, -1.0])
    with pytest.raises(ValueError):
        rank_sets([1.0, 2.0], [1.0, 1.0], level=1.0)


def test_interval_of_a_fixed_example_is_exact() -> None:
    # rates 0: every draw ties, the bootstrap spans 1-3 for all; the sets (variance 0)
    # rank the observed scores exactly: [2, 3], [1, 1], [2, 3]; the union is published
    scheme = Scheme.of([1.0], [np.inf], [False])
    result = rank_intervals([90.0, 95.0, 90.0], np.zeros((3, 1)), scheme, draws=50)
    assert result.set_low.tolist() == [2, 1, 2]
    assert result.set_high.tolist() == [3, 1, 3]
    assert result.bootstrap_low.tolist() == [1, 1, 1]
    assert result.bootstrap_high.tolist() == [3, 3, 3]
    assert result.rank_low.tolist() == [1, 1, 1]
    assert result.rank_high.tolist() == [3, 3, 3]


SCORES = hnp.arrays(
    np.float64, st.integers(1, 90), elements=st.sampled_from([0.0, 40.0, 55.5, 60.0, 99.0, 100.0])
)


@settings(max_examples=60, deadline=None)
@given(SCORES, st.data(), st.integers(1, 8), st.sampled_from([0.8, 0.95, 0.99]))
def test_set_holds_the_point_rank_and_binning_only_widens(
    scores: np.ndarray, data: st.DataObject, bins: int, level: float
) -> None:
    variances = data.draw(
        hnp.arrays(np.float64, scores.shape, elements=st.floats(0.0, 400.0, allow_subnormal=False))
    )
    low, high = rank_sets(scores, variances, level)
    rank = competition_ranks(scores)
    assert ((low <= rank) & (rank <= high)).all()
    assert ((low >= 1) & (high <= scores.size)).all()
    binned_low, binned_high = rank_sets(scores, variances, level, bins=bins)
    assert (binned_low <= low).all()
    assert (binned_high >= high).all()
    exact_low, exact_high = _pairwise(scores, variances, level)
    assert (low <= exact_low).all()
    assert (high >= exact_high).all()
    if np.unique(variances).size <= BINS:
        assert low.tolist() == exact_low.tolist()
        assert high.tolist() == exact_high.tolist()


def _pairwise(scores: np.ndarray, variances: np.ndarray, level: float) -> tuple[np.ndarray, ...]:
    """The sets by comparing every pair directly (O(U^2))."""
    c = critical_value(scores.size, level)
    diff = scores[None, :] - scores[:, None]  # [j, k] = s_k - s_j
    margin = c * np.sqrt(variances[:, None] + variances[None, :])
    return 1 + (diff > margin).sum(axis=1), scores.size - (-diff > margin).sum(axis=1)
