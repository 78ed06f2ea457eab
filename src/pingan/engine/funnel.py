"""Funnel plots of observed / expected ratios (Spiegelhalter 2005).

A point is a ratio ``Y = O / E`` whose variance under the target ratio 1 is
``s^2 = V / E^2``: ``V = E`` for a Poisson count, ``V = sum_c w_c^2 E_c`` for a
deduction-weighted total ``sum_c w_c n_c`` of independent Poisson counts. The
effective expected count ``E* = E^2 / V`` is the Poisson count with the same
relative precision (``E* = E`` for a count); it is the funnel's horizontal axis.
Multiplying every weight by ``k > 0`` multiplies O and E by k and V by k^2, so
ratios, ``E*``, z-scores and flags do not change.

Control limits around 1 at 95% and 99.8%: Garwood's exact Poisson limits at ``E*``,
``lower = chi2(p/2; 2E*) / 2E*`` and ``upper = chi2(1 - p/2; 2E* + 2) / 2E*``; when
the points are over-dispersed, the additive random-effects limits
``1 +/- z_p sqrt(1/E* + tau2)`` with ``tau2`` estimated from winsorised z-scores
(Spiegelhalter, QSHC 2005).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats

from ._types import BoolArray, FloatArray

LEVELS = (0.95, 0.998)
WINSOR = 0.10
WINSOR_METHOD: Final = "linear"
"""``numpy.percentile`` method of the 10th/90th percentiles used for winsorising:
linear interpolation between order statistics (Hyndman & Fan definition 7, the
default of R's ``quantile``): position ``(n - 1) p`` in the sorted z-scores."""
GRID_POINTS = 100


@dataclass(frozen=True)
class Limits:
    """Lower and upper control limits of the ratio at ``level``, per point."""

    level: float
    lower: FloatArray
    upper: FloatArray


@dataclass(frozen=True)
class FunnelCurve:
    """Funnel outline for plotting: ``expected`` grid of E* and limits at 95% and 99.8%."""

    expected: FloatArray
    limits: tuple[Limits, Limits]


@dataclass(frozen=True)
class FunnelResult:
    """Funnel data per point (U,).

    ``observed`` O, ``expected`` E, ``variance`` V of O under the target (E for a
    count), ``effective`` E* = E^2 / V (0 where E or V is 0), ``effective_observed``
    O* = O E / V = ratio x E* (O where V is 0), ``ratio`` O / E (NaN where E* = 0),
    ``z`` = (ratio - 1) sqrt(E*). ``limits`` at 95% and 99.8% are the ones used for
    flagging (over-dispersion adjusted when ``overdispersed``); ``exact`` are
    Garwood's Poisson limits at E*. ``phi`` is the winsorised dispersion estimate and
    ``tau2`` the between-point variance of the ratio (0 when not used).
    Flags: "alarm_high" above the 99.8% upper limit, "alert_high" above the 95% upper
    limit, "alarm_low" / "alert_low" likewise below the lower limits, "" inside.
    """

    observed: FloatArray
    expected: FloatArray
    variance: FloatArray
    effective: FloatArray
    effective_observed: FloatArray
    ratio: FloatArray
    z: FloatArray
    limits: tuple[Limits, Limits]
    exact: tuple[Limits, Limits]
    phi: float
    tau2: float
    overdispersed: bool
    flag: NDArray[np.str_]
    curve: FunnelCurve


@dataclass(frozen=True)
class IndicatorFunnels:
    """One funnel per indicator on the counts n_uc against E_uc, without limit arrays.

    ``ratio``, ``z`` and ``flag`` are (U, C); ``phi``, ``tau2`` and ``overdispersed``
    are (C,). Flags follow the same rule as ``funnel`` (Poisson variance, V = E).
    """

    ratio: FloatArray
    z: FloatArray
    flag: NDArray[np.str_]
    phi: FloatArray
    tau2: FloatArray
    overdispersed: BoolArray


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
    """Estimate over-dispersion from z-scores with s^2 = 1/E (points with E > 0).

    z is winsorised at its 10th and 90th percentiles (``numpy.percentile`` with
    ``method="linear"``, see ``WINSOR_METHOD``); ``phi = mean(z_w^2)``. The points are
    over-dispersed when ``n phi`` exceeds the ``1 - alpha`` quantile of chi2(n - 1);
    then ``tau2 = (n phi - (n - 1)) / (sum w - sum w^2 / sum w)`` with ``w = 1/s^2 = E``.
    """
    zz = np.asarray(z, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    ok = (e > 0) & np.isfinite(zz)
    n = int(ok.sum())
    if n < 2:
        return Dispersion(float("nan"), 0.0, False)
    low, high = np.percentile(zz[ok], [100 * WINSOR, 100 * (1 - WINSOR)], method=WINSOR_METHOD)
    phi = float(np.mean(np.clip(zz[ok], low, high) ** 2))
    over = n * phi > float(stats.chi2.ppf(1 - alpha, n - 1))
    w = e[ok]
    denominator = float(w.sum() - (w**2).sum() / w.sum())
    tau2 = max(0.0, (n * phi - (n - 1)) / denominator) if over and denominator > 0 else 0.0
    return Dispersion(phi, tau2, over and tau2 > 0)


def funnel(
    observed: ArrayLike,
    expected: ArrayLike,
    variance: ArrayLike | None = None,
    alpha: float = 0.05,
) -> FunnelResult:
    """Funnel data for O against E with variance V under the target (default V = E)."""
    o = np.asarray(observed, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    v = e.copy() if variance is None else np.asarray(variance, dtype=np.float64)
    if o.shape != e.shape or v.shape != e.shape or o.ndim != 1:
        raise ValueError("observed, expected and variance must be 1-D arrays of equal length")
    if not (np.isfinite(o) & np.isfinite(e) & np.isfinite(v)).all():
        raise ValueError("observed, expected and variance must be finite")
    if (e < 0).any() or (v < 0).any():
        raise ValueError("expected and variance must be >= 0")
    ok = (e > 0) & (v > 0)
    effective = np.divide(e * e, v, out=np.zeros_like(e), where=ok)
    ratio = np.divide(o, e, out=np.full_like(e, np.nan), where=ok)
    z = np.where(ok, (ratio - 1.0) * np.sqrt(effective), np.nan)
    d = dispersion(z, effective, alpha)
    exact = _pair(lambda level: exact_limits(effective, level))
    used = (
        _pair(lambda level: random_effects_limits(effective, level, d.tau2))
        if d.overdispersed
        else exact
    )
    return FunnelResult(
        observed=o,
        expected=e,
        variance=v,
        effective=effective,
        effective_observed=np.where(ok, ratio * effective, o),
        ratio=ratio,
        z=z,
        limits=used,
        exact=exact,
        phi=d.phi,
        tau2=d.tau2,
        overdispersed=d.overdispersed,
        flag=_flags(ratio, effective, d),
        curve=_curve(effective[ok], d),
    )


def weighted_funnel(
    counts: ArrayLike, expected: ArrayLike, weights: ArrayLike, alpha: float = 0.05
) -> FunnelResult:
    """Funnel of each unit as a whole: O = sum_c w_c n_uc against E = sum_c w_c E_uc.

    ``counts`` and ``expected`` (U, C), ``weights`` (C,) deductions per incident (no
    caps). Under independent Poisson counts ``V = sum_c w_c^2 E_uc``.
    """
    n = np.asarray(counts, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if n.shape != e.shape or n.ndim != 2 or w.shape != (n.shape[1],):
        raise ValueError("counts and expected must be (U, C) and weights (C,)")
    return funnel(n @ w, e @ w, e @ (w * w), alpha)


def indicator_funnels(
    counts: ArrayLike, expected: ArrayLike, alpha: float = 0.05
) -> IndicatorFunnels:
    """One funnel per indicator (column) of ``counts`` against ``expected``, both (U, C)."""
    n = np.asarray(counts, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    if n.shape != e.shape or n.ndim != 2:
        raise ValueError("counts and expected must be (U, C) arrays of equal shape")
    ok = e > 0
    ratio = np.divide(n, e, out=np.full_like(e, np.nan), where=ok)
    z = np.where(ok, (ratio - 1.0) * np.sqrt(np.where(ok, e, 0.0)), np.nan)
    flag = np.full(n.shape, "", dtype="<U10")
    found = [dispersion(z[:, c], e[:, c], alpha) for c in range(n.shape[1])]
    for c, d in enumerate(found):
        flag[:, c] = _flags(ratio[:, c], e[:, c], d)
    return IndicatorFunnels(
        ratio=ratio,
        z=z,
        flag=flag,
        phi=np.array([d.phi for d in found], dtype=np.float64),
        tau2=np.array([d.tau2 for d in found], dtype=np.float64),
        overdispersed=np.array([d.overdispersed for d in found], dtype=np.bool_),
    )


def _pair(make: Callable[[float], Limits]) -> tuple[Limits, Limits]:
    return make(LEVELS[0]), make(LEVELS[1])


def _flags(ratio: FloatArray, effective: FloatArray, d: Dispersion) -> NDArray[np.str_]:
    """Flags against the limits in use; NaN ratios (E* = 0) are never flagged.

    With exact limits the comparison is made on the chi-square scale, which is the
    same test as comparing with ``exact_limits`` but needs one regularised incomplete
    gamma per point and side instead of an inverse: ``Y > upper(E*)`` exactly when
    ``P(chi2(2E* + 2) <= 2 E* Y) > 1 - p/2``, and ``Y < lower(E*)`` exactly when
    ``P(chi2(2E*) <= 2 E* Y) < p/2``. Only points beyond the mean of those laws can
    be outside, so only those are evaluated.
    """
    flag = np.full(ratio.shape, "", dtype="<U10")
    ok = np.isfinite(ratio) & (effective > 0)
    if d.overdispersed:
        alert, alarm = _pair(lambda level: random_effects_limits(effective, level, d.tau2))
        outside = (
            ("alert_high", ok & (ratio > alert.upper)),
            ("alert_low", ok & (ratio < alert.lower)),
            ("alarm_high", ok & (ratio > alarm.upper)),
            ("alarm_low", ok & (ratio < alarm.lower)),
        )
    else:
        o_star = np.where(ok, ratio * effective, 0.0)
        high = ok & (o_star > effective + 1.0)
        low = ok & (o_star < effective)
        upper_p = np.zeros(ratio.shape)
        upper_p[high] = special.gammainc(effective[high] + 1.0, o_star[high])
        lower_p = np.ones(ratio.shape)
        lower_p[low] = special.gammainc(effective[low], o_star[low])
        tails = [(1.0 - level) / 2 for level in LEVELS]
        outside = (
            ("alert_high", high & (upper_p > 1.0 - tails[0])),
            ("alert_low", low & (lower_p < tails[0])),
            ("alarm_high", high & (upper_p > 1.0 - tails[1])),
            ("alarm_low", low & (lower_p < tails[1])),
        )
    for name, mask in outside:
        flag[mask] = name
    return flag


def _curve(e: FloatArray, d: Dispersion) -> FunnelCurve:
    if e.size == 0:
        grid = np.zeros(0)
    else:
        grid = np.geomspace(max(float(e.min()), 0.5), max(float(e.max()), 1.0), GRID_POINTS)
    if d.overdispersed:
        return FunnelCurve(grid, _pair(lambda level: random_effects_limits(grid, level, d.tau2)))
    return FunnelCurve(grid, _pair(lambda level: exact_limits(grid, level)))
