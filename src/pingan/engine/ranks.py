"""Ranks within a class and their intervals from a seeded parametric bootstrap.

Higher score is better and ranks 1. Ties share the lowest rank (competition ranking:
1, 2, 2, 4). The interval is the central ``level`` range of the unit's rank over
bootstrap draws in which every count is redrawn ``N_uc ~ Poisson(lambda_uc)`` and the
score recomputed with the same rule; it is widened when needed so that it always
contains the observed rank.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import fft, stats

from ._types import FloatArray, Int32Array, IntArray
from .scoring import Scheme, clean_score

ScoreFunction = Callable[[FloatArray], FloatArray]
"""Maps drawn totals (B, U, C) to scores (B, U)."""

NEGLIGIBLE = 1e-12
MAX_LEVELS = 20_000
CHUNK = 50
WORKERS = min(2, os.cpu_count() or 1)
SUB_BLOCK = 1024
BLOCK_CELLS = 4_000_000
DIRECT_ATOMS = 6


@dataclass(frozen=True)
class RankResult:
    """Observed ranks with bootstrap intervals, all (U,) integers.

    ``rank_low <= rank <= rank_high`` always holds. ``method`` names the sampler:
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
) -> RankResult:
    """Rank ``scores`` (U,) and bootstrap a ``level`` interval for each rank.

    ``rates`` (U, C) are the Poisson means of the period's counts. Without
    ``score_fn`` the absolute rule of ``scheme`` is used with a fast sampler that is
    exact in distribution up to events of probability below 1e-12 per unit and
    indicator. ``score_fn`` maps drawn totals (B, U, C) to scores (B, U).
    ``keys`` (U,) stable unit identifiers (e.g. unit codes): random numbers are
    assigned to units in key order, so permuting the units permutes the result.
    """
    observed = competition_ranks(scores)
    lam = np.asarray(rates, dtype=np.float64)
    if lam.shape != (observed.shape[0], scheme.n_indicators):
        raise ValueError("rates must have shape (units, indicators)")
    if not np.isfinite(lam).all() or (lam < 0).any():
        raise ValueError("rates must be finite and >= 0")
    if draws < 1 or not 0 < level < 1:
        raise ValueError("draws must be >= 1 and level in (0, 1)")
    order = np.arange(lam.shape[0]) if keys is None else _key_order(keys, lam.shape[0])
    if score_fn is not None:
        ranks, method = _custom_ranks(lam[order], draws, seed, score_fn), "custom"
    else:
        ranks, method = _absolute_ranks(lam[order], scheme, draws, seed)
    if keys is not None:
        ranks[:, order] = ranks.copy()
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(ranks, [tail, 1.0 - tail], axis=0, method="inverted_cdf").astype(
        np.int64
    )
    return RankResult(
        rank=observed,
        rank_low=np.minimum(low, observed),
        rank_high=np.maximum(high, observed),
        level=level,
        draws=draws,
        seed=seed,
        method=method,
    )


def _key_order(keys: ArrayLike, n_units: int) -> IntArray:
    k = np.asarray(keys)
    if k.shape != (n_units,) or np.unique(k).size != n_units:
        raise ValueError("keys must be (U,) and distinct")
    return np.argsort(k, kind="stable").astype(np.int64)


def _custom_ranks(lam: FloatArray, draws: int, seed: int, score_fn: ScoreFunction) -> Int32Array:
    rng = np.random.default_rng(seed)
    ranks = np.empty((draws, lam.shape[0]), dtype=np.int32)
    for start in range(0, draws, CHUNK):
        size = min(CHUNK, draws - start)
        totals = rng.poisson(lam, size=(size, *lam.shape)).astype(np.float64)
        ranks[start : start + size] = competition_ranks(score_fn(totals))
    return ranks


@dataclass(frozen=True)
class _Plan:
    """Split of unit x indicator pairs by how the cap can act on the score."""

    pooled: FloatArray  # (U, G) summed Poisson means per weight group
    group_weights: FloatArray  # (G,)
    constant: FloatArray  # (U,) deductions from caps that bind almost surely
    individual: tuple[tuple[int, IntArray, FloatArray], ...]  # (indicator, units, means)


