"""EARS C1, C2 and C3 (Hutwagner et al. 2003; Fricker, Hegler & Dunfee 2008).

The Early Aberration Reporting System of the US CDC compares the count ``x_t`` with the mean
``m_t`` and sample standard deviation ``s_t`` (ddof 1) of a short trailing baseline of
``baseline`` periods (7 by default):

- C1: baseline ``x[t-7 .. t-1]`` (lag 0); C2: baseline ``x[t-9 .. t-3]`` (lag 2);
- ``sigma_t = max(s_t, min_sigma)``; statistic ``C_t = (x_t - m_t) / sigma_t``;
- C1 and C2 alarm when ``x_t > m_t + z_{1-alpha} sigma_t`` (the upper bound);
- C3 cumulates the C2 statistics of the current and two previous periods:
  ``C3_t = sum_{i=t-2..t} max(0, C2_i - 1)`` and alarms when ``C3_t > z_{1-alpha}``; its upper
  bound is the count at ``t`` at which ``C3_t`` reaches the threshold,
  ``m_t + sigma_t (1 + z - L_t)`` with ``L_t`` the two earlier terms (floored at 0).

``min_sigma`` (default 1, one count) keeps a constant baseline from making every larger count an
alarm; R ``surveillance::earsC`` uses 0 and divides by zero there. Missing values (NaN) are skipped
in the baseline, which needs at least 3 observed values; a missing current month never alarms.

References: Hutwagner L, Thompson W, Seeman GM, Treadwell T. The bioterrorism preparedness and
response Early Aberration Reporting System (EARS). J Urban Health 2003;80(2 Suppl 1):i89-96.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from .._types import FloatArray
from ._result import Detection
from ._windows import trailing_moments

MIN_BASELINE_VALUES = 3


def _c_statistic(
    counts: FloatArray, baseline: int, lag: int, min_sigma: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    mean, sd = trailing_moments(counts, baseline, lag, MIN_BASELINE_VALUES)
    sigma = np.maximum(sd, min_sigma)
    stat = (counts - mean) / sigma
    return mean, sigma, stat


def ears(
    counts: FloatArray,
    *,
    method: str,
    alpha: float,
    baseline: int = 7,
    min_sigma: float = 1.0,
) -> Detection:
    """Run EARS ``method`` ("C1", "C2" or "C3") over ``counts`` (n_series, n_periods)."""
    if method not in ("C1", "C2", "C3"):
        raise ValueError(f"unknown EARS method {method!r}")
    z = float(stats.norm.ppf(1.0 - alpha))
    lag = 0 if method == "C1" else 2
    mean, sigma, stat = _c_statistic(counts, baseline, lag, min_sigma)
    if method in ("C1", "C2"):
        upper = mean + z * sigma
        return Detection(mean, upper, stat, counts > upper)  # False wherever a value is NaN
    excess = np.fmax(stat - 1.0, 0.0)  # 0 where the statistic is missing
    earlier = np.zeros(counts.shape)
    earlier[:, 1:] = excess[:, :-1]
    earlier[:, 2:] += excess[:, :-2]
    c3 = excess + earlier
    c3[np.isnan(stat)] = np.nan
    upper = np.maximum(mean + sigma * (1.0 + z - earlier), 0.0)
    return Detection(mean, upper, c3, c3 > z)
