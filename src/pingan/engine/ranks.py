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

import math
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import fft, stats

from ._types import BoolArray, FloatArray, Int32Array, IntArray
from .rank_sets import rank_sets, score_variances
from .scoring import Scheme, clean_score

ScoreFunction = Callable[[FloatArray], FloatArray]
"""Maps drawn totals (B, U, C) to scores (B, U)."""

Ranks = tuple[Int32Array, Int32Array]
"""Best and worst rank of each unit in each draw, (draws, U) each: a unit tied with
others in a draw could hold any rank its tied group spans."""

NEGLIGIBLE = 1e-12
MAX_LEVELS = 20_000
CHUNK = 50
WORKERS = min(2, os.cpu_count() or 1)
SUB_BLOCK = 1024
BLOCK_CELLS = 4_000_000
DIRECT_ATOMS = 6
TILT = 25.0
"""Exponential tilt of the spectral law: the law of D is computed as the series of
``rho^j P(D = j)`` with ``rho^size = exp(-TILT)``, so mass beyond the transform length
(>= 2 levels) folds back at most ``exp(-25)`` and rounding is enlarged at most
``exp(25 / 2)``: errors stay below about 1e-11."""
SERIES_FLOOR = 1e-18


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
    rates_ = _Rates(lam[order], np.where(lam[order] > 0, a[order], np.inf))
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


@dataclass(frozen=True)
class _Rates:
    """Means (U, C) of the counts and gamma shapes (U, C) of their rates (inf: known)."""

    mean: FloatArray
    shape: FloatArray

    def draw(self, rng: np.random.Generator, size: int) -> FloatArray:
        """``size`` draws of the rates, (size, U, C): gamma where the shape is finite."""
        lam = np.broadcast_to(self.mean, (size, *self.mean.shape)).copy()
        finite = np.isfinite(self.shape)
        if finite.any():
            a = self.shape[finite]
            lam[:, finite] = rng.gamma(a, self.mean[finite] / a, size=(size, a.size))
        return lam


def _tied_ranks(scores: FloatArray) -> Ranks:
    """Best rank (1 + number higher) and worst rank (number higher or equal) per row."""
    best = competition_ranks(scores)
    worst = scores.shape[-1] + 1 - competition_ranks(-scores)
    return best.astype(np.int32), worst.astype(np.int32)


def _custom_ranks(rates: _Rates, draws: int, seed: int, score_fn: ScoreFunction) -> Ranks:
    rng = np.random.default_rng(seed)
    best = np.empty((draws, rates.mean.shape[0]), dtype=np.int32)
    worst = np.empty_like(best)
    for start in range(0, draws, CHUNK):
        size = min(CHUNK, draws - start)
        totals = rng.poisson(rates.draw(rng, size)).astype(np.float64)
        part = slice(start, start + size)
        best[part], worst[part] = _tied_ranks(score_fn(totals))
    return best, worst


def _count_cdf(k: int, mean: FloatArray, shape: FloatArray) -> FloatArray:
    """P(N <= k) for N Poisson (infinite shape) or negative binomial (mean, shape)."""
    finite = np.isfinite(shape)
    out = np.empty(mean.shape)
    out[~finite] = stats.poisson.cdf(k, mean[~finite])
    a = shape[finite]
    out[finite] = stats.nbinom.cdf(k, a, a / (a + mean[finite]))
    return out


def _count_pmf(n: IntArray, mean: FloatArray, shape: FloatArray) -> FloatArray:
    """P(N = n), (pairs, len(n)), Poisson or negative binomial as in ``_count_cdf``."""
    finite = np.isfinite(shape)
    out = np.empty((mean.shape[0], n.shape[0]))
    out[~finite] = stats.poisson.pmf(n[None, :], mean[~finite, None])
    a = shape[finite, None]
    out[finite] = stats.nbinom.pmf(n[None, :], a, a / (a + mean[finite, None]))
    return out


@dataclass(frozen=True)
class _Plan:
    """Split of unit x indicator pairs by how the cap can act on the score."""

    pooled: BoolArray  # (U, C) pairs whose cap cannot act: their weighted counts add up
    constant: FloatArray  # (U,) deductions from caps that bind almost surely
    individual: tuple[tuple[int, IntArray, FloatArray, FloatArray], ...]
    # (indicator, units, means, shapes) of pairs whose cap may or may not bind


