"""The improved Farrington algorithm of Noufaily et al. (2013), vectorised over series.

Differences from Farrington (1996), as in R ``surveillance::farringtonFlexible`` with
``noPeriods``, ``pastWeeksNotIncluded``, ``weightsThreshold = 2.58`` and ``thresholdMethod``:

- the baseline is every month from ``t - 12b - w`` to ``t - 1 - exclude_recent``: the most recent
  months are left out so a building outbreak does not raise its own baseline (Noufaily's 26 weeks
  are half a year; for monthly data the default is 6 months);
- seasonality by a factor: the ``2w + 1`` months around the month of the year of ``t`` are one
  level, the other months of the year are split into ``seasons - 1`` further levels (Noufaily's
  10 periods of a 52-week year; 3 levels for monthly data);
- past outbreaks are down-weighted only for Anscombe residuals above 2.58;
- the threshold is the ``1 - alpha`` quantile of a negative binomial with mean ``mu`` and
  variance ``phi mu`` (Poisson when ``phi = 1``); ``mu = exp(eta)`` ("nbPlugin", default) or
  ``mu = exp(eta + z_{1-alpha} se(eta))`` ("muan", set the parameter ``muan`` to 1); the lower
  bound is the ``alpha`` quantile and ``p = P(Y >= y)``.

Alarms as for Farrington: ``y > U`` with at least 5 counts in the last 4 months.

Reference: Noufaily A, Enki DG, Farrington P, Garthwaite P, Andrews N, Charlett A. An improved
algorithm for outbreak detection in multiple surveillance systems. Stat Med 2013;32:1206-1222.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from .._types import BoolArray, FloatArray
from ._fitting import predict, recent_total
from ._result import Detection
from .farrington import BATCH, Threshold, _decide, _empty, _months, _store


def _nb_parameters(mu: FloatArray, phi: FloatArray) -> tuple[BoolArray, FloatArray, FloatArray]:
    """Overdispersed mask and negative-binomial ``size``, ``prob`` of mean mu, variance phi mu."""
    over = phi > 1.0
    size = np.where(over, mu / np.where(over, phi - 1.0, 1.0), 1.0)
    return over, size, size / (size + mu)


def _quantile(q: float, mu: FloatArray, phi: FloatArray) -> FloatArray:
    """The ``q`` quantile, negative binomial where ``phi > 1`` and Poisson elsewhere (each
    distribution evaluated only on its own series)."""
    over, size, prob = _nb_parameters(mu, phi)
    out = np.empty(mu.shape)
    out[over] = stats.nbinom.ppf(q, size[over], prob[over])
    out[~over] = stats.poisson.ppf(q, mu[~over])
    return out


def _tail(obs: FloatArray, mu: FloatArray, phi: FloatArray) -> FloatArray:
    """``P(Y >= obs)`` under the same distributions."""
    over, size, prob = _nb_parameters(mu, phi)
    out = np.empty(mu.shape)
    out[over] = stats.nbinom.sf(obs[over] - 1, size[over], prob[over])
    out[~over] = stats.poisson.sf(obs[~over] - 1, mu[~over])
    return out


def _plugin_mean(eta: FloatArray, se_eta: ArrayLike, alpha: float, muan: bool) -> FloatArray:
    if not muan:
        return np.asarray(np.exp(eta), dtype=np.float64)
    z = float(stats.norm.ppf(1.0 - alpha))
    return np.asarray(np.exp(eta + z * np.asarray(se_eta, dtype=np.float64)), dtype=np.float64)


def noufaily_threshold(
    eta: ArrayLike, se_eta: ArrayLike, phi: ArrayLike, alpha: float, y: ArrayLike, *, muan: bool
) -> Threshold:
    """Negative-binomial (or Poisson) bounds for log-scale predictions ``eta``."""
    eta_arr = np.atleast_1d(np.asarray(eta, dtype=np.float64))
    mu = _plugin_mean(eta_arr, se_eta, alpha, muan)
    phi_arr = np.broadcast_to(np.asarray(phi, dtype=np.float64), mu.shape)
    obs = np.broadcast_to(np.asarray(y, dtype=np.float64), mu.shape)
    lower, upper = _quantile(alpha, mu, phi_arr), _quantile(1 - alpha, mu, phi_arr)
    p = _tail(obs, mu, phi_arr)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = (obs - np.exp(eta_arr)) / (upper - np.exp(eta_arr))
    shape = np.shape(eta)
    return Threshold(lower.reshape(shape), upper.reshape(shape), p.reshape(shape),
                     score.reshape(shape))  # fmt: skip


def _upper_and_score(
    eta: FloatArray, se_eta: FloatArray, phi: FloatArray, alpha: float, y: FloatArray, muan: bool
) -> tuple[FloatArray, FloatArray]:
    """The upper bound and score of ``noufaily_threshold`` alone (what the detector uses)."""
    upper = _quantile(1 - alpha, _plugin_mean(eta, se_eta, alpha, muan), phi)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = (y - np.exp(eta)) / (upper - np.exp(eta))
    return upper, score


def season_levels(
    offsets: np.ndarray, window: int, seasons: int, frequency: int = 12
) -> np.ndarray:
    """Seasonal level (0 = the window around t's month) of each baseline offset."""
    position = np.mod(offsets, frequency)
    rest = frequency - 2 * window - 1
    inside = (position <= window) | (position >= frequency - window)
    block = 1 + ((position - window - 1) * (seasons - 1)) // max(rest, 1)
    return np.where(inside, 0, block).astype(np.int64)


def noufaily_design(
    years: int, window: int, exclude_recent: int, seasons: int, frequency: int = 12
) -> tuple[np.ndarray, FloatArray]:
    """Baseline offsets and the design (intercept, trend in years, seasonal dummies)."""
    offsets = np.arange(-frequency * years - window, -exclude_recent, dtype=np.int64)
    levels = season_levels(offsets, window, seasons, frequency)
    columns = [np.ones(offsets.size), offsets / frequency]
    columns += [(levels == level).astype(np.float64) for level in range(1, seasons)]
    return offsets, np.column_stack(columns).astype(np.float64)


def noufaily(
    counts: FloatArray,
    *,
    alpha: float,
    years: int = 3,
    window: int = 2,
    exclude_recent: int = 6,
    seasons: int = 3,
    reweight_threshold: float = 2.58,
    muan: bool = False,
    limit_cases: float = 5.0,
    limit_periods: int = 4,
    periods: np.ndarray | None = None,
    frequency: int = 12,
) -> Detection:
    """Run the Noufaily (2013) algorithm for the months ``periods`` (all computable by default)."""
    offsets, design = noufaily_design(years, window, exclude_recent, seasons, frequency)
    min_points = int(np.ceil(2 * offsets.size / 3))
    result = _empty(counts.shape)
    for t in _months(counts.shape[1], int(-offsets.min()), periods):
        for start in range(0, counts.shape[0], BATCH):
            rows = slice(start, start + BATCH)
            block = counts[rows]
            pred = predict(
                design, block[:, t + offsets], threshold=reweight_threshold, min_points=min_points
            )
            y = block[:, t]
            upper, score = _upper_and_score(
                np.where(pred.usable, pred.eta, 0.0),
                np.nan_to_num(pred.se_eta),
                np.nan_to_num(pred.phi, nan=1.0),
                alpha,
                np.nan_to_num(y),
                muan,
            )
            _store(result, rows, t, pred.usable, pred.all_zero, np.exp(pred.eta), upper, score)
            _decide(result, rows, t, y, recent_total(block, t, limit_periods) >= limit_cases)
    return result