def _plan(lam: FloatArray, scheme: Scheme) -> _Plan:
    """Pool pairs whose cap cannot act, fix those whose cap surely binds, draw the rest.

    A cap at or above the base never changes a score (the score is already 0 when it
    would bind), and a cap that binds with probability below 1e-12 is dropped; a cap
    reached with probability above 1 - 1e-12 contributes the cap itself.
    """
    w, caps = scheme.weights, scheme.caps
    pooled_mask = np.ones(lam.shape, dtype=bool)
    constant = np.zeros(lam.shape[0])
    individual: list[tuple[int, IntArray, FloatArray]] = []
    for c in np.flatnonzero((w > 0) & (caps < scheme.base)):
        threshold = math.ceil(caps[c] / w[c] - 1e-12)
        below = stats.poisson.cdf(threshold - 1, lam[:, c]) if threshold > 0 else 0.0 * lam[:, c]
        surely = below < NEGLIGIBLE
        never = (1.0 - below) < NEGLIGIBLE
        pooled_mask[:, c] = never
        constant += np.where(surely, caps[c], 0.0)
        units = np.flatnonzero(~surely & ~never)
        if units.size:
            individual.append((int(c), units.astype(np.int64), lam[units, c]))
    group_weights = np.unique(w[w > 0])
    pooled = (
        np.column_stack(
            [np.where(pooled_mask, lam, 0.0)[:, w == g].sum(axis=1) for g in group_weights]
        )
        if group_weights.size
        else np.zeros((lam.shape[0], 0))
    )
    return _Plan(pooled, group_weights, constant, tuple(individual))


