"""Funnel plot of observed / expected ratios (Spiegelhalter 2005).

Control limits around the target ratio 1 at 95% and 99.8%. Exact Poisson limits in
Garwood's chi-square form: ``lower(E) = chi2(p/2; 2E) / 2E`` and
``upper(E) = chi2(1 - p/2; 2E + 2) / 2E``. When the units are over-dispersed the
limits come from the additive random-effects model ``1 +/- z_p sqrt(1/E + tau2)``
with ``tau2`` estimated from winsorised z-scores (Spiegelhalter, QSHC 2005).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ._types import FloatArray

LEVELS = (0.95, 0.998)
WINSOR = 0.10
GRID_POINTS = 100


@dataclass(frozen=True)
class Limits:
    """Lower and upper control limits of the ratio at ``level``, per point."""

    level: float
    lower: FloatArray
    upper: FloatArray


@dataclass(frozen=True)
class FunnelCurve:
    """Funnel outline for plotting: ``expected`` grid and limits at 95% and 99.8%."""

    expected: FloatArray
    limits: tuple[Limits, Limits]


@dataclass(frozen=True)
class FunnelResult:
    """Funnel data per unit (U,): O, E, O/E (NaN where E = 0), z-score, limits, flag.

    ``limits`` at 95% and 99.8% are the ones used for flagging (over-dispersion adjusted
    when ``overdispersed``); ``exact`` are the Poisson limits. ``phi`` is the winsorised
    dispersion estimate and ``tau2`` the between-unit variance (0 when not used).
    Flags: "alarm_high" above the 99.8% upper limit, "alert_high" above the 95% upper
    limit, "alarm_low" / "alert_low" likewise below the lower limits, "" inside.
    """

    observed: FloatArray
    expected: FloatArray
    ratio: FloatArray
    z: FloatArray
    limits: tuple[Limits, Limits]
    exact: tuple[Limits, Limits]
    phi: float
    tau2: float
    overdispersed: bool
    flag: NDArray[np.str_]
    curve: FunnelCurve


def exact_limits(expected: ArrayLike, level: float) -> Limits:
    """Exact Poisson limits for the ratio at target 1 (Garwood 1936); NaN where E <= 0."""
    e = np.asarray(expected, dtype=np.float64)
    p = 1.0 - level
    ok = e > 0
    safe = np.where(ok, e, 1.0)
    lower = stats.chi2.ppf(p / 2, 2 * safe) / (2 * safe)
    upper = stats.chi2.ppf(1 - p / 2, 2 * safe + 2) / (2 * safe)
    return Limits(level, np.where(ok, lower, np.nan), np.where(ok, upper, np.nan))


def random_effects_limits(expected: ArrayLike, level: float, tau2: float) -> Limits:
    """Additive random-effects limits ``1 +/- z sqrt(1/E + tau2)``, lower clipped at 0."""
    e = np.asarray(expected, dtype=np.float64)
    z = stats.norm.ppf(1 - (1 - level) / 2)
    with np.errstate(divide="ignore"):
        half = z * np.sqrt(np.where(e > 0, 1.0 / e, np.nan) + tau2)
    return Limits(level, np.maximum(0.0, 1.0 - half), 1.0 + half)


@dataclass(frozen=True)
class Dispersion:
    """Winsorised dispersion ``phi``, random-effects ``tau2`` and the over-dispersion test."""

    phi: float
    tau2: float
    overdispersed: bool


def dispersion(z: ArrayLike, expected: ArrayLike, alpha: float = 0.05) -> Dispersion:
    """Estimate over-dispersion from z-scores with s^2 = 1/E (units with E > 0).

    z is winsorised at its 10th and 90th percentiles; ``phi = mean(z_w^2)``. The units
    are over-dispersed when ``n phi`` exceeds the ``1 - alpha`` quantile of chi2(n - 1);
    then ``tau2 = (n phi - (n - 1)) / (sum w - sum w^2 / sum w)`` with ``w = E``.
    """
    zz = np.asarray(z, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    ok = (e > 0) & np.isfinite(zz)
    n = int(ok.sum())
    if n < 2:
        return Dispersion(float("nan"), 0.0, False)
    low, high = np.percentile(zz[ok], [100 * WINSOR, 100 * (1 - WINSOR)])
    phi = float(np.mean(np.clip(zz[ok], low, high) ** 2))
    over = n * phi > float(stats.chi2.ppf(1 - alpha, n - 1))
    w = e[ok]
    denominator = float(w.sum() - (w**2).sum() / w.sum())
    tau2 = max(0.0, (n * phi - (n - 1)) / denominator) if over and denominator > 0 else 0.0
    return Dispersion(phi, tau2, over and tau2 > 0)


def funnel(observed: ArrayLike, expected: ArrayLike, alpha: float = 0.05) -> FunnelResult:
    """Funnel plot data for O (incidents, possibly weighted) against expected E."""
    o = np.asarray(observed, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    if o.shape != e.shape or o.ndim != 1:
        raise ValueError("observed and expected must be 1-D arrays of equal length")
    ok = e > 0
    ratio = np.divide(o, e, out=np.full_like(e, np.nan), where=ok)
    z = np.where(ok, (ratio - 1.0) * np.sqrt(np.where(ok, e, 0.0)), np.nan)
    d = dispersion(z, e, alpha)
    exact = _pair(lambda level: exact_limits(e, level))
    used = (
        _pair(lambda level: random_effects_limits(e, level, d.tau2)) if d.overdispersed else exact
    )
    return FunnelResult(
        observed=o,
        expected=e,
        ratio=ratio,
        z=z,
        limits=used,
        exact=exact,
        phi=d.phi,
        tau2=d.tau2,
        overdispersed=d.overdispersed,
        flag=_flags(ratio, used),
        curve=_curve(e[ok], d),
    )


def _pair(make: Callable[[float], Limits]) -> tuple[Limits, Limits]:
    return make(LEVELS[0]), make(LEVELS[1])


def _flags(ratio: FloatArray, limits: tuple[Limits, Limits]) -> NDArray[np.str_]:
    alert, alarm = limits
    flag = np.full(ratio.shape, "", dtype="<U10")
    for name, outside in (
        ("alert_high", ratio > alert.upper),
        ("alert_low", ratio < alert.lower),
        ("alarm_high", ratio > alarm.upper),
        ("alarm_low", ratio < alarm.lower),
    ):
        flag[outside] = name
    return flag


def _curve(e: FloatArray, d: Dispersion) -> FunnelCurve:
    if e.size == 0:
        grid = np.zeros(0)
    else:
        grid = np.geomspace(max(float(e.min()), 0.5), max(float(e.max()), 1.0), GRID_POINTS)
    if d.overdispersed:
        return FunnelCurve(grid, _pair(lambda level: random_effects_limits(grid, level, d.tau2)))
    return FunnelCurve(grid, _pair(lambda level: exact_limits(grid, level)))