def _plan(rates: _Rates, scheme: Scheme) -> _Plan:
    """Pool pairs whose cap cannot act, fix those whose cap surely binds, draw the rest.

    A cap at or above the base never changes a score (the score is already 0 when it
    would bind), and a cap that binds with probability below 1e-12 is dropped; a cap
    reached with probability above 1 - 1e-12 contributes the cap itself.
    """
    lam, shape = rates.mean, rates.shape
    w, caps = scheme.weights, scheme.caps
    pooled = np.ones(lam.shape, dtype=bool)
    pooled[:, w <= 0] = False
    constant = np.zeros(lam.shape[0])
    individual: list[tuple[int, IntArray, FloatArray, FloatArray]] = []
    for c in np.flatnonzero((w > 0) & (caps < scheme.base)):
        threshold = math.ceil(caps[c] / w[c] - 1e-12)
        if threshold > 0:
            below = _count_cdf(threshold - 1, lam[:, c], shape[:, c])
        else:
            below = np.zeros(lam.shape[0])
        surely = below < NEGLIGIBLE
        never = (1.0 - below) < NEGLIGIBLE
        pooled[:, c] = never
        constant += np.where(surely, caps[c], 0.0)
        units = np.flatnonzero(~surely & ~never)
        if units.size:
            individual.append((int(c), units.astype(np.int64), lam[units, c], shape[units, c]))
    return _Plan(pooled, constant, tuple(individual))


def _absolute_ranks(
    rates: _Rates, scheme: Scheme, draws: int, seed: int, offset: FloatArray
) -> tuple[Ranks, str]:
    plan = _plan(rates, scheme)
    fine = _lattice_step(scheme, offset)
    step = _lattice_step(scheme)
    if fine is None or step is None:
        if offset.any():
            plan = _Plan(plan.pooled, plan.constant + offset, plan.individual)
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
        pooled = _pooled_law(rates, plan, scheme, step, coarse, start, stop)
        pmf = _with_capped(pooled, plan, start, stop, scheme, step)
        constant = np.rint(plan.constant[start:stop] / step).astype(np.int32)
        drawn = _sample(pmf, draws, np.random.default_rng(seq)) + constant
        deduction[:, start:stop] = drawn * ratio + offset_steps[start:stop]

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(block, starts, seeds))
    score = np.maximum(0, levels - deduction)
    return _lattice_ranks(score, levels), "lattice"


