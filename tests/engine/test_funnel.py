"""Funnel plot limits, over-dispersion and flags."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import stats

from pingan.engine import (
    dispersion,
    exact_limits,
    funnel,
    indicator_funnels,
    random_effects_limits,
    weighted_funnel,
)


def test_exact_limits_reference_values() -> None:
    limits = exact_limits([15.0, 20.0, 30.0], 0.95)
    assert limits.lower == pytest.approx([0.5596924, 0.6108260, 0.6746958], abs=5e-7)
    assert limits.upper == pytest.approx([1.649348, 1.544419, 1.427562], abs=5e-7)


def test_exact_limits_are_the_chi_square_forms() -> None:
    e = np.array([0.5, 4.0, 250.0])
    limits = exact_limits(e, 0.998)
    assert limits.lower == pytest.approx(stats.chi2.ppf(0.001, 2 * e) / (2 * e), rel=1e-12)
    assert limits.upper == pytest.approx(stats.chi2.ppf(0.999, 2 * e + 2) / (2 * e), rel=1e-12)
    assert np.isnan(exact_limits([0.0], 0.95).lower).all()


def test_overdispersed_example_by_hand() -> None:
    # E = 100 for all ten units, so z = (O - 100) / 10 = 0,1,-1,3,-3,0,5,-5,0,0.
    # 10th/90th percentiles of z: -3.2 and 3.2, so +-5 become +-3.2;
    # sum z_w^2 = 1+1+9+9+10.24+10.24 = 40.48, phi = 4.048 > chi2_9(0.95)/10.
    # tau2 = (40.48 - 9) / (1000 - 100000/1000) = 31.48 / 900.
    observed = np.array([100, 110, 90, 130, 70, 100, 150, 50, 100, 100], dtype=float)
    result = funnel(observed, np.full(10, 100.0))
    assert result.phi == pytest.approx(4.048, rel=1e-12)
    assert result.overdispersed
    assert result.tau2 == pytest.approx(31.48 / 900, rel=1e-12)
    half95 = stats.norm.ppf(0.975) * np.sqrt(0.01 + 31.48 / 900)
    assert result.limits[0].upper[0] == pytest.approx(1 + half95, rel=1e-12)
    assert result.limits[0].lower[0] == pytest.approx(1 - half95, rel=1e-12)
    assert result.flag.tolist() == ["", "", "", "", "", "", "alert_high", "alert_low", "", ""]
    assert result.curve.limits[0].upper[0] == pytest.approx(1 + half95, rel=1e-12)


def test_exact_limits_and_flags_without_overdispersion() -> None:
    expected = np.full(12, 20.0)
    observed = np.array([20, 18, 22, 21, 19, 20, 23, 17, 20, 20, 35, 5], dtype=float)
    result = funnel(observed, expected)
    assert not result.overdispersed
    assert result.tau2 == 0.0
    assert result.limits[0].upper[0] == pytest.approx(1.544419, abs=5e-7)
    # 35/20 = 1.75 > 1.544 (95%) but below the 99.8% limit; 5/20 = 0.25 < both lower limits
    upper998 = stats.chi2.ppf(0.999, 42) / 40
    lower998 = stats.chi2.ppf(0.001, 40) / 40
    assert upper998 > 1.75 and lower998 > 0.25
    assert result.flag[-2:].tolist() == ["alert_high", "alarm_low"]
    assert (result.flag[:-2] == "").all()


def test_alarm_high() -> None:
    # 48/20 = 2.4 is above the exact 99.8% upper limit chi2(0.999; 42)/40 = 1.902
    observed = np.array([20, 22, 18, 21, 19, 20, 20, 21, 19, 20, 48], dtype=float)
    result = funnel(observed, np.full(11, 20.0))
    assert not result.overdispersed
    assert result.limits[1].upper[0] == pytest.approx(stats.chi2.ppf(0.999, 42) / 40, rel=1e-12)
    assert result.flag.tolist() == [""] * 10 + ["alarm_high"]


def test_zero_expected_is_left_out() -> None:
    observed = np.array([20, 20, 20, 20, 20, 60, 3], dtype=float)
    expected = np.array([20, 20, 20, 20, 20, 20, 0], dtype=float)
    result = funnel(observed, expected)
    # z = 0 five times and 2 sqrt(20); the 90th percentile caps it at sqrt(20): phi = 20/6
    assert result.phi == pytest.approx(20 / 6, rel=1e-12)
    assert result.flag.tolist() == ["", "", "", "", "", "alarm_high", ""]
    assert np.isnan(result.ratio[6]) and np.isnan(result.z[6])


def test_dispersion_needs_two_units_and_random_effects_clip_at_zero() -> None:
    assert not dispersion([1.0], [4.0]).overdispersed
    limits = random_effects_limits([1.0], 0.998, 0.5)
    assert limits.lower[0] == 0.0


def test_weighted_total_uses_its_own_variance() -> None:
    # two indicators, 1 and 3 points per incident; unit 0: n = (4, 2), E = (5, 1)
    # O = 4 + 6 = 10, E = 5 + 3 = 8, V = 1*5 + 9*1 = 14, E* = 64/14, z = (10 - 8)/sqrt(14)
    counts = np.array([[4.0, 2.0], [5.0, 1.0], [6.0, 0.0], [5.0, 1.0]])
    expected = np.array([[5.0, 1.0], [5.0, 1.0], [5.0, 1.0], [5.0, 1.0]])
    result = weighted_funnel(counts, expected, [1.0, 3.0])
    assert result.observed.tolist() == [10.0, 8.0, 6.0, 8.0]
    assert result.expected.tolist() == [8.0, 8.0, 8.0, 8.0]
    assert result.variance.tolist() == [14.0, 14.0, 14.0, 14.0]
    assert result.effective[0] == pytest.approx(64 / 14, rel=1e-15)
    assert result.z[0] == pytest.approx(2 / np.sqrt(14), rel=1e-12)
    assert result.effective_observed[0] == pytest.approx(10 * 8 / 14, rel=1e-15)
    limits = exact_limits([64 / 14], 0.95)
    assert result.exact[0].upper[0] == pytest.approx(limits.upper[0], rel=1e-15)
    # stored (O*, E*) give the same funnel as (O, E, V)
    again = funnel(result.effective_observed, result.effective)
    assert again.z == pytest.approx(result.z, rel=1e-12)
    assert again.flag.tolist() == result.flag.tolist()


def test_overdispersion_no_longer_depends_on_the_points_per_incident() -> None:
    rng = np.random.default_rng(3)
    expected = rng.uniform(2.0, 40.0, size=(32, 5))
    counts = rng.poisson(expected * rng.gamma(4.0, 0.25, size=expected.shape)).astype(float)
    weights = np.array([1.0, 2.0, 0.5, 5.0, 3.0])
    small = weighted_funnel(counts, expected, 0.001 * weights)
    large = weighted_funnel(counts, expected, weights)
    assert small.phi == pytest.approx(large.phi, rel=1e-9)
    assert small.tau2 == pytest.approx(large.tau2, rel=1e-9)
    assert small.flag.tolist() == large.flag.tolist()


FLAG_CASES = st.integers(4, 12).flatmap(
    lambda units: st.tuples(
        hnp.arrays(np.float64, (units, 3), elements=st.integers(0, 60).map(float)),
        hnp.arrays(np.float64, (units, 3), elements=st.floats(0.2, 50.0)),
        hnp.arrays(np.float64, 3, elements=st.sampled_from([0.1, 0.5, 1.0, 2.0, 5.0])),
        st.permutations(range(units)),
    )
)


@settings(max_examples=60, deadline=None)
@given(FLAG_CASES)
def test_flags_are_invariant_to_the_unit_of_deduction_and_the_order_of_units(
    case: tuple[np.ndarray, np.ndarray, np.ndarray, list[int]],
) -> None:
    counts, expected, weights, permutation = case
    order = np.array(permutation)
    reference = weighted_funnel(counts, expected, weights)
    per_indicator = indicator_funnels(counts, expected)
    for k in (0.001, 1.0, 1000.0):
        scaled = weighted_funnel(counts, expected, k * weights)
        assert scaled.flag.tolist() == reference.flag.tolist()
        assert scaled.overdispersed == reference.overdispersed
        permuted = weighted_funnel(counts[order], expected[order], k * weights)
        assert permuted.flag.tolist() == reference.flag[order].tolist()
    permuted_indicators = indicator_funnels(counts[order], expected[order])
    assert permuted_indicators.flag.tolist() == per_indicator.flag[order].tolist()


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(np.float64, 9, elements=st.floats(0.0, 80.0)),
    hnp.arrays(np.float64, 9, elements=st.floats(0.05, 60.0)),
)
def test_flags_are_the_comparison_with_the_limits(
    observed: np.ndarray, expected: np.ndarray
) -> None:
    result = funnel(observed, expected)
    alert, alarm = result.limits
    want = np.full(9, "", dtype="<U10")
    want[result.ratio > alert.upper] = "alert_high"
    want[result.ratio < alert.lower] = "alert_low"
    want[result.ratio > alarm.upper] = "alarm_high"
    want[result.ratio < alarm.lower] = "alarm_low"
    assert result.flag.tolist() == want.tolist()


def test_indicator_funnels_are_funnels_of_each_column() -> None:
    rng = np.random.default_rng(11)
    expected = rng.uniform(1.0, 30.0, size=(25, 3))
    counts = rng.poisson(expected * rng.gamma(2.0, 0.5, size=expected.shape)).astype(float)
    counts[0, 1] = 80.0
    result = indicator_funnels(counts, expected)
    for c in range(3):
        one = funnel(counts[:, c], expected[:, c])
        assert result.flag[:, c].tolist() == one.flag.tolist()
        assert result.phi[c] == one.phi and result.tau2[c] == one.tau2
        assert bool(result.overdispersed[c]) == one.overdispersed
    assert result.flag[0, 1] == "alarm_high"


def test_winsorising_uses_linear_interpolation_between_order_statistics() -> None:
    # 10 z-scores 0..9: the 10th percentile by linear interpolation (Hyndman-Fan 7) is
    # at position 0.9, i.e. 0.9; the 90th at position 8.1, i.e. 8.1.
    z = np.arange(10.0)
    d = dispersion(z, np.ones(10))
    clipped = np.clip(z, 0.9, 8.1)
    assert d.phi == pytest.approx(float(np.mean(clipped**2)), rel=1e-15)
