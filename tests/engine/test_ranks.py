"""Competition ranks and bootstrap rank intervals."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import stats

from pingan.engine import Scheme, competition_ranks, rank_intervals, rank_laws, score_from_totals


def test_ties_share_the_lowest_rank() -> None:
    assert competition_ranks([3.0, 5.0, 5.0, 1.0, 5.0, 0.0]).tolist() == [4, 1, 1, 5, 1, 6]
    assert competition_ranks([[1.0, 2.0], [2.0, 2.0]]).tolist() == [[2, 1], [1, 1]]
    assert competition_ranks([]).tolist() == []
    with pytest.raises(ValueError):
        competition_ranks([1.0, np.nan])


def _exact_law(lam: np.ndarray, scheme: Scheme, step: float, top: int = 32) -> np.ndarray:
    """P(deduction = j step), j < base/step, by enumerating every count vector."""
    levels = round(scheme.base / step)
    grids = np.array(list(itertools.product(range(top), repeat=lam.shape[1])), dtype=float)
    deduction = np.rint((scheme.base - score_from_totals(grids, scheme)) / step).astype(int)
    law = np.zeros((lam.shape[0], levels))
    for u in range(lam.shape[0]):
        table = stats.poisson.pmf(np.arange(top)[:, None], lam[u])
        weight = np.prod(table[grids.astype(int), np.arange(lam.shape[1])], axis=1)
        inside = deduction < levels
        law[u] = np.bincount(deduction[inside], weight[inside], minlength=levels)[:levels]
    return law


def _law(lam: np.ndarray, scheme: Scheme, step: float, shape: np.ndarray) -> np.ndarray:
    rates = rank_laws.Rates(lam, shape)
    plan = rank_laws.split_pairs(rates, scheme)
    levels = round(scheme.base / step)
    pooled = rank_laws.pooled_law(rates, plan, scheme, step, levels, 0, lam.shape[0])
    return rank_laws.with_capped(pooled, plan, 0, lam.shape[0], scheme, step)


LATTICE_SCHEME = Scheme.of([0.5, 1.0, 2.0, 0.5], [3.0, np.inf, 5.0, np.inf], [False] * 4, 10.0)
LATTICE_RATES = np.array([[4.0, 3.0, 1.0, 2.0], [0.5, 1.0, 2.0, 0.1], [4.0, 0.2, 0.3, 3.0]])


def test_lattice_law_is_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    lam, scheme = LATTICE_RATES, LATTICE_SCHEME
    plan = rank_laws.split_pairs(rank_laws.Rates(lam, np.full(lam.shape, np.inf)), scheme)
    assert [c for c, _, _, _ in plan.individual] == [0, 2]
    exact = _exact_law(lam, scheme, 0.5)
    assert _law(lam, scheme, 0.5, np.full(lam.shape, np.inf)) == pytest.approx(exact, abs=1e-12)
    monkeypatch.setattr(rank_laws, "DIRECT_ATOMS", 0)
    assert _law(lam, scheme, 0.5, np.full(lam.shape, np.inf)) == pytest.approx(exact, abs=1e-12)


def _convolved_law(lam: np.ndarray, shape: np.ndarray, scheme: Scheme, step: float) -> np.ndarray:
    """The same law by convolving each indicator's law of min(cap, w N), N < 3000."""
    levels = round(scheme.base / step)
    n = np.arange(3000)
    law = np.zeros((lam.shape[0], levels))
    for u in range(lam.shape[0]):
        total = np.zeros(levels)
        total[0] = 1.0
        for c in range(lam.shape[1]):
            a, mean = shape[u, c], lam[u, c]
            pmf = (
                stats.poisson.pmf(n, mean)
                if np.isinf(a)
                else stats.nbinom.pmf(n, a, a / (a + mean))
            )
            steps = np.rint(np.minimum(scheme.caps[c], scheme.weights[c] * n) / step).astype(int)
            one = np.bincount(steps[steps < levels], pmf[steps < levels], minlength=levels)
            total = np.convolve(total, one)[:levels]
        law[u] = total
    return law


def test_lattice_law_is_exact_for_gamma_rates() -> None:
    # N ~ negative binomial (mean lam, shape a): the rate is Gamma(a, mean lam), then Poisson
    lam, scheme = LATTICE_RATES, LATTICE_SCHEME
    shape = np.array([[6.0, 0.7, 5.0, 1.5], [3.0, np.inf, 0.9, 4.0], [1.2, 2.5, np.inf, 0.6]])
    exact = _convolved_law(lam, shape, scheme, 0.5)
    assert _law(lam, scheme, 0.5, shape) == pytest.approx(exact, abs=1e-12)


def test_pooled_law_survives_large_means() -> None:
    scheme = Scheme.of([0.1], [np.inf], [False])
    lam = np.array([[900.0], [2.0]])
    law = _law(lam, scheme, 0.1, np.full((2, 1), np.inf))
    assert law[0] == pytest.approx(stats.poisson.pmf(np.arange(1000), 900.0), rel=1e-6, abs=1e-13)
    assert law[1, :5] == pytest.approx(stats.poisson.pmf(np.arange(5), 2.0), rel=1e-10)
    negbin = _law(lam, scheme, 0.1, np.array([[50.0], [3.0]]))
    p = 50.0 / 950.0
    assert negbin[0] == pytest.approx(stats.nbinom.pmf(np.arange(1000), 50.0, p), abs=1e-12)