def _pooled_law(
    rates: _Rates, plan: _Plan, scheme: Scheme, step: float, levels: int, start: int, stop: int
) -> FloatArray:
    """P(D = j step), j < levels, of D = sum of w_c N_uc over the pooled pairs of a block.

    D is compound Poisson: its probability generating function is ``exp(A(z))`` with
    ``A(z) = a_0 + sum_i a_i z^i``. A Poisson count of mean l at weight ``k`` steps adds
    ``-l`` to ``a_0`` and ``l`` to ``a_k``; a negative binomial count of mean l and
    shape r (``q = l / (r + l)``) adds ``r log(1 - q)`` to ``a_0`` and ``r q^m / m`` to
    ``a_(m k)``, m = 1, 2, ... (terms below 1e-18 dropped). Only ``a_i`` with
    ``i < levels`` affect ``P(D = j)`` for ``j < levels``, so the series is cut there,
    tilted by ``rho^i``, transformed (length >= 2 levels), exponentiated and
    transformed back; ``P(D = j) = rho^-j x`` the j-th coefficient.
    """
    lam = rates.mean[start:stop]
    shape = rates.shape[start:stop]
    mask = plan.pooled[start:stop]
    n_units = lam.shape[0]
    k_steps = np.rint(scheme.weights / step).astype(np.int64)
    series = np.zeros((n_units, levels))
    a0 = np.zeros(n_units)
    for c in np.flatnonzero(mask.any(axis=0)):
        k = int(k_steps[c])
        mean = np.where(mask[:, c], lam[:, c], 0.0)
        finite = np.isfinite(shape[:, c]) & (mean > 0)
        poisson = np.where(finite, 0.0, mean)
        a0 -= poisson
        if k < levels:
            series[:, k] += poisson
        if not finite.any():
            continue
        r = np.where(finite, shape[:, c], 1.0)
        q = np.where(finite, mean / (r + mean), 0.0)
        a0 += np.where(finite, r * np.log1p(-q), 0.0)
        terms = (levels - 1) // k
        q_max = float(q.max())
        if terms == 0 or q_max <= 0:
            continue
        needed = math.log(SERIES_FLOOR / float(r[finite].max())) / math.log(q_max)
        terms = min(terms, max(1, math.ceil(needed)))
        m = np.arange(1, terms + 1)
        with np.errstate(divide="ignore"):
            log_q = np.log(q)[:, None]
        series[:, k : (terms * k) + 1 : k] += np.where(
            finite[:, None], r[:, None] * np.exp(m[None, :] * log_q) / m[None, :], 0.0
        )
    size = fft.next_fast_len(max(2 * levels, 512), real=True)
    log_rho = -TILT / size
    series *= np.exp(log_rho * np.arange(levels))[None, :]
    spectrum = fft.rfft(series, n=size, axis=1)
    total = spectrum[:, :1].real.copy()
    spectrum -= total
    np.exp(spectrum, out=spectrum)
    tilted = fft.irfft(spectrum, n=size, axis=1)[:, :levels]
    with np.errstate(under="ignore"):
        scale = np.exp(a0[:, None] + total)
    untilt = np.exp(-log_rho * np.arange(levels))[None, :]
    law: FloatArray = np.maximum(tilted, 0.0) * scale * untilt
    return np.ascontiguousarray(law)


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
    for c, units, means, shapes in plan.individual:
        lo, hi = np.searchsorted(units, [start, stop])
        if hi == lo:
            continue
        rows = units[lo:hi] - start
        atoms, probs = _capped_law(
            means[lo:hi], shapes[lo:hi], scheme.weights[c], scheme.caps[c], step
        )
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
    means: FloatArray, shapes: FloatArray, weight: float, cap: float, step: float
) -> tuple[IntArray, FloatArray]:
    """Atoms (in steps) and probabilities (pairs, atoms) of ``min(cap, w N)``."""
    k, cap_steps = round(weight / step), round(cap / step)
    threshold = math.ceil(cap / weight - 1e-12)
    n = np.arange(threshold)
    below = _count_pmf(n, means, shapes)
    probs = np.column_stack([below, np.maximum(0.0, 1.0 - below.sum(axis=1))])
    return np.append(n * k, cap_steps).astype(np.int64), probs


def _sample(pmf: FloatArray, draws: int, rng: np.random.Generator) -> Int32Array:
    """Inverse-CDF draws per unit, (draws, U); ``levels`` stands for "levels or more"."""
    cdf = np.cumsum(pmf, axis=1)
    uniforms = rng.random((pmf.shape[0], draws))
    sample = np.empty((pmf.shape[0], draws), dtype=np.int32)
    for u in range(pmf.shape[0]):
        sample[u] = np.searchsorted(cdf[u], uniforms[u], side="right")
    return sample.T


def _drawn_ranks(
    rates: _Rates, plan: _Plan, scheme: Scheme, draws: int, rng: np.random.Generator
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


def _lattice_ranks(score: Int32Array, levels: int) -> Ranks:
    """Best and worst ranks per row of integer scores in [0, levels] by counting."""
    draws, n_units = score.shape
    best = np.empty((draws, n_units), dtype=np.int32)
    worst = np.empty_like(best)
    width = levels + 2
    for start in range(0, draws, CHUNK):
        block = score[start : start + CHUNK]
        rows = np.arange(block.shape[0])[:, None] * width
        counts = np.bincount((rows + block).ravel(), minlength=block.shape[0] * width)
        at_least = counts.reshape(-1, width)[:, ::-1].cumsum(axis=1)[:, ::-1]
        part = slice(start, start + block.shape[0])
        best[part] = 1 + np.take_along_axis(at_least, block + 1, axis=1)
        worst[part] = np.take_along_axis(at_least, block, axis=1)
    return best, worst
