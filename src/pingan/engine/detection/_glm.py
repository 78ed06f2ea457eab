"""Quasi-Poisson log-linear GLMs fitted to many series at once (vectorised IRLS).

All series of a batch share the design matrix ``X`` (n, p) - the baseline of a month has the same
layout for every series - and differ in their counts ``Y`` (S, n) and prior weights (S, n); a
missing count has prior weight 0. Each IRLS step solves the S weighted normal equations
``X' W_s X beta_s = X' W_s z_s`` together (``X'WX`` of all series is one matrix product of the
weights with the row outer products of ``X``); the small symmetric systems (p <= 5 unknowns) are
solved by an LDL' factorisation written out element by element, each step one vector operation
over all S series, far cheaper than S separate LAPACK calls; a series stops iterating
when no coefficient moves by more than 1e-8 relative to the largest one, at most 25 steps. Starting values ``mu = y + 0.1`` as in R's ``poisson()`` family.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._types import FloatArray

MAX_ITERATIONS = 25
TOLERANCE = 1e-8
RIDGE = 1e-10


@dataclass(frozen=True)
class GlmFit:
    """Fitted coefficients (S, p), means (S, n), ``(X'WX)^-1`` (S, p, p), dispersion (S,)."""

    beta: FloatArray
    mu: FloatArray
    inverse: FloatArray
    dispersion: FloatArray
    residual_df: FloatArray


def _outer_rows(design: FloatArray) -> FloatArray:
    """Row outer products ``x_i x_i'`` flattened to (n, p*p): ``X'WX = W @ outer``."""
    n, p = design.shape
    return np.asarray((design[:, :, None] * design[:, None, :]).reshape(n, p * p))


def _product(left: FloatArray, right: FloatArray) -> FloatArray:
    """``left @ right`` for a tall thin ``left``: numpy's own loops, no BLAS threads (small
    products over many rows are slower through a threaded BLAS on a busy machine)."""
    return np.asarray(np.einsum("sn,nk->sk", left, right), dtype=np.float64)


def _normal_matrix(outer: FloatArray, weights: FloatArray, p: int) -> FloatArray:
    matrix = _product(weights, outer).reshape(-1, p, p)
    return np.asarray(matrix + RIDGE * np.eye(p), dtype=np.float64)


def _ldl(matrix: FloatArray) -> tuple[list[list[FloatArray]], list[FloatArray]]:
    """LDL' factors of the symmetric (S, p, p) ``matrix``: unit lower ``L[i][k]``, diagonal
    ``D[j]``, each an (S,) vector (no square roots, so a nearly singular system stays finite)."""
    p = matrix.shape[1]
    a = [[np.ascontiguousarray(matrix[:, i, j]) for j in range(p)] for i in range(p)]
    low: list[list[FloatArray]] = [[np.ones(0)] * p for _ in range(p)]
    diag: list[FloatArray] = []
    for j in range(p):
        d = a[j][j].copy()
        for k in range(j):
            d -= low[j][k] * low[j][k] * diag[k]
        diag.append(d)
        for i in range(j + 1, p):
            v = a[i][j].copy()
            for k in range(j):
                v -= low[i][k] * low[j][k] * diag[k]
            low[i][j] = v / d
    return low, diag


def _ldl_solve(
    low: list[list[FloatArray]], diag: list[FloatArray], rhs: list[FloatArray]
) -> list[FloatArray]:
    """Solve ``L D L' x = rhs`` for the factors of ``_ldl`` (rhs: p vectors of shape (S,))."""
    p = len(diag)
    y: list[FloatArray] = []
    for i in range(p):
        v = rhs[i].copy()
        for k in range(i):
            v -= low[i][k] * y[k]
        y.append(v)
    x: list[FloatArray] = [np.ones(0)] * p
    for i in range(p - 1, -1, -1):
        v = y[i] / diag[i]
        for k in range(i + 1, p):
            v -= low[k][i] * x[k]
        x[i] = v
    return x


def solve_symmetric(matrix: FloatArray, rhs: FloatArray) -> FloatArray:
    """Solve the S symmetric systems ``matrix[s] x[s] = rhs[s]`` ((S, p, p), (S, p))."""
    low, diag = _ldl(matrix)
    return np.stack(_ldl_solve(low, diag, list(rhs.T)), axis=1)


def invert_symmetric(matrix: FloatArray) -> FloatArray:
    """The inverses of the S symmetric (S, p, p) matrices."""
    low, diag = _ldl(matrix)
    n_series, p = matrix.shape[:2]
    zero, one = np.zeros(n_series), np.ones(n_series)
    columns = [_ldl_solve(low, diag, [one if i == j else zero for i in range(p)]) for j in range(p)]
    return np.stack([np.stack(col, axis=1) for col in columns], axis=2)


def fit_quasi_poisson(
    design: FloatArray, counts: FloatArray, prior: FloatArray, start: GlmFit | None = None
) -> GlmFit:
    """Fit ``log E[y] = X beta`` with prior weights to every row of ``counts`` at once.

    ``start``, a fit of the same design to the same counts (with other weights), starts the
    iterations from its coefficients: a refit whose weights did not change then stops after one
    step. Rows whose weighted counts are all 0 have no finite fit; callers handle them beforehand.
    """
    p = design.shape[1]
    outer = _outer_rows(design)
    y = np.where(prior > 0, counts, 0.0)
    if start is None:
        mu = y + 0.1
        eta = np.log(mu)
        beta = np.zeros((y.shape[0], p))
    else:
        beta = start.beta.copy()
        eta = _product(beta, design.T)
        mu = np.exp(eta)
    rows: slice | np.ndarray = slice(None)
    for _ in range(MAX_ITERATIONS):
        working = prior[rows] * mu[rows]
        z = eta[rows] + (y[rows] - mu[rows]) / mu[rows]
        matrix = _normal_matrix(outer, working, p)
        new = solve_symmetric(matrix, _product(working * z, design))
        moving = np.abs(new - beta[rows]).max(axis=1) > TOLERANCE * (np.abs(new).max(axis=1) + 0.1)
        beta[rows] = new
        eta[rows] = _product(np.asarray(new, dtype=np.float64), design.T)
        mu[rows] = np.exp(eta[rows])
        if not moving.any():
            break
        if not moving.all():
            rows = np.arange(y.shape[0])[rows][moving]
    inverse = invert_symmetric(_normal_matrix(outer, prior * mu, p))
    n_used = (prior > 0).sum(axis=1)
    residual_df = (n_used - p).astype(np.float64)
    pearson = (prior * (y - mu) ** 2 / mu).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        dispersion = np.where(residual_df > 0, pearson / residual_df, np.nan)
    return GlmFit(beta, mu, inverse, dispersion, residual_df)


def hat_values(design: FloatArray, fit: GlmFit, prior: FloatArray) -> FloatArray:
    """Diagonal of the weighted hat matrix, ``w_i mu_i x_i' (X'WX)^-1 x_i`` (S, n)."""
    p = design.shape[1]
    quad = _product(fit.inverse.reshape(-1, p * p), _outer_rows(design).T)
    return np.asarray(prior * fit.mu * quad, dtype=np.float64)


def anscombe_residuals(
    counts: FloatArray, fit: GlmFit, phi: FloatArray, hat: FloatArray
) -> FloatArray:
    """Standardised Anscombe residuals of a Poisson fit (Farrington et al. 1996, eq. 3)."""
    y = np.nan_to_num(counts)
    mu = fit.mu
    raw = 1.5 * (np.cbrt(y) ** 2 * mu ** (-1.0 / 6.0) - np.sqrt(mu))
    denom = np.sqrt(phi[:, None] * np.maximum(1.0 - hat, 1e-12))
    return np.asarray(raw / denom, dtype=np.float64)


def outbreak_weights(residuals: FloatArray, prior: FloatArray, threshold: float) -> FloatArray:
    """Down-weights: ``gamma s^-2`` above ``threshold``, ``gamma`` otherwise; sum = n used."""
    used = prior > 0
    above = residuals > threshold
    raw = np.where(above, 1.0 / np.where(above, residuals, 1.0) ** 2, 1.0)
    raw = np.where(used, raw, 0.0)
    total = raw.sum(axis=1, keepdims=True)
    n_used = used.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        gamma = np.where(total > 0, n_used / total, 0.0)
    return np.asarray(raw * gamma, dtype=np.float64)
