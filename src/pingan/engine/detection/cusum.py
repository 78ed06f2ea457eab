"""Poisson CUSUM on standardised counts (Lucas 1985; Rossi, Lampugnani & Marchi 1999).

For each series the in-control mean ``m_t`` is the mean of a trailing baseline of ``baseline``
periods (12 by default) ending ``lag`` periods before ``t`` (2 by default, so that the start of an
outbreak does not raise its own baseline), skipping missing months and floored at ``min_mean``
(0.5) so that a series of zeros can be standardised. With the Rossi standardisation of a Poisson
count, ``z_t = (x_t - m_t) / sqrt(m_t)``, the one-sided CUSUM is

    S_t = max(0, S_{t-1} + z_t - k),

with reference value ``k = shift / 2`` for a shift of ``shift`` standard deviations to detect
(1 by default, so k = 0.5). It alarms when ``S_t > h`` and then restarts from 0. A missing month
leaves ``S`` unchanged and never alarms.

The decision interval ``h`` is set from the in-control average run length ``ARL0 = 1 / alpha``
(one false alarm per ``1/alpha`` periods on average) with Siegmund's approximation for a CUSUM of
unit-variance increments with drift ``-k``:

    ARL0(h) = (exp(2 k b) - 2 k b - 1) / (2 k^2),   b = h + 1.166,

solved for ``h`` by bisection (the function increases with ``h``). The approximation is that of a
normal random walk; for Poisson means of a few counts the run length of the discrete statistic
differs (the tests check the simulated ARL against the target for means of 20 and above).

References: Lucas JM. Counted data CUSUM's. Technometrics 1985;27:129-144. Rossi G, Lampugnani L,
Marchi M. An approximate CUSUM procedure for surveillance of health events. Stat Med
1999;18:2111-2122. Siegmund D. Sequential Analysis. Springer 1985, p. 27.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import optimize

from .._types import FloatArray
from ._result import Detection
from ._windows import trailing_mean

SIEGMUND_CORRECTION = 1.166
MIN_BASELINE_VALUES = 3


def siegmund_arl(h: float, k: float) -> float:
    """In-control ARL of a CUSUM with reference ``k`` > 0 and decision interval ``h``."""
    b = h + SIEGMUND_CORRECTION
    a = 2.0 * k * b
    return float((np.exp(a) - a - 1.0) / (2.0 * k * k))


@lru_cache(maxsize=256)
def decision_interval(arl0: float, k: float) -> float:
    """The ``h`` whose Siegmund ARL equals ``arl0`` (0 when even h = 0 exceeds it)."""
    if siegmund_arl(0.0, k) >= arl0:
        return 0.0
    hi = 1.0
    while siegmund_arl(hi, k) < arl0:
        hi *= 2.0
    return float(optimize.brentq(lambda h: siegmund_arl(h, k) - arl0, 0.0, hi, xtol=1e-12))


def cusum(
    counts: FloatArray,
    *,
    alpha: float,
    shift: float = 1.0,
    baseline: int = 12,
    lag: int = 2,
    min_mean: float = 0.5,
) -> Detection:
    """Run the standardised Poisson CUSUM over ``counts`` (n_series, n_periods)."""
    k = shift / 2.0
    h = decision_interval(1.0 / alpha, k)
    mean = trailing_mean(counts, baseline, lag, MIN_BASELINE_VALUES)
    m = np.maximum(mean, min_mean)  # NaN (too few baseline values) stays NaN
    return cusum_recursion(counts, m, h=h, k=k)


def cusum_recursion(counts: FloatArray, mean: FloatArray, *, h: float, k: float) -> Detection:
    """The CUSUM recursion for given in-control means ``mean`` (same shape as ``counts``).

    The recursion runs month by month over every series at once, on the increments laid out
    month-major so that each step reads and writes contiguous memory.
    """
    root = np.sqrt(mean)
    with np.errstate(invalid="ignore"):
        step = (counts - mean) / root - k
    usable = np.isfinite(step)
    running = np.where(usable, step, 0.0).T.copy()  # (n_periods, n_series)
    restart = np.zeros(counts.shape[0])
    for row in running:
        row += restart
        np.maximum(row, 0.0, out=row)  # a missing month adds 0 to S >= 0: S is unchanged
        restart = np.where(row > h, 0.0, row)
    statistic = running.T
    fired = statistic > h
    before = np.zeros(counts.shape)
    before[:, 1:] = np.where(fired[:, :-1], 0.0, statistic[:, :-1])
    upper = mean + root * (h + k - before)
    return Detection(mean, upper, np.where(usable, statistic, np.nan), fired & usable)
