"""Funnel plot limits, over-dispersion and flags."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from pingan.engine import dispersion, exact_limits, funnel, random_effects_limits


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
