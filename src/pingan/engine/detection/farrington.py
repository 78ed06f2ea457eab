"""Farrington et al. (1996) outbreak detection, vectorised over series.

For the month ``t`` the baseline is the ``2w + 1`` months centred on the same month of each of the
``b`` previous years, ``x[t - 12j + d]`` for ``j = 1..b`` and ``d = -w..w`` (b = 3, w = 2 for
monthly data: 15 values; R ``surveillance::farrington`` uses b = 5, w = 3 for weekly data). A
quasi-Poisson GLM with linear trend is fitted, past outbreaks are down-weighted by their
Anscombe residuals (weight ``s^-2`` above 1) and the trend kept only when significant and not
extrapolating beyond the largest baseline count (see ``_fitting``). With the prediction ``mu0``,
its standard error ``se`` on the count scale and the dispersion ``phi``, the threshold uses the
power transformation ``y^e`` (e = 2/3 by default; 1/2 and 1 also offered):

    tau = phi + se^2 / mu0,   sd_e = sqrt(var of y^e)  (mu0 tau; tau / 4; 4/9 mu0^(1/3) tau),
    U = (mu0^e + z_{1-alpha} sd_e)^(1/e),   p = P(N(mu0^e, sd_e) > y^e),
    score = (y - mu0) / (U - mu0).

An alarm needs ``y > U`` and at least 5 counts in the last 4 months (Farrington's rule against
alarms on isolated small counts; ``limit_cases`` / ``limit_periods``). A baseline of zeros gives
expectation and threshold 0. Missing months are left out of the baseline (at least 2/3 of it must
be observed); a missing current month never alarms.

Reference: Farrington CP, Andrews NJ, Beale AD, Catchpole MA. A statistical algorithm for the
early detection of outbreaks of infectious disease. J R Stat Soc A 1996;159:547-563.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from .._types import FloatArray
from ._fitting import predict, recent_total
from ._result import Detection

BATCH = 4096


@dataclass(frozen=True)
class Threshold:
    """Lower and upper bounds of the prediction interval, tail probability and score."""

    lower: FloatArray
    upper: FloatArray
    p: FloatArray
    score: FloatArray


def farrington_threshold(
    mu0: ArrayLike, se: ArrayLike, phi: ArrayLike, alpha: float, y: ArrayLike, power: float
) -> Threshold:
    """Farrington's threshold for predictions ``mu0`` with count-scale standard errors ``se``."""
    mu = np.asarray(mu0, dtype=np.float64)
    tau = np.asarray(phi, dtype=np.float64) + np.asarray(se, dtype=np.float64) ** 2 / mu
    if power == 1.0:
        sd = np.sqrt(mu * tau)
    elif power == 0.5:
        sd = np.sqrt(tau / 4.0)
    elif abs(power - 2.0 / 3.0) < 1e-12:
        sd = np.sqrt(4.0 / 9.0 * np.cbrt(mu) * tau)
    else:
        raise ValueError("power must be 1, 1/2 or 2/3")
    z = float(stats.norm.ppf(1.0 - alpha))
    centre = mu**power
    low_base = centre - z * sd
    lower = np.where(low_base > 0, np.maximum(low_base, 0.0) ** (1.0 / power), 0.0)
    upper = (centre + z * sd) ** (1.0 / power)
    obs = np.asarray(y, dtype=np.float64)
    p = stats.norm.sf((np.maximum(obs, 0.0) ** power - centre) / sd)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = (obs - mu) / (upper - mu)
    return Threshold(lower, upper, np.asarray(p, dtype=np.float64), score)


def baseline_offsets(years: int, window: int, frequency: int = 12) -> np.ndarray:
    """Offsets ``i - t`` of the baseline months (most distant first)."""
    offsets = [-frequency * j + d for j in range(years, 0, -1) for d in range(-window, window + 1)]
    return np.array(offsets, dtype=np.int64)


def _design(offsets: np.ndarray, frequency: int) -> FloatArray:
    return np.column_stack([np.ones(offsets.size), offsets / frequency]).astype(np.float64)


def farrington(
    counts: FloatArray,
    *,
    alpha: float,
    years: int = 3,
    window: int = 2,
    power: float = 2.0 / 3.0,
    reweight_threshold: float = 1.0,
    limit_cases: float = 5.0,
    limit_periods: int = 4,
    periods: np.ndarray | None = None,
    frequency: int = 12,
) -> Detection:
    """Run Farrington (1996) for the months ``periods`` (all computable ones by default)."""
    offsets = baseline_offsets(years, window, frequency)
    design = _design(offsets, frequency)
    min_points = int(np.ceil(2 * offsets.size / 3))
    result = _empty(counts.shape)
    for t in _months(counts.shape[1], int(-offsets.min()), periods):
        for start in range(0, counts.shape[0], BATCH):
            rows = slice(start, start + BATCH)
            block = counts[rows]
            base = block[:, t + offsets]
            pred = predict(design, base, threshold=reweight_threshold, min_points=min_points)
            mu0 = np.exp(pred.eta)
            se = mu0 * pred.se_eta
            y = block[:, t]
            th = farrington_threshold(
                np.where(pred.usable, mu0, 1.0),
                np.nan_to_num(se),
                np.nan_to_num(pred.phi, nan=1.0),
                alpha,
                np.nan_to_num(y),
                power,
            )
            _store(result, rows, t, pred.usable, pred.all_zero, mu0, th.upper, th.score)
            _decide(result, rows, t, y, recent_total(block, t, limit_periods) >= limit_cases)
    return result


def _empty(shape: tuple[int, ...]) -> Detection:
    nan = np.full(shape, np.nan)
    return Detection(nan.copy(), nan.copy(), nan.copy(), np.zeros(shape, dtype=bool))


def _months(n_periods: int, history: int, periods: np.ndarray | None) -> list[int]:
    wanted = range(n_periods) if periods is None else (int(p) for p in periods)
    return [t for t in wanted if history <= t < n_periods]


def _store(
    result: Detection,
    rows: slice,
    t: int,
    usable: np.ndarray,
    all_zero: np.ndarray,
    mu0: FloatArray,
    upper: FloatArray,
    score: FloatArray,
) -> None:
    result.expected[rows, t] = np.where(usable, mu0, np.where(all_zero, 0.0, np.nan))
    result.upper[rows, t] = np.where(usable, upper, np.where(all_zero, 0.0, np.nan))
    result.statistic[rows, t] = np.where(usable, score, np.nan)


def _decide(
    result: Detection, rows: slice, t: int, y: FloatArray, enough_cases: np.ndarray
) -> None:
    upper = result.upper[rows, t]
    with np.errstate(invalid="ignore"):
        above = np.isfinite(y) & np.isfinite(upper) & (y > upper)
    result.alarm[rows, t] = above & enough_cases
    result.statistic[rows, t] = np.where(np.isfinite(y), result.statistic[rows, t], np.nan)