def _example() -> tuple[np.ndarray, np.ndarray, Scheme]:
    rng = np.random.default_rng(5)
    scheme = Scheme.of([0.5, 1.0, 2.0], [4.0, np.inf, np.inf], [False] * 3)
    lam = rng.uniform(0.0, 6.0, size=(30, 3))
    totals = rng.poisson(lam).astype(float)
    return score_from_totals(totals, scheme), lam, scheme


def test_intervals_contain_the_rank_and_are_reproducible() -> None:
    scores, lam, scheme = _example()
    first = rank_intervals(scores, lam, scheme, draws=300, seed=42)
    again = rank_intervals(scores, lam, scheme, draws=300, seed=42)
    other = rank_intervals(scores, lam, scheme, draws=300, seed=43)
    assert first.method == "lattice"
    assert ((first.rank_low <= first.rank) & (first.rank <= first.rank_high)).all()
    assert first.rank_low.tolist() == again.rank_low.tolist()
    assert first.rank_high.tolist() == again.rank_high.tolist()
    assert (first.bootstrap_low != other.bootstrap_low).any() or (
        first.bootstrap_high != other.bootstrap_high
    ).any()
    assert first.rank.tolist() == competition_ranks(scores).tolist()


def test_samplers_agree_in_distribution() -> None:
    scores, lam, scheme = _example()
    lattice = rank_intervals(scores, lam, scheme, draws=2000, seed=1)
    direct = rank_intervals(
        scores, lam, scheme, draws=2000, seed=1, score_fn=lambda n: score_from_totals(n, scheme)
    )
    assert direct.method == "custom"
    assert np.abs(lattice.bootstrap_low - direct.bootstrap_low).max() <= 2
    assert np.abs(lattice.bootstrap_high - direct.bootstrap_high).max() <= 2


def test_off_lattice_weights_use_grouped_poisson_draws() -> None:
    scores, lam, _ = _example()
    scheme = Scheme.of([0.5, 1.0, 2.0 / 3.0], [4.0, np.inf, np.inf], [False] * 3)
    result = rank_intervals(scores, lam, scheme, draws=200, seed=3)
    assert result.method == "poisson"
    assert ((result.rank_low <= result.rank) & (result.rank <= result.rank_high)).all()


def test_interval_is_widened_to_hold_the_observed_rank() -> None:
    # units 0 and 2 have rate 0: they score 100 in every draw, tied for ranks 1-2; unit 1
    # has rate 50 and is last (rank 3) in every draw, yet ranked 1 on its observed score;
    # no observed difference is significant (5 < 1.96 * sqrt(50)), so the sets span 1-3
    scheme = Scheme.of([1.0], [np.inf], [False])
    rates = np.array([[0.0], [50.0], [0.0]])
    result = rank_intervals([90.0, 95.0, 90.0], rates, scheme, draws=50)
    assert result.rank.tolist() == [2, 1, 2]
    assert result.bootstrap_low.tolist() == [1, 3, 1]
    assert result.bootstrap_high.tolist() == [2, 3, 2]
    assert result.set_low.tolist() == [1, 1, 1]
    assert result.set_high.tolist() == [3, 3, 3]
    assert result.rank_low.tolist() == [1, 1, 1]
    assert result.rank_high.tolist() == [3, 3, 3]


def test_a_tie_in_a_draw_spans_every_rank_of_the_tied_group() -> None:
    # zero rates: every draw scores 100 for all, so each unit may hold rank 1, 2 or 3
    scheme = Scheme.of([1.0], [np.inf], [False])
    result = rank_intervals([90.0, 95.0, 90.0], np.zeros((3, 1)), scheme, draws=50)
    assert result.rank_low.tolist() == [1, 1, 1]
    assert result.rank_high.tolist() == [3, 3, 3]


def test_keys_make_intervals_follow_a_permutation() -> None:
    scores, lam, scheme = _example()
    keys = np.arange(100, 130)
    order = np.random.default_rng(9).permutation(30)
    base = rank_intervals(scores, lam, scheme, draws=200, seed=4, keys=keys)
    permuted = rank_intervals(
        scores[order], lam[order], scheme, draws=200, seed=4, keys=keys[order]
    )
    assert permuted.rank_low.tolist() == base.rank_low[order].tolist()
    assert permuted.rank_high.tolist() == base.rank_high[order].tolist()
    with pytest.raises(ValueError):
        rank_intervals(scores, lam, scheme, keys=np.zeros(30))


@settings(max_examples=40, deadline=None)
@given(
    hnp.arrays(np.float64, (6, 2), elements=st.floats(0.0, 8.0)),
    st.sampled_from([0.5, 1.0, 2.0 / 3.0]),
    st.integers(0, 10_000),
)
def test_interval_always_contains_observed_rank(lam: np.ndarray, w: float, seed: int) -> None:
    scheme = Scheme.of([1.0, w], [np.inf, 2.0], [False, False])
    totals = np.floor(lam)
    result = rank_intervals(score_from_totals(totals, scheme), lam, scheme, draws=60, seed=seed)
    assert ((result.rank_low <= result.rank) & (result.rank <= result.rank_high)).all()
    assert ((result.rank_low >= 1) & (result.rank_high <= 6)).all()
    assert (result.rank_low <= np.minimum(result.bootstrap_low, result.set_low)).all()
    assert (result.rank_high >= np.maximum(result.bootstrap_high, result.set_high)).all()
