"""Absolute score: base minus capped deductions per incident.

``absolute = max(0, base - sum_c min(cap_c, w_c * n_uc))`` where ``n_uc`` is the
number of incidents of indicator ``c`` reported for unit ``u`` over the period.
A missing month (NaN) is never read as zero: the score is computed from the
reported cells and the unit is marked incomplete.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._types import BoolArray, FloatArray

SCORE_DECIMALS = 9


@dataclass(frozen=True)
class Scheme:
    """Deduction rule of one class: per-indicator weight, cap, veto and the base score."""

    weights: FloatArray
    caps: FloatArray
    veto: BoolArray
    base: float = 100.0

    @classmethod
    def of(
        cls, weights: ArrayLike, caps: ArrayLike, veto: ArrayLike, base: float = 100.0
    ) -> Scheme:
        """Build a validated scheme from array-likes (caps: ``np.inf`` for none)."""
        w = np.asarray(weights, dtype=np.float64)
        c = np.asarray(caps, dtype=np.float64)
        v = np.asarray(veto, dtype=np.bool_)
        if w.ndim != 1 or c.shape != w.shape or v.shape != w.shape:
            raise ValueError("weights, caps and veto must be 1-D arrays of equal length")
        if np.any(~np.isfinite(w)) or np.any(w < 0):
            raise ValueError("weights must be finite and >= 0")
        if np.any(np.isnan(c)) or np.any(c < 0):
            raise ValueError("caps must be >= 0 (np.inf for no cap)")
        if not np.isfinite(base) or base < 0:
            raise ValueError("base must be finite and >= 0")
        return cls(weights=w, caps=c, veto=v, base=float(base))

    @property
    def n_indicators(self) -> int:
        """Number of indicators C."""
        return int(self.weights.shape[0])


@dataclass(frozen=True)
class AbsoluteResult:
    """Absolute scores of one class for one period.

    ``score`` (U,), ``deductions`` (U, C), ``totals`` (U, C) reported incidents,
    ``complete`` (U,) False when any month of the unit is missing, ``vetoed`` (U,)
    any incident of a veto indicator, ``quarter_to_date`` (U, M) score using months
    1..m, ``missing`` (U, C, M) the unreported cells.
    """

    score: FloatArray
    deductions: FloatArray
    totals: FloatArray
    complete: BoolArray
    vetoed: BoolArray
    quarter_to_date: FloatArray
    missing: BoolArray


def capped_deductions(totals: FloatArray, scheme: Scheme) -> FloatArray:
    """Per-indicator deductions ``min(cap_c, w_c * n)`` for totals of shape (..., C)."""
    return np.minimum(scheme.caps, totals * scheme.weights)


def score_from_totals(totals: FloatArray, scheme: Scheme) -> FloatArray:
    """Score ``max(0, base - sum_c min(cap_c, w_c * n_c))`` for totals of shape (..., C)."""
    deduction: FloatArray = capped_deductions(totals, scheme).sum(axis=-1)
    return clean_score(scheme.base - deduction)


def clean_score(raw: FloatArray) -> FloatArray:
    """Clip at 0 and round to 1e-9 so that equal deductions give equal scores.

    Without rounding 0.1 * 3 and 0.3 differ in the last bit and would break a tie.
    """
    return np.asarray(np.round(np.maximum(0.0, raw), SCORE_DECIMALS), dtype=np.float64)


def absolute_scores(counts: ArrayLike, scheme: Scheme) -> AbsoluteResult:
    """Absolute scores from monthly counts of shape (U, C, M); NaN marks an unreported cell."""
    n = np.asarray(counts, dtype=np.float64)
    if n.ndim != 3 or n.shape[1] != scheme.n_indicators or n.shape[2] == 0:
        raise ValueError("counts must have shape (units, indicators, months >= 1)")
    if n.size and np.fmin.reduce(n, axis=None) < 0:
        raise ValueError("counts must be >= 0")
    missing = np.isnan(n)
    cumulative = np.cumsum(np.where(missing, 0.0, n), axis=2)
    to_date_deductions = np.multiply(cumulative, scheme.weights[:, None])
    np.minimum(to_date_deductions, scheme.caps[:, None], out=to_date_deductions)
    to_date = clean_score(scheme.base - to_date_deductions.sum(axis=1))
    totals = cumulative[:, :, -1].copy()
    return AbsoluteResult(
        score=to_date[:, -1].copy(),
        deductions=to_date_deductions[:, :, -1].copy(),
        totals=totals,
        complete=np.asarray(~missing.any(axis=(1, 2)), dtype=np.bool_),
        vetoed=np.asarray((totals[:, scheme.veto] > 0).any(axis=1), dtype=np.bool_),
        quarter_to_date=to_date,
        missing=missing,
    )


def score_change(current: ArrayLike, previous: ArrayLike) -> FloatArray:
    """Change in points ``current - previous``; NaN where either score is unknown."""
    cur = np.asarray(current, dtype=np.float64)
    prev = np.asarray(previous, dtype=np.float64)
    known = ~(np.isnan(cur) | np.isnan(prev))
    return np.where(known, np.where(known, cur, 0.0) - np.where(known, prev, 0.0), np.nan)
