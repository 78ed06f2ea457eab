"""EARS C1-C3 and the Poisson CUSUM against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pingan.engine.detection import DETECTORS, detect
from pingan.engine.detection.cusum import cusum_recursion, decision_interval, siegmund_arl

Z95 = 1.6448536269514722  # z_{0.95}


def _row(values: list[float]) -> np.ndarray:
    return np.array([values], dtype=np.float64)


def test_ears_c1_on_a_rising_week() -> None:
    counts = _row([1, 2, 3, 4, 5, 6, 7, 12])
    result = detect("ears_c1", counts, alpha=0.05)
    sd = math.sqrt(28 / 6)  # squared deviations of 1..7 from 4 sum to 28
    assert result.expected[0, 7] == pytest.approx(4.0, abs=1e-12)
    assert result.upper[0, 7] == pytest.approx(4 + Z95 * sd, abs=1e-9)
    assert result.statistic[0, 7] == pytest.approx(8 / sd, abs=1e-9)
    assert bool(result.alarm[0, 7])
    # fewer than 3 baseline values: not computable; from 3 on a partial baseline is used
    assert np.isnan(result.upper[0, :3]).all()
    assert result.upper[0, 3] == pytest.approx(2 + Z95 * 1.0, abs=1e-9)


def test_ears_c2_uses_the_baseline_two_periods_back() -> None:
    counts = _row([2, 2, 2, 2, 2, 2, 3, 9, 9, 6])
    result = detect("ears_c2", counts, alpha=0.05)
    # baseline of t = 9 is x[0..6] = 2,2,2,2,2,2,3: mean 15/7, squared deviations 6/7
    mean, sd = 15 / 7, math.sqrt((6 / 7) / 6)
    assert result.expected[0, 9] == pytest.approx(mean, abs=1e-12)
    sigma = max(sd, 1.0)  # min_sigma = 1 takes over
    assert result.upper[0, 9] == pytest.approx(mean + Z95 * sigma, abs=1e-9)
    assert result.statistic[0, 9] == pytest.approx((6 - mean) / sigma, abs=1e-9)
    assert bool(result.alarm[0, 9])


def test_ears_c3_cumulates_the_excess_of_three_c2_statistics() -> None:
    counts = _row([4] * 9 + [6, 7, 6])
    result = detect("ears_c3", counts, alpha=0.05, params={"min_sigma": 1.0})
    # every C2 baseline up to t = 11 is constant 4 (sd 0 -> sigma 1): C2 = x - 4
    assert result.statistic[0, 9] == pytest.approx(1.0)  # max(0, 2 - 1)
    assert result.statistic[0, 10] == pytest.approx(1.0 + 2.0)  # + max(0, 3 - 1)
    assert result.statistic[0, 11] == pytest.approx(1.0 + 2.0 + 1.0)
    assert result.alarm[0, 9:].tolist() == [False, True, True]
    # the count at t = 10 at which C3 reaches z: 4 + 1 * (1 + z - 1)
    assert result.upper[0, 10] == pytest.approx(4 + Z95, abs=1e-9)


def test_ears_skips_a_missing_baseline_month_and_never_alarms_on_one() -> None:
    counts = _row([1, 2, np.nan, 4, 5, 6, 7, 30, np.nan])
    result = detect("ears_c1", counts, alpha=0.05)
    assert result.expected[0, 7] == pytest.approx(25 / 6, abs=1e-12)
    assert not result.alarm[0, 8]
    assert np.isnan(result.statistic[0, 8])


def test_decision_interval_meets_the_siegmund_run_length() -> None:
    h = decision_interval(100.0, 0.5)
    assert siegmund_arl(h, 0.5) == pytest.approx(100.0, rel=1e-9)
    b = h + 1.166
    assert (math.exp(b) - b - 1) / 0.5 == pytest.approx(100.0, rel=1e-9)


def test_cusum_by_hand_with_a_known_mean() -> None:
    counts = _row([4, 6, 8, 4, 12, 4])
    h = decision_interval(100.0, 0.5)
    result = cusum_recursion(counts, np.full(counts.shape, 4.0), h=h, k=0.5)
    # z = (x - 4) / 2 - 0.5: -0.5, 0.5, 1.5, -0.5, 3.5 ; S = 0, 0.5, 2.0, 1.5, 5.0 -> alarm, reset
    assert result.statistic[0].tolist() == pytest.approx([0.0, 0.5, 2.0, 1.5, 5.0, 0.0])
    assert result.alarm[0].tolist() == [False, False, False, False, True, False]
    assert result.upper[0, 4] == pytest.approx(4 + 2 * (h + 0.5 - 1.5), abs=1e-12)


def test_cusum_estimates_its_mean_from_a_lagged_baseline() -> None:
    counts = _row([2.0] * 3 + [4.0] * 11 + [20.0])
    result = detect("cusum", counts, alpha=0.01)
    # t = 14: baseline x[0..11] (lag 2): mean (3 * 2 + 9 * 4) / 12 = 3.5; 3 values needed first
    assert np.isnan(result.expected[0, :5]).all()
    assert result.expected[0, 5] == pytest.approx(2.0)
    assert result.expected[0, 14] == pytest.approx(3.5)
    assert not result.alarm[0, :14].any()
    assert result.statistic[0, 14] == pytest.approx(
        result.statistic[0, 13] + 16.5 / math.sqrt(3.5) - 0.5
    )
    assert bool(result.alarm[0, 14])


@pytest.mark.parametrize("mean", [20.0, 50.0])
def test_cusum_simulated_in_control_run_length_is_near_the_target(mean: float) -> None:
    rng = np.random.default_rng(20261128)
    counts = rng.poisson(mean, (1000, 1000)).astype(np.float64)
    result = cusum_recursion(
        counts, np.full(counts.shape, mean), h=decision_interval(100, 0.5), k=0.5
    )
    assert result.alarm.any(axis=1).all()
    run_length = np.argmax(result.alarm, axis=1) + 1
    # Siegmund's normal approximation; Poisson skewness shortens the run length a little
    assert 80.0 <= run_length.mean() <= 110.0


def test_detect_refuses_unknown_names_parameters_and_levels() -> None:
    counts = np.zeros((1, 20))
    with pytest.raises(KeyError):
        detect("shewhart", counts, alpha=0.05)
    with pytest.raises(KeyError):
        detect("cusum", counts, alpha=0.05, params={"window": 3})
    with pytest.raises(ValueError, match="alpha"):
        detect("cusum", counts, alpha=0.5)
    assert sorted(DETECTORS) == ["cusum", "ears_c1", "ears_c2", "ears_c3", "farrington", "noufaily"]
