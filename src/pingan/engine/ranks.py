"""Ranks within a class and their intervals from a seeded parametric bootstrap.

Higher score is better and ranks 1. Ties share the lowest rank (competition ranking:
1, 2, 2, 4). The interval is the central ``level`` range of the unit's rank over
bootstrap draws (a unit tied with others in a draw may hold any rank of its tied
group: the lower end uses its best, the upper end its worst such rank). In each draw
every unit's true rate is drawn first,
``Lambda_uc ~ Gamma(shape a_uc, mean lambda_uc)`` (a fixed ``lambda_uc`` where
``a_uc`` is infinite), then the count ``N_uc ~ Poisson(Lambda_uc)`` (so ``N_uc`` is
negative binomial with mean ``lambda`` and variance ``lambda + lambda^2 / a``), then
the score with the same rule. The published interval is the union of that bootstrap
interval, the marginal confidence set of :mod:`rank_sets` (pairwise comparisons of the
observed scores at the same negative-binomial variances) and the observed rank.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._types import FloatArray, IntArray
from .rank_laws import (
    CHUNK,
    Plan,
    Ranks,
    Rates,
    lattice_ranks,
    pooled_law,
    sample,
    split_pairs,
    with_capped,
)
from .rank_sets import rank_sets, score_variances
from .scoring import Scheme, clean_score

ScoreFunction = Callable[[FloatArray], FloatArray]
"""Maps drawn totals (B, U, C) to scores (B, U)."""

MAX_LEVELS = 20_000
WORKERS = min(2, os.cpu_count() or 1)
SUB_BLOCK = 1024
BLOCK_CELLS = 4_000_000


@dataclass(frozen=True)
class RankResult:
    """Observed ranks with their intervals, all (U,) integers.

    ``rank_low``..``rank_high`` is the published interval: the union of the bootstrap
    interval ``bootstrap_low``..``bootstrap_high``, the confidence set
    ``set_low``..``set_high`` and the observed rank, so ``rank_low <= rank <= rank_high``
    always holds. ``method`` names the sampler:
    "lattice" (exact compound-Poisson law of the deduction, lattice weights),
    "poisson" (Poisson draws grouped by weight) or "custom" (caller's score function).
    """

    rank: IntArray
    rank_low: IntArray
    rank_high: IntArray
    level: float
    draws: int
    seed: int
    method: str
    bootstrap_low: IntArray
    bootstrap_high: IntArray
    set_low: IntArray
    set_high: IntArray


def competition_ranks(scores: ArrayLike) -> IntArray:
    """Ranks along the last axis: 1 + number of strictly higher scores."""
    s = np.asarray(scores, dtype=np.float64)
    if np.isnan(s).any():
        raise ValueError("scores must not be NaN")
    if s.shape[-1] == 0:
        return np.zeros(s.shape, dtype=np.int64)
    order = np.argsort(-s, axis=-1, kind="stable")
    ordered = np.take_along_axis(s, order, axis=-1)
    positions = np.broadcast_to(np.arange(s.shape[-1]), s.shape)
    starts = np.concatenate(
        [np.ones((*s.shape[:-1], 1), bool), ordered[..., 1:] != ordered[..., :-1]], axis=-1
    )
    first = np.maximum.accumulate(np.where(starts, positions, 0), axis=-1)
    ranks = np.empty(s.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, first + 1, axis=-1)
    return ranks


def rank_intervals(
    scores: ArrayLike,
    rates: ArrayLike,
    scheme: Scheme,
    *,
    draws: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    score_fn: ScoreFunction | None = None,
    keys: ArrayLike | None = None,
    shape: ArrayLike | None = None,
    offset: ArrayLike | None = None,
) -> RankResult:
    """Rank ``scores`` (U,) and give each rank a ``level`` interval (see :class:`RankResult`).

    ``rates`` (U, C) are the means of the period's counts; ``shape`` (U, C) the gamma
    shape of each rate's uncertainty (``np.inf`` or None: the rate is known and the
    count Poisson). Without ``score_fn`` the absolute rule of ``scheme`` is used with a
    fast sampler that is exact in distribution up to events of probability below
    1e-12 per unit and indicator and rounding. ``score_fn`` maps drawn totals
    (B, U, C) to scores (B, U).
    ``keys`` (U,) stable unit identifiers (e.g. unit codes): random numbers are
    assigned to units in key order, so permuting the units permutes the result.
    """
    observed = competition_ranks(scores)
    lam = np.asarray(rates, dtype=np.float64)
    if lam.shape != (observed.shape[0], scheme.n_indicators):
        raise ValueError("rates must have shape (units, indicators)")
    if not np.isfinite(lam).all() or (lam < 0).any():
        raise ValueError("rates must be finite and >= 0")
    a = np.full(lam.shape, np.inf) if shape is None else np.asarray(shape, dtype=np.float64)
    if a.shape != lam.shape or np.isnan(a).any() or (a <= 0).any():
        raise ValueError("shape must have the shape of rates and be > 0 (np.inf: Poisson)")
    if draws < 1 or not 0 < level < 1:
        raise ValueError("draws must be >= 1 and level in (0, 1)")
    order = np.arange(lam.shape[0]) if keys is None else _key_order(keys, lam.shape[0])
    rates_ = Rates(lam[order], np.where(lam[order] > 0, a[order], np.inf))
    fixed = _fixed_offset(offset, lam.shape[0], score_fn is not None)
    ranks: Ranks
    if score_fn is not None:
        ranks, method = _custom_ranks(rates_, draws, seed, score_fn), "custom"
    else:
        ranks, method = _absolute_ranks(rates_, scheme, draws, seed, fixed[order])
    best, worst = ranks
    if keys is not None:
        best[:, order], worst[:, order] = best.copy(), worst.copy()
    tail = (1.0 - level) / 2.0
    low = np.quantile(best, tail, axis=0, method="inverted_cdf").astype(np.int64)
    high = np.quantile(worst, 1.0 - tail, axis=0, method="inverted_cdf").astype(np.int64)
    set_low, set_high = rank_sets(scores, score_variances(lam, a, scheme), level)
    return RankResult(
        rank=observed,
        rank_low=np.minimum(np.minimum(low, set_low), observed),
        rank_high=np.maximum(np.maximum(high, set_high), observed),
        level=level,
        draws=draws,
        seed=seed,
        method=method,
        bootstrap_low=low,
        bootstrap_high=high,
        set_low=set_low,
        set_high=set_high,
    )


def _fixed_offset(offset: ArrayLike | None, n_units: int, custom: bool) -> FloatArray:
    """The per-unit fixed deduction (zeros when none), checked."""
    if offset is None:
        return np.zeros(n_units)
    if custom:
        raise ValueError("offset needs the absolute rule, not a score_fn")
    fixed = np.asarray(offset, dtype=np.float64)
    if fixed.shape != (n_units,) or not np.isfinite(fixed).all() or (fixed < 0).any():
        raise ValueError("offset must be (units,), finite and >= 0")
    return fixed


def _key_order(keys: ArrayLike, n_units: int) -> IntArray:
    k = np.asarray(keys)
    if k.shape != (n_units,) or np.unique(k).size != n_units:
        raise ValueError("keys must be (U,) and distinct")
    return np.argsort(k, kind="stable").astype(np.int64)


def _tied_ranks(scores: FloatArray) -> Ranks:
    """Best rank (1 + number higher) and worst rank (number higher or equal) per row."""
    best = competition_ranks(scores)
    worst = scores.shape[-1] + 1 - competition_ranks(-scores)
    return best.astype(np.int32), worst.astype(np.int32)


def _custom_ranks(rates: Rates, draws: int, seed: int, score_fn: ScoreFunction) -> Ranks:
    rng = np.random.default_rng(seed)
    best = np.empty((draws, rates.mean.shape[0]), dtype=np.int32)
    worst = np.empty_like(best)
    for start in range(0, draws, CHUNK):
        size = min(CHUNK, draws - start)
        totals = rng.poisson(rates.draw(rng, size)).astype(np.float64)
        part = slice(start, start + size)
        best[part], worst[part] = _tied_ranks(score_fn(totals))
    return best, worst


def _absolute_ranks(
    rates: Rates, scheme: Scheme, draws: int, seed: int, offset: FloatArray
) -> tuple[Ranks, str]:
    plan = split_pairs(rates, scheme)
    fine = _lattice_step(scheme, offset)
    step = _lattice_step(scheme)
    if fine is None or step is None:
        if offset.any():
            plan = Plan(plan.pooled, plan.constant + offset, plan.individual)
        rng = np.random.default_rng(seed)
        return _drawn_ranks(rates, plan, scheme, draws, rng), "poisson"
    # The random deduction lies on the weights' lattice (step); the fixed offsets only shift
    # it, so its law is computed on that coarser lattice and the offsets join on the fine one.
    levels, ratio = round(scheme.base / fine), round(step / fine)
    coarse = round(scheme.base / step)
    offset_steps = np.rint(offset / fine).astype(np.int32)
    n_units = rates.mean.shape[0]
    width = max(64, min(SUB_BLOCK, BLOCK_CELLS // levels))
    starts = range(0, n_units, width)
    seeds = np.random.SeedSequence(seed).spawn(len(starts))
    deduction = np.empty((draws, n_units), dtype=np.int32)

    def block(start: int, seq: np.random.SeedSequence) -> None:
        stop = min(start + width, n_units)
        pooled = pooled_law(rates, plan, scheme, step, coarse, start, stop)
        pmf = with_capped(pooled, plan, start, stop, scheme, step)
        constant = np.rint(plan.constant[start:stop] / step).astype(np.int32)
        drawn = sample(pmf, draws, np.random.default_rng(seq)) + constant
        deduction[:, start:stop] = drawn * ratio + offset_steps[start:stop]

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(block, starts, seeds))
    score = np.maximum(0, levels - deduction)
    return lattice_ranks(score, levels), "lattice"


def _drawn_ranks(
    rates: Rates, plan: Plan, scheme: Scheme, draws: int, rng: np.random.Generator
) -> Ranks:
    """Off the lattice: draw the rates, then one Poisson per weight over the pooled pairs."""
    n_units = rates.mean.shape[0]
    group_weights = np.unique(scheme.weights[scheme.weights > 0])
    best = np.empty((draws, n_units), dtype=np.int32)
    worst = np.empty_like(best)
    for start in range(0, draws, CHUNK):
        size = min(CHUNK, draws - start)
        lam = rates.draw(rng, size)
        deduction = np.broadcast_to(plan.constant, (size, n_units)).copy()
        pooled = np.where(plan.pooled[None], lam, 0.0)
        for weight in group_weights:
            group = pooled[:, :, scheme.weights == weight].sum(axis=2)
            deduction += weight * rng.poisson(group)
        for c, units, _means, _shapes in plan.individual:
            counts = rng.poisson(lam[:, units, c])
            deduction[:, units] += np.minimum(scheme.caps[c], scheme.weights[c] * counts)
        part = slice(start, start + size)
        best[part], worst[part] = _tied_ranks(clean_score(scheme.base - deduction))
    return best, worst


def _lattice_step(scheme: Scheme, offset: FloatArray | None = None) -> float | None:
    """Largest step 10^-d (d <= 4) on which weights, binding caps, base and offsets all lie."""
    caps = scheme.caps[np.isfinite(scheme.caps) & (scheme.caps < scheme.base)]
    extra = np.unique(offset) if offset is not None else np.zeros(0)
    values = np.concatenate([scheme.weights, caps, [scheme.base], extra])
    for digits in range(5):
        step = 10.0**-digits
        scaled = values / step
        on_grid = np.abs(scaled - np.rint(scaled)) <= 1e-9 * np.maximum(1.0, np.abs(scaled))
        if on_grid.all() and scheme.base / step <= MAX_LEVELS:
            return step
    return None
