"""Marginal confidence sets for ranks from pairwise comparisons of scores.

After Mogstad, Romano, Shaikh and Wilhelm, "Inference for Ranks with Applications to
Mobility across Neighbourhoods and Academic Achievement across Countries" (Review of
Economic Studies, 2024). For unit j with score ``s_j`` and score variance ``v_j``,
unit k is significantly better when ``s_k - s_j > c sqrt(v_j + v_k)`` and
significantly worse when ``s_j - s_k > c sqrt(v_j + v_k)``; the set is

    [1 + #{k significantly better}, U - #{k significantly worse}].

For each k only one of the two decisions can be wrong (the one against the sign of
the true difference), so with one-sided critical value ``c = z_(1 - alpha / (U - 1))``
(Bonferroni over the U - 1 comparisons of j) the set holds the true rank of j with
probability at least ``1 - alpha`` (normal approximation of each difference). Ties
of observed scores are never significant, so the set always contains the observed
competition rank.

For speed the other units are grouped into at most ``BINS`` groups of similar
variance and each group is compared at its largest variance (a larger variance only
makes a difference harder to call significant: the set can only widen). With at most
``BINS`` units, or at most ``BINS`` distinct variances, the comparison is exact.
Cost: O(U * BINS * log U).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from ._types import FloatArray, IntArray
from .scoring import Scheme

BINS = 64


def score_variances(rates: ArrayLike, shape: ArrayLike, scheme: Scheme) -> FloatArray:
    """Upper bound of the variance of each unit's absolute score, (U,).

    A count with mean ``l`` and gamma shape ``a`` of its rate (``np.inf``: Poisson) has
    variance ``l + l^2 / a`` (negative binomial). The capped deduction ``min(cap, w N)``
    lies in ``[0, cap]`` and moves by at most ``w`` per incident, so its variance is at
    most ``min(w^2 Var N, cap^2 / 4)``; counts of different indicators are independent,
    and the floor of the score at 0 cannot add variance.
    """
    lam = np.asarray(rates, dtype=np.float64)
    a = np.asarray(shape, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        extra = np.where(np.isfinite(a), np.square(lam) / a, 0.0)
    count_variance = lam + extra
    deduction_variance = np.minimum(
        np.square(scheme.weights)[None, :] * count_variance, np.square(scheme.caps)[None, :] / 4
    )
    variances: FloatArray = deduction_variance.sum(axis=1)
    return variances


def critical_value(n_units: int, level: float) -> float:
    """One-sided Bonferroni critical value ``z_(1 - (1 - level) / (U - 1))`` (0 if U < 2)."""
    if n_units < 2:
        return 0.0
    return float(stats.norm.isf((1.0 - level) / (n_units - 1)))


def rank_sets(
    scores: ArrayLike, variances: ArrayLike, level: float = 0.95, bins: int = BINS
) -> tuple[IntArray, IntArray]:
    """Lower and upper ends (U,) of each unit's ``level`` confidence set for its rank."""
    s = np.asarray(scores, dtype=np.float64)
    v = np.asarray(variances, dtype=np.float64)
    if s.ndim != 1 or v.shape != s.shape:
        raise ValueError("scores and variances must be (U,) each")
    if np.isnan(s).any() or np.isnan(v).any() or (v < 0).any():
        raise ValueError("scores must not be NaN and variances must be >= 0")
    if not 0 < level < 1 or bins < 1:
        raise ValueError("level must be in (0, 1) and bins >= 1")
    n_units = s.shape[0]
    c = critical_value(n_units, level)
    low = np.ones(n_units, dtype=np.int64)
    high = np.full(n_units, n_units, dtype=np.int64)
    for group in _variance_groups(v, bins):
        ordered = np.sort(s[group])
        margin = c * np.sqrt(v + v[group].max())
        low += group.size - np.searchsorted(ordered, s + margin, side="right")
        high -= np.searchsorted(ordered, s - margin, side="left")
    return low, high


def _variance_groups(variances: FloatArray, bins: int) -> list[IntArray]:
    """Units split into at most ``bins`` groups of neighbouring variances.

    Equal variances never straddle groups when there are at most ``bins`` of them, so
    every unit is compared at its own variance then.
    """
    if variances.size == 0:
        return []
    order = np.argsort(variances, kind="stable")
    distinct, starts = np.unique(variances[order], return_index=True)
    if distinct.size <= bins:
        return np.split(order, starts[1:])
    return [g for g in np.array_split(order, bins) if g.size]
