"""Exact laws of a unit's deduction on a lattice, inverse-CDF draws and ranks by counting.

The rank bootstrap of :mod:`ranks` draws each unit's deduction from its exact law on the
lattice of the weights: :func:`split_pairs` splits unit x indicator pairs by how their cap can act,
:func:`pooled_law` gives the compound-Poisson law of the pooled pairs by one tilted FFT,
:func:`with_capped` convolves the capped pairs in, :func:`sample` draws by inverse CDF and
:func:`lattice_ranks` ranks the drawn scores by counting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import fft, stats

from ._types import BoolArray, FloatArray, Int32Array, IntArray
from .scoring import Scheme

Ranks = tuple[Int32Array, Int32Array]
"""Best and worst rank of each unit in each draw, (draws, U) each: a unit tied with
others in a draw could hold any rank its tied group spans."""

NEGLIGIBLE = 1e-12
CHUNK = 50
DIRECT_ATOMS = 6
ROW_CHUNK = 16
TILT = 25.0
"""Exponential tilt of the spectral law: the law of D is computed as the series of
``rho^j P(D = j)`` with ``rho^size = exp(-TILT)``, so mass beyond the transform length
(>= 2 levels) folds back at most ``exp(-25)`` and rounding is enlarged at most
``exp(25 / 2)``: errors stay below about 1e-11."""
SERIES_FLOOR = 1e-18


@dataclass(frozen=True)
class Rates:
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
class Plan:
    """Split of unit x indicator pairs by how the cap can act on the score."""

    pooled: BoolArray  # (U, C) pairs whose cap cannot act: their weighted counts add up
    constant: FloatArray  # (U,) deductions from caps that bind almost surely
    individual: tuple[tuple[int, IntArray, FloatArray, FloatArray], ...]
    # (indicator, units, means, shapes) of pairs whose cap may or may not bind


def split_pairs(rates: Rates, scheme: Scheme) -> Plan:
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
    return Plan(pooled, constant, tuple(individual))


def pooled_law(
    rates: Rates, plan: Plan, scheme: Scheme, step: float, levels: int, start: int, stop: int
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
    law: FloatArray = np.maximum(tilted, 0.0)
    law *= scale
    law *= np.exp(-log_rho * np.arange(levels))[None, :]
    return law


def with_capped(
    pooled: FloatArray, plan: Plan, start: int, stop: int, scheme: Scheme, step: float
) -> FloatArray:
    """Law of the non-constant deduction of units start..stop, P(D = j), j < levels.

    Each capped pair whose cap may or may not bind is convolved into the pooled law
    with its exact law ``min(cap, w N)``: directly when that law has few atoms, else by
    multiplying discrete Fourier transforms of length >= 2 levels (nothing wraps
    around), for the units that have such a pair only. Values at or above ``levels``
    give a score of 0, so only the first ``levels`` terms matter and the truncated
    convolution is exact up to rounding.
    """
    direct: list[tuple[IntArray, IntArray, FloatArray]] = []
    spectral: list[tuple[IntArray, IntArray, FloatArray]] = []
    for c, units, means, shapes in plan.individual:
        lo, hi = np.searchsorted(units, [start, stop])
        if hi == lo:
            continue
        rows = units[lo:hi] - start
        atoms, probs = _capped_law(
            means[lo:hi], shapes[lo:hi], scheme.weights[c], scheme.caps[c], step
        )
        (spectral if atoms.size > DIRECT_ATOMS else direct).append((rows, atoms, probs))
    pmf = _convolve_direct(pooled, direct)
    if spectral:
        _convolve_spectral(pmf, spectral)
    return pmf


def _convolve_direct(
    pmf: FloatArray, items: list[tuple[IntArray, IntArray, FloatArray]]
) -> FloatArray:
    """Convolve the few-atom laws of ``items`` (rows, atoms, probabilities) into ``pmf``.

    Rows are taken ``ROW_CHUNK`` at a time so that each chunk stays in the processor's
    cache through all the laws; every row sees the same operations in the same order.
    """
    n_rows, levels = pmf.shape
    buffers = np.empty((2, ROW_CHUNK, levels))
    for r0 in range(0, n_rows, ROW_CHUNK):
        r1 = min(r0 + ROW_CHUNK, n_rows)
        for rows, atoms, probs in items:
            lo, hi = np.searchsorted(rows, [r0, r1])
            if hi - lo == r1 - r0:
                part = pmf[r0:r1]
                part[...] = _convolve_atoms(part, atoms, probs[lo:hi], buffers)
            elif hi > lo:
                picked = rows[lo:hi]
                pmf[picked] = _convolve_atoms(pmf[picked], atoms, probs[lo:hi], buffers)
    return pmf


def _convolve_spectral(pmf: FloatArray, items: list[tuple[IntArray, IntArray, FloatArray]]) -> None:
    """Convolve the many-atom laws of ``items`` into the rows of ``pmf`` that have one, in place."""
    levels = pmf.shape[1]
    size = fft.next_fast_len(2 * levels, real=True)
    touched = np.unique(np.concatenate([rows for rows, _atoms, _probs in items]))
    spectrum = fft.rfft(pmf[touched], n=size, axis=1)
    for rows, atoms, probs in items:
        law = np.zeros((rows.size, size))
        law[:, atoms] = probs
        spectrum[np.searchsorted(touched, rows)] *= fft.rfft(law, axis=1, overwrite_x=True)
    convolved = fft.irfft(spectrum, n=size, axis=1)[:, :levels]
    pmf[touched] = np.maximum(convolved, 0.0)


def _convolve_atoms(
    pmf: FloatArray, atoms: IntArray, probs: FloatArray, buffers: FloatArray
) -> FloatArray:
    """Truncated convolution of each row of ``pmf`` with a law on a few atoms (atom 0 first).

    ``buffers`` (2, >= rows, levels) scratch space; the result is a view of its first row block.
    """
    rows, levels = pmf.shape
    out, buffer = buffers[0, :rows], buffers[1, :rows]
    np.multiply(pmf, probs[:, :1], out=out)
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


def sample(pmf: FloatArray, draws: int, rng: np.random.Generator) -> Int32Array:
    """Inverse-CDF draws per unit, (draws, U); ``levels`` stands for "levels or more"."""
    cdf = np.cumsum(pmf, axis=1)
    uniforms = rng.random((pmf.shape[0], draws))
    sample = np.empty((pmf.shape[0], draws), dtype=np.int32)
    for u in range(pmf.shape[0]):
        sample[u] = np.searchsorted(cdf[u], uniforms[u], side="right")
    return sample.T


def lattice_ranks(score: Int32Array, levels: int) -> Ranks:
    """Best and worst ranks per row of integer scores in [0, levels] by counting.

    A chunk of draws is counted in one ``bincount`` over cells ``row * (levels + 2) + score``;
    the reversed running sums (int32) give the number of scores at or above each cell, read
    back at the same flat cells.
    """
    draws, n_units = score.shape
    best = np.empty((draws, n_units), dtype=np.int32)
    worst = np.empty_like(best)
    width = levels + 2
    for start in range(0, draws, CHUNK):
        block = score[start : start + CHUNK]
        cells = np.arange(block.shape[0], dtype=np.int32)[:, None] * width + block
        counts = np.bincount(cells.ravel(), minlength=block.shape[0] * width)
        at_least = counts.reshape(-1, width)[:, ::-1].cumsum(axis=1, dtype=np.int32)[:, ::-1]
        flat = at_least.ravel()
        part = slice(start, start + block.shape[0])
        np.take(flat, cells, out=worst[part])
        cells += 1
        np.take(flat, cells, out=best[part])
        best[part] += 1
    return best, worst
