"""Sensitivity of the ranks to the deductions: a Monte-Carlo over the deduction per incident.

In each of ``draws`` draws every indicator's deduction per incident is multiplied by its own
factor drawn uniformly from ``[1 - spread, 1 + spread]``; the caps still apply, the units are
scored as by :func:`pingan.engine.scoring.score_from_totals` and ranked with :func:`competition_ranks`. Each unit's
rank range is the best and the worst rank it takes over the draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._types import IntArray
from .ranks import competition_ranks
from .scoring import Scheme, clean_score

CHUNK = 64
"""Draws scored at once (bounds the memory to CHUNK x units x indicators floats)."""


@dataclass(frozen=True)
class RankRange:
    """Best (``low``) and worst (``high``) rank of each unit (S,) over the draws."""

    low: IntArray
    high: IntArray
    draws: int
    spread: float
    seed: int


def rank_ranges(
    totals: ArrayLike, scheme: Scheme, *, spread: float, draws: int, seed: int = 0
) -> RankRange:
    """Rank range of each unit when the deductions vary by ±``spread`` (0.1 = ±10%).

    ``totals`` (S, C) the incidents of the scored units over the period. The factors come
    from ``numpy.random.default_rng(seed)`` as one (draws, C) array, so a seed gives the same
    ranges on every machine.
    """
    n = np.asarray(totals, dtype=np.float64)
    if n.ndim != 2 or n.shape[1] != scheme.n_indicators:
        raise ValueError("totals must have shape (units, indicators)")
    if not 0.0 <= spread < 1.0:
        raise ValueError("spread must be in [0, 1)")
    if draws < 1:
        raise ValueError("draws must be >= 1")
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1.0 - spread, 1.0 + spread, size=(draws, scheme.n_indicators))
    varied = scheme.weights[None, :] * factors
    low = np.full(n.shape[0], np.iinfo(np.int64).max, dtype=np.int64)
    high = np.zeros(n.shape[0], dtype=np.int64)
    for start in range(0, draws, CHUNK):
        part = varied[start : start + CHUNK]
        deductions = np.minimum(scheme.caps[None, None, :], n[None, :, :] * part[:, None, :])
        ranks = competition_ranks(clean_score(scheme.base - deductions.sum(axis=2)))
        np.minimum(low, ranks.min(axis=0), out=low)
        np.maximum(high, ranks.max(axis=0), out=high)
    return RankRange(low=low, high=high, draws=draws, spread=float(spread), seed=seed)
