"""The vectorised detectors equal a plain computation of each series.

The reference below follows the formulas of ``pingan.engine.detection.ears`` and ``cusum`` one
series and one month at a time (mean and sample standard deviation of the observed baseline
values, the C3 sum, the CUSUM recursion with its restart); the detectors compute the same from
running sums over every series at once, in chunks. Farrington and Noufaily fit every series of
a batch at once: a series' result must not depend on the batch it is fitted in, and the batched
quasi-Poisson fit must equal a plain IRLS of that series alone.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from pingan.engine.detection import CHUNK, detect
from pingan.engine.detection._glm import fit_quasi_poisson
from pingan.engine.detection.cusum import decision_interval
from pingan.engine.detection.noufaily import noufaily_design

ALPHA = 0.01
Z = float(stats.norm.ppf(1.0 - ALPHA))


def _counts(rows: int, months: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    counts = rng.poisson(rng.gamma(2.0, 3.0, (rows, 1)), (rows, months)).astype(np.float64)
    counts[rng.random(counts.shape) < 0.08] = np.nan
    counts[: rows // 4] *= 0.37  # non-integer values too
    return counts


def _baseline(series: np.ndarray, t: int, length: int, lag: int) -> list[float]:
    window = series[max(0, t - lag - length) : max(0, t - lag)]
    return [float(v) for v in window if not math.isnan(v)]


def _moments(values: list[float]) -> tuple[float, float]:
    if len(values) < 3:
        return math.nan, math.nan
    mean = sum(values) / len(values)
    var = sum((v - mean) ** 2 for v in values) / (len(values) - 1)
    return mean, math.sqrt(var)


def _ears_reference(series: np.ndarray, lag: int) -> tuple[np.ndarray, np.ndarray]:
    """C statistic and upper bound (C1/C2) of one series, month by month."""
    stat, upper = np.full(series.size, np.nan), np.full(series.size, np.nan)
    for t, x in enumerate(series):
        mean, sd = _moments(_baseline(series, t, 7, lag))
        sigma = max(sd, 1.0) if not math.isnan(sd) else math.nan
        upper[t] = mean + Z * sigma
        stat[t] = (x - mean) / sigma
    return stat, upper


def _c3_reference(series: np.ndarray) -> np.ndarray:
    stat, _ = _ears_reference(series, 2)
    excess = [0.0 if math.isnan(s) else max(s - 1.0, 0.0) for s in stat]
    return np.array(
        [
            math.nan if math.isnan(stat[t]) else sum(excess[max(0, t - 2) : t + 1])
            for t in range(series.size)
        ]
    )


def _cusum_reference(series: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    h = decision_interval(1.0 / ALPHA, 0.5)
    s, stat, alarm = 0.0, np.full(series.size, np.nan), np.zeros(series.size, dtype=bool)
    for t, x in enumerate(series):
        values = _baseline(series, t, 12, 2)
        if len(values) < 3 or math.isnan(x):
            continue
        m = max(sum(values) / len(values), 0.5)
        s = max(0.0, s + (x - m) / math.sqrt(m) - 0.5)
        stat[t], alarm[t] = s, s > h
        if alarm[t]:
            s = 0.0
    return stat, alarm


@pytest.mark.parametrize(("name", "lag"), [("ears_c1", 0), ("ears_c2", 2)])
def test_ears_c1_c2_equal_the_series_by_series_computation(name: str, lag: int) -> None:
    counts = _counts(60, 40, seed=11)
    result = detect(name, counts, alpha=ALPHA)
    for row, series in enumerate(counts):
        stat, upper = _ears_reference(series, lag)
        np.testing.assert_allclose(result.statistic[row], stat, rtol=0, atol=1e-9)
        np.testing.assert_allclose(result.upper[row], upper, rtol=0, atol=1e-9)
        assert result.alarm[row].tolist() == (series > upper).tolist()


def test_ears_c3_equals_the_series_by_series_computation() -> None:
    counts = _counts(60, 40, seed=12)
    result = detect("ears_c3", counts, alpha=ALPHA)
    for row, series in enumerate(counts):
        c3 = _c3_reference(series)
        np.testing.assert_allclose(result.statistic[row], c3, rtol=0, atol=1e-9)
        assert result.alarm[row].tolist() == (c3 > Z).tolist()


def test_cusum_equals_the_series_by_series_computation() -> None:
    counts = _counts(60, 40, seed=13)
    result = detect("cusum", counts, alpha=ALPHA)
    for row, series in enumerate(counts):
        stat, alarm = _cusum_reference(series)
        np.testing.assert_allclose(result.statistic[row], stat, rtol=0, atol=1e-9)
        assert result.alarm[row].tolist() == alarm.tolist()


@pytest.mark.parametrize("name", ["ears_c1", "ears_c3", "cusum"])
def test_chunks_do_not_change_any_result(name: str) -> None:
    counts = _counts(CHUNK + 37, 30, seed=14)
    whole = detect(name, counts, alpha=ALPHA)
    assert np.isnan(counts[2]).any()  # one series alone, with a missing month
    for rows in (slice(0, 5), slice(2, 3), slice(CHUNK - 3, CHUNK + 4), slice(CHUNK + 30, None)):
        alone = detect(name, counts[rows], alpha=ALPHA)
        for field in ("expected", "upper", "statistic", "alarm"):
            assert np.array_equal(
                getattr(whole, field)[rows], getattr(alone, field), equal_nan=True
            ), field


def _seasonal(rows: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rate = rng.gamma(2.0, 2.0, (rows, 1)) * (1 + 0.3 * np.sin(np.arange(60) * np.pi / 6))
    counts = rng.poisson(rate).astype(np.float64)
    hit = rng.random(counts.shape) < 0.03
    counts[hit] += rng.poisson(10, int(hit.sum()))
    counts[rng.random(counts.shape) < 0.02] = np.nan
    return counts


@pytest.mark.parametrize("name", ["farrington", "noufaily"])
def test_batched_fits_equal_one_series_at_a_time(name: str) -> None:
    counts = _seasonal(300, seed=15)
    months = [45, 59]
    batched = detect(name, counts, alpha=ALPHA, periods=months)
    assert batched.alarm[:, months].any()
    for row in range(counts.shape[0]):
        alone = detect(name, counts[row : row + 1], alpha=ALPHA, periods=months)
        for field in ("expected", "upper"):
            np.testing.assert_allclose(
                getattr(batched, field)[row, months],
                getattr(alone, field)[0, months],
                rtol=1e-8,
                atol=1e-12,
            )
        assert batched.alarm[row].tolist() == alone.alarm[0].tolist()


def _irls_one(design: np.ndarray, y: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """A plain Poisson IRLS for one series with ``numpy.linalg.solve``."""
    mu = y + 0.1
    eta = np.log(mu)
    beta = np.zeros(design.shape[1])
    for _ in range(100):
        working = weights * mu
        z = eta + (y - mu) / mu
        new = np.linalg.solve(design.T @ (working[:, None] * design), design.T @ (working * z))
        done = np.abs(new - beta).max() < 1e-13 * (np.abs(new).max() + 1.0)
        beta, eta = new, design @ new
        mu = np.exp(eta)
        if done:
            break
    return beta


def test_batched_quasi_poisson_fit_equals_a_plain_fit_of_each_series() -> None:
    offsets, design = noufaily_design(3, 2, 6, 3)
    counts = _seasonal(300, seed=16)[:, 59 + offsets] + 1.0  # every level has counts
    prior = np.isfinite(counts).astype(np.float64)
    weights = prior * np.random.default_rng(17).uniform(0.2, 1.0, counts.shape)
    first = fit_quasi_poisson(design, np.nan_to_num(counts), prior)
    refit = fit_quasi_poisson(design, np.nan_to_num(counts), weights, start=first)
    for row in range(counts.shape[0]):
        y = np.nan_to_num(counts[row])
        plain = _irls_one(design, y, prior[row])
        np.testing.assert_allclose(first.beta[row], plain, rtol=1e-8, atol=1e-10)
        plain = _irls_one(design, y, weights[row])
        np.testing.assert_allclose(refit.beta[row], plain, rtol=1e-8, atol=1e-10)
