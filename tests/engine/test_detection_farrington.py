"""Farrington (1996) and Noufaily (2013): R surveillance 1.26 test vectors and behaviour."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pingan.engine.detection import detect
from pingan.engine.detection._glm import fit_quasi_poisson
from pingan.engine.detection.farrington import baseline_offsets, farrington_threshold
from pingan.engine.detection.noufaily import noufaily_design, noufaily_threshold, season_levels


@pytest.mark.parametrize(
    ("power", "expected"),
    [
        (1.0, (1.3073128, 8.6926872, 0.0907246, 0.8124165)),
        (0.5, (1.9891097, 9.3744842, 0.1189986, 0.6857951)),
        (2.0 / 3.0, (1.8084477, 9.1154825, 0.1094727, 0.7289546)),
    ],
)
def test_farrington_threshold_vectors(power: float, expected: tuple[float, ...]) -> None:
    th = farrington_threshold(5.0, 0.2, 1.0, 0.05, 8.0, power)
    got = (float(th.lower), float(th.upper), float(th.p), float(th.score))
    assert got == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("phi", "muan", "bounds", "p"),
    [(1.5, True, (8, 24), 0.8597797), (1.0, True, (9, 22), None), (1.5, False, (1, 10), None)],
)
def test_noufaily_threshold_vectors(
    phi: float, muan: bool, bounds: tuple[int, int], p: float | None
) -> None:
    th = noufaily_threshold(math.log(5), math.log(2), phi, 0.05, 11.0, muan=muan)
    assert (float(th.lower), float(th.upper)) == bounds
    if p is not None:
        assert float(th.p) == pytest.approx(p, abs=1e-6)


def test_batched_fit_matches_the_poisson_likelihood_equations() -> None:
    design = np.column_stack([np.ones(6), np.arange(6.0)])
    counts = np.array([[3, 5, 4, 6, 8, 7], [10, 9, 12, 8, 11, 10]], dtype=np.float64)
    fit = fit_quasi_poisson(design, counts, np.ones_like(counts))
    # score equations X'(y - mu) = 0 at the maximum
    assert np.abs((counts - fit.mu) @ design).max() < 1e-6
    assert fit.mu[1].sum() == pytest.approx(counts[1].sum(), abs=1e-6)
    pearson = ((counts - fit.mu) ** 2 / fit.mu).sum(axis=1) / 4
    assert fit.dispersion == pytest.approx(pearson, abs=1e-12)


def test_baseline_layout() -> None:
    assert baseline_offsets(2, 1).tolist() == [-25, -24, -23, -13, -12, -11]
    offsets, design = noufaily_design(3, 2, 6, 3)
    assert (offsets[0], offsets[-1]) == (-38, -7)
    assert design.shape == (32, 4)  # intercept, trend, 2 seasonal dummies
    # positions in the year relative to t's month: 0-2 and 10-11 form the window (level 0)
    assert season_levels(np.array([0, 1, 2, 3, 6, 7, 9, 10, 11]), 2, 3).tolist() == [
        0,
        0,
        0,
        1,
        1,
        2,
        2,
        0,
        0,
    ]


def _seasonal(n_series: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    months = np.arange(120)
    mean = 20 * np.exp(0.3 * np.sin(2 * np.pi * months / 12))
    return rng.poisson(mean, (n_series, 120)).astype(np.float64)


@pytest.mark.parametrize("name", ["farrington", "noufaily"])
def test_an_injected_outbreak_alarms_and_quiet_months_mostly_do_not(name: str) -> None:
    counts = _seasonal(200, 5)
    counts[:, 100] += 40
    result = detect(name, counts, alpha=0.01)
    assert result.alarm[:, 100].all()
    quiet = np.r_[38:100, 101:120]
    assert result.alarm[:, quiet].mean() < 0.02
    assert np.isnan(result.upper[:, :38]).all()
    assert np.isfinite(result.upper[:, 38:]).all()


def test_a_zero_baseline_has_zero_expectation_and_small_counts_do_not_alarm() -> None:
    counts = np.zeros((2, 60))
    counts[0, 59] = 3.0  # below the 5-cases-in-4-months rule
    counts[1, 56:60] = [0, 0, 2, 4]
    result = detect("farrington", counts, alpha=0.05)
    assert result.expected[:, 59].tolist() == [0.0, 0.0]
    assert result.alarm[:, 59].tolist() == [False, True]


def test_missing_months_are_left_out_not_read_as_zero() -> None:
    counts = _seasonal(1, 9)
    gaps = counts.copy()
    gaps[0, [50, 62, 74]] = np.nan
    full = detect("noufaily", counts, alpha=0.01)
    holed = detect("noufaily", gaps, alpha=0.01)
    assert not holed.alarm[0, [50, 62, 74]].any()
    assert np.isnan(holed.statistic[0, [50, 62, 74]]).all()
    assert np.isfinite(holed.upper[0, 80:]).all()
    assert not np.allclose(full.expected[0, 80:100], holed.expected[0, 80:100])
