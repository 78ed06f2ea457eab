"""The shared Farrington-family fitting step: one month, many series.

For the month ``t`` and a batch of series with the same baseline layout this fits the quasi-Poisson
model with trend, down-weights past outbreaks by their Anscombe residuals and refits (Farrington
et al. 1996, section 3.3), then keeps the trend only if it is significant at 5% (t test on the
quasi-likelihood standard error) and the prediction does not exceed the largest baseline count;
otherwise the same steps are repeated without the trend. The result is the prediction at ``t`` on
the log scale with its standard error (from the estimated dispersion, as R's ``predict.glm``) and
the dispersion ``phi = max(1, estimate)`` of the final fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from .._types import BoolArray, FloatArray
from ._glm import anscombe_residuals, fit_quasi_poisson, hat_values, outbreak_weights

TREND_LEVEL = 0.05


@dataclass(frozen=True)
class Prediction:
    """Per series: ``eta`` = log mean at t, its standard error, dispersion, usable mask."""

    eta: FloatArray
    se_eta: FloatArray
    phi: FloatArray
    usable: BoolArray
    all_zero: BoolArray


def _fit_reweighted(
    design: FloatArray, y: FloatArray, prior: FloatArray, threshold: float
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    first = fit_quasi_poisson(design, y, prior)
    phi_first = np.maximum(np.nan_to_num(first.dispersion, nan=1.0), 1.0)
    residuals = anscombe_residuals(y, first, phi_first, hat_values(design, first, prior))
    weights = outbreak_weights(residuals, prior, threshold)
    final = fit_quasi_poisson(design, y, weights, start=first)
    raw = np.nan_to_num(final.dispersion, nan=1.0)
    x0 = np.zeros(design.shape[1])
    x0[0] = 1.0
    eta = final.beta @ x0
    se_eta = np.sqrt(np.maximum(raw * np.einsum("i,sij,j->s", x0, final.inverse, x0), 0.0))
    return eta, se_eta, np.maximum(raw, 1.0), final.beta, final.inverse * raw[:, None, None]


def predict(
    design: FloatArray, counts: FloatArray, *, threshold: float, min_points: int
) -> Prediction:
    """Fit and predict at ``t`` for every row of ``counts`` (S, n); column 1 of ``design`` is the
    trend (time in years, 0 at ``t``), column 0 the intercept, the rest seasonal dummies."""
    prior = np.isfinite(counts).astype(np.float64)
    y = np.nan_to_num(counts)
    n_series = counts.shape[0]
    eta = np.full(n_series, np.nan)
    se_eta = np.full(n_series, np.nan)
    phi = np.full(n_series, np.nan)
    enough = prior.sum(axis=1) >= max(min_points, design.shape[1] + 2)
    all_zero = enough & ((y * prior).sum(axis=1) == 0)
    rows = np.flatnonzero(enough & ~all_zero)
    if rows.size:
        e, s, f, beta, cov = _fit_reweighted(design, y[rows], prior[rows], threshold)
        df = prior[rows].sum(axis=1) - design.shape[1]
        t_value = beta[:, 1] / np.sqrt(np.maximum(cov[:, 1, 1], 1e-300))
        p_value = 2.0 * stats.t.sf(np.abs(t_value), np.maximum(df, 1.0))
        ceiling = np.where(prior[rows] > 0, y[rows], -np.inf).max(axis=1)
        keep = (p_value < TREND_LEVEL) & (np.exp(e) <= ceiling)
        drop = ~keep
        if drop.any():
            reduced = np.delete(design, 1, axis=1)
            sub = rows[drop]
            e2, s2, f2, _, _ = _fit_reweighted(reduced, y[sub], prior[sub], threshold)
            e[drop], s[drop], f[drop] = e2, s2, f2
        eta[rows], se_eta[rows], phi[rows] = e, s, f
    usable = enough & ~all_zero & np.isfinite(eta)
    return Prediction(eta, se_eta, phi, usable, all_zero)


def recent_total(counts: FloatArray, t: int, periods: int) -> FloatArray:
    """Sum of the observed counts of the ``periods`` months ending at ``t`` (S,)."""
    start = max(0, t - periods + 1)
    return np.asarray(np.nansum(counts[:, start : t + 1], axis=1), dtype=np.float64)