def _absolute_ranks(
    lam: FloatArray, scheme: Scheme, draws: int, seed: int
) -> tuple[Int32Array, str]:
    plan = _plan(lam, scheme)
    step = _lattice_step(scheme)
    if step is None:
        rng = np.random.default_rng(seed)
        return _poisson_ranks(plan, scheme, draws, rng), "poisson"
    levels = round(scheme.base / step)
    n_units = lam.shape[0]
    width = max(64, min(SUB_BLOCK, BLOCK_CELLS // levels))
    starts = range(0, n_units, width)
    seeds = np.random.SeedSequence(seed).spawn(len(starts))
    deduction = np.empty((draws, n_units), dtype=np.int32)

    def block(start: int, seq: np.random.SeedSequence) -> None:
        stop = min(start + width, n_units)
        pooled = _compound_poisson_pmf(plan.pooled[start:stop], plan.group_weights, step, levels)
        pmf = _with_capped(pooled, plan, start, stop, scheme, step)
        constant = np.rint(plan.constant[start:stop] / step).astype(np.int32)
        deduction[:, start:stop] = _sample(pmf, draws, np.random.default_rng(seq)) + constant

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(block, starts, seeds))
    score = np.maximum(0, levels - deduction)
    return _lattice_ranks(score, levels), "lattice"


def _with_capped(
    pooled: FloatArray, plan: _Plan, start: int, stop: int, scheme: Scheme, step: float
) -> FloatArray:
    """Law of the non-constant deduction of units start..stop, P(D = j), j < levels.

    Each capped pair whose cap may or may not bind is convolved into the pooled law
    with its exact law ``min(cap, w N)``: directly when that law has few atoms, else by
    multiplying discrete Fourier transforms of length >= 2 levels (nothing wraps
    around). Values at or above ``levels`` give a score of 0, so only the first
    ``levels`` terms matter and the truncated convolution is exact up to rounding.
    """
    pmf = pooled
    spectral = []
    for c, units, means in plan.individual:
        lo, hi = np.searchsorted(units, [start, stop])
        if hi == lo:
            continue
        rows = units[lo:hi] - start
        atoms, probs = _capped_law(means[lo:hi], scheme.weights[c], scheme.caps[c], step)
        if atoms.size > DIRECT_ATOMS:
            spectral.append((rows, atoms, probs))
        elif rows.size == pmf.shape[0]:
            pmf = _convolve_atoms(pmf, atoms, probs)
        else:
            pmf[rows] = _convolve_atoms(pmf[rows], atoms, probs)
    if not spectral:
        return pmf
    levels = pmf.shape[1]
    size = fft.next_fast_len(2 * levels, real=True)
    spectrum = fft.rfft(pmf, n=size, axis=1)
    for rows, atoms, probs in spectral:
        law = np.zeros((rows.size, size))
        law[:, atoms] = probs
        spectrum[rows] *= fft.rfft(law, axis=1, overwrite_x=True)
    convolved: FloatArray = fft.irfft(spectrum, n=size, axis=1)[:, :levels]
    return np.maximum(convolved, 0.0)


def _convolve_atoms(pmf: FloatArray, atoms: IntArray, probs: FloatArray) -> FloatArray:
    """Truncated convolution of each row of ``pmf`` with a law on a few atoms (atom 0 first)."""
    levels = pmf.shape[1]
    out = pmf * probs[:, :1]
    buffer = np.empty_like(pmf)
    for atom, prob in zip(atoms[1:], probs.T[1:], strict=True):
        if atom < levels:
            part = np.multiply(prob[:, None], pmf[:, : levels - atom], out=buffer[:, atom:])
            out[:, atom:] += part
    return out


def _capped_law(
    means: FloatArray, weight: float, cap: float, step: float
) -> tuple[IntArray, FloatArray]:
    """Atoms (in steps) and probabilities (pairs, atoms) of ``min(cap, w N)``, N ~ Poisson."""
    k, cap_steps = round(weight / step), round(cap / step)
    threshold = math.ceil(cap / weight - 1e-12)
    n = np.arange(threshold)
    probs = np.column_stack(
        [stats.poisson.pmf(n[None, :], means[:, None]), stats.poisson.sf(threshold - 1, means)]
    )
    return np.append(n * k, cap_steps).astype(np.int64), probs


def _sample(pmf: FloatArray, draws: int, rng: np.random.Generator) -> Int32Array:
    """Inverse-CDF draws per unit, (draws, U); ``levels`` stands for "levels or more"."""
    cdf = np.cumsum(pmf, axis=1)
    uniforms = rng.random((pmf.shape[0], draws))
    sample = np.empty((pmf.shape[0], draws), dtype=np.int32)
    for u in range(pmf.shape[0]):
        sample[u] = np.searchsorted(cdf[u], uniforms[u], side="right")
    return sample.T


def _poisson_ranks(plan: _Plan, scheme: Scheme, draws: int, rng: np.random.Generator) -> Int32Array:
    n_units = plan.pooled.shape[0]
    ranks = np.empty((draws, n_units), dtype=np.int32)
    for start in range(0, draws, CHUNK):
        size = min(CHUNK, draws - start)
        deduction = np.broadcast_to(plan.constant, (size, n_units)).copy()
        for g, weight in enumerate(plan.group_weights):
            deduction += weight * rng.poisson(plan.pooled[:, g], size=(size, n_units))
        for c, units, means in plan.individual:
            counts = rng.poisson(means, size=(size, units.size))
            deduction[:, units] += np.minimum(scheme.caps[c], scheme.weights[c] * counts)
        ranks[start : start + size] = competition_ranks(clean_score(scheme.base - deduction))
    return ranks


def _lattice_step(scheme: Scheme) -> float | None:
    """Largest step 10^-d (d <= 4) on which weights, binding caps and base all lie."""
    caps = scheme.caps[np.isfinite(scheme.caps) & (scheme.caps < scheme.base)]
    values = np.concatenate([scheme.weights, caps, [scheme.base]])
    for digits in range(5):
        step = 10.0**-digits
        scaled = values / step
        on_grid = np.abs(scaled - np.rint(scaled)) <= 1e-9 * np.maximum(1.0, np.abs(scaled))
        if on_grid.all() and scheme.base / step <= MAX_LEVELS:
            return step
    return None


def _compound_poisson_pmf(
    means: FloatArray, group_weights: FloatArray, step: float, levels: int
) -> FloatArray:
    """P(D = j step), j < levels, for D = sum_g w_g Poisson(mu_g), by Panjer's recursion.

    ``j p_j = sum_g k_g mu_g p_(j - k_g)`` with ``p_0 = exp(-sum mu)`` and
    ``k_g = w_g / step``, run on a rescaled scale against underflow.
    ``means`` (U, G); returns (U, levels).
    """
    n_units = means.shape[0]
    k = np.rint(group_weights / step).astype(np.int64)
    mu_k = np.ascontiguousarray((means * k).T)
    q = np.zeros((levels, n_units))
    q[0] = 1.0
    log_scale = -means.sum(axis=1)
    for j in range(1, levels):
        row = q[j]
        for g in np.flatnonzero(k <= j):
            row += mu_k[g] * q[j - k[g]]
        row /= j
        large = row > 1e200
        if large.any():
            q[: j + 1, large] *= 1e-200
            log_scale[large] += 200 * math.log(10)
    with np.errstate(under="ignore"):
        return np.ascontiguousarray((q * np.exp(log_scale)).T)


def _lattice_ranks(score: Int32Array, levels: int) -> Int32Array:
    """Competition ranks per row of integer scores in [0, levels] by counting."""
    draws, n_units = score.shape
    ranks = np.empty((draws, n_units), dtype=np.int32)
    width = levels + 2
    for start in range(0, draws, CHUNK):
        block = score[start : start + CHUNK]
        rows = np.arange(block.shape[0])[:, None] * width
        counts = np.bincount((rows + block).ravel(), minlength=block.shape[0] * width)
        at_least = counts.reshape(-1, width)[:, ::-1].cumsum(axis=1)[:, ::-1]
        higher = np.take_along_axis(at_least, block + 1, axis=1)
        ranks[start : start + block.shape[0]] = 1 + higher
    return ranks
