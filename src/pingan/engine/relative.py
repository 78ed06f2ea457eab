"""Relative score: incidents compared with the count expected for the unit's size and setting.

For each indicator the expected count ``E_uc`` comes from a Poisson GLM with log link,
``log E = log(exposure) + b0 + x'b`` (statsmodels), fitted on the class's units over a
window of periods and evaluated for the target (last) period. When the fit is not
possible or not trustworthy the expected count falls back to the pooled rate,
``E_uc = exposure_u * sum(n) / sum(exposure)``, and the result says why.

Ratios ``n / E`` are smoothed by empirical Bayes (Marshall 1991, global method of
moments). The relative deduction is ``sum_c min(cap_c, w_c * r_uc * mean_u(E_uc))``:
the deduction the unit would get if it had the class-average expected count.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import statsmodels.api as sm
from numpy.typing import ArrayLike

from ._types import BoolArray, FloatArray, IntArray
from .scoring import Scheme, clean_score

MIN_UNITS = 5
DEFAULT_WINDOW = 8
MAX_ITER = 100
MAX_LOG_RATIO = 20.0
NEWTON_TOL = 1e-10
RIDGE = 1e-10

Method = Literal["glm", "fallback"]


@dataclass(frozen=True)
class EmpiricalBayes:
    """Marshall (1991) global empirical-Bayes smoothing of ratios ``r = O / E``.

    ``smoothed`` (U,), ``shrinkage`` (U,) weight on the unit's own ratio, ``mean`` the
    pooled ratio ``sum O / sum E``, ``between_variance`` the moment estimate (>= 0).
    """

    smoothed: FloatArray
    shrinkage: FloatArray
    mean: float
    between_variance: float


@dataclass(frozen=True)
class IndicatorFit:
    """How the expected counts of one indicator were obtained.

    ``method`` "glm" or "fallback"; ``reason`` why the fallback was used ("" for glm);
    ``params`` GLM coefficients (intercept first) or empty; ``rate`` the pooled window
    rate ``sum n / sum exposure``; ``eb`` the smoothing of this indicator's ratios.
    """

    method: Method
    reason: str
    params: tuple[float, ...]
    rate: float
    eb: EmpiricalBayes


@dataclass(frozen=True)
class RelativeResult:
    """Relative scores of one class for the target period.

    Arrays are (U,) or (U, C): ``observed`` target-period incidents, ``expected`` E_uc,
    ``ratio`` raw n/E (NaN where E = 0), ``smoothed`` EB ratios, ``used`` the ratios
    entering the score (smoothed or raw), ``mean_expected`` (C,) class mean of E_uc,
    ``no_exposure`` units with zero expected count for every indicator.
    """

    score: FloatArray
    deductions: FloatArray
    observed: FloatArray
    expected: FloatArray
    ratio: FloatArray
    smoothed: FloatArray
    used: FloatArray
    mean_expected: FloatArray
    fits: tuple[IndicatorFit, ...]
    smooth: bool
    no_exposure: BoolArray


def empirical_bayes(observed: ArrayLike, expected: ArrayLike) -> EmpiricalBayes:
    """Shrink ``O / E`` toward the pooled ratio ``m`` with weight ``A / (A + m / E)``.

    ``m = sum O / sum E``; ``A = max(0, s2 - m / mean(E))`` with
    ``s2 = sum E (r - m)^2 / sum E`` over units with ``E > 0``. A unit with ``E = 0``
    carries no information and gets ``m``; with no expected count at all ``m = 1``.
    """
    o = np.asarray(observed, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    informative = e > 0
    total_e = float(e[informative].sum())
    if total_e <= 0:
        return EmpiricalBayes(np.ones_like(e), np.zeros_like(e), 1.0, 0.0)
    m = float(o[informative].sum()) / total_e
    r = np.divide(o, e, out=np.full_like(e, m), where=informative)
    s2 = float((e[informative] * (r[informative] - m) ** 2).sum()) / total_e
    between = max(0.0, s2 - m * informative.sum() / total_e)
    shrinkage = np.zeros_like(e)
    if between > 0:
        shrinkage[informative] = between / (between + m / e[informative])
    return EmpiricalBayes(m + shrinkage * (r - m), shrinkage, m, between)


def relative_scores(
    window_counts: ArrayLike,
    exposure: ArrayLike,
    scheme: Scheme,
    covariates: ArrayLike | None = None,
    *,
    smooth: bool = True,
    window: int = DEFAULT_WINDOW,
    min_units: int = MIN_UNITS,
) -> RelativeResult:
    """Relative scores for the last period of ``window_counts`` (U, C, T).

    ``exposure`` (U, T) e.g. population; ``covariates`` (U, K) or (U, T, K) already
    transformed by the caller (e.g. log GDP per head), or None. Only the last
    ``window`` periods are used. NaN counts are left out of the fit and read as no
    incident in the target period (completeness is reported by the absolute score).
    """
    counts, expo, cov = _window_arrays(window_counts, exposure, covariates, window)
    observed = np.nan_to_num(counts[:, :, -1], nan=0.0)
    n_units, n_ind = observed.shape
    expected = np.empty((n_units, n_ind))
    fits: list[IndicatorFit] = []
    orders: dict[bytes, _Rows] = {}
    for c in range(n_ind):
        e_c, fit = _expected_counts(counts[:, c, :], expo, cov, min_units, orders)
        expected[:, c] = e_c
        fits.append(fit)
    eb = [empirical_bayes(observed[:, c], expected[:, c]) for c in range(n_ind)]
    fits = [replace(f, eb=b) for f, b in zip(fits, eb, strict=True)]
    has_e = expected > 0
    ratio = np.divide(observed, expected, out=np.full_like(expected, np.nan), where=has_e)
    smoothed = np.column_stack([b.smoothed for b in eb]) if n_ind else expected.copy()
    pooled = np.array([b.mean for b in eb])
    used = smoothed if smooth else np.where(has_e, ratio, pooled)
    mean_expected = expected.mean(axis=0) if n_units else np.zeros(n_ind)
    deductions = np.minimum(scheme.caps, scheme.weights * used * mean_expected)
    return RelativeResult(
        score=clean_score(scheme.base - deductions.sum(axis=1)),
        deductions=deductions,
        observed=observed,
        expected=expected,
        ratio=ratio,
        smoothed=smoothed,
        used=used,
        mean_expected=mean_expected,
        fits=tuple(fits),
        smooth=smooth,
        no_exposure=np.asarray(~has_e.any(axis=1), dtype=np.bool_),
    )


def _window_arrays(
    window_counts: ArrayLike,
    exposure: ArrayLike,
    covariates: ArrayLike | None,
    window: int,
) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    counts = np.asarray(window_counts, dtype=np.float64)
    expo = np.asarray(exposure, dtype=np.float64)
    if counts.ndim != 3 or expo.shape != (counts.shape[0], counts.shape[2]):
        raise ValueError("window_counts must be (U, C, T) and exposure (U, T)")
    if counts.shape[2] == 0 or window < 1:
        raise ValueError("at least one period is needed")
    if np.any(counts < 0):
        raise ValueError("counts must be >= 0")
    start = max(0, counts.shape[2] - window)
    cov = None
    if covariates is not None:
        cov = np.asarray(covariates, dtype=np.float64)
        if cov.ndim == 2 and cov.shape[0] == counts.shape[0]:
            pass
        elif cov.ndim == 3 and cov.shape[:2] == expo.shape:
            cov = cov[:, start:, :]
        else:
            raise ValueError("covariates must be (U, K) or (U, T, K)")
        if cov.shape[-1] == 0:
            cov = None
    return counts[:, :, start:], expo[:, start:], cov


def _fallback(
    counts: FloatArray, expo: FloatArray, valid: BoolArray, reason: str
) -> tuple[FloatArray, IndicatorFit]:
    every = bool(valid.all())
    total_e = float((expo.ravel() if every else expo[valid]).sum())
    total_n = float((counts.ravel() if every else counts[valid]).sum())
    rate = total_n / total_e if total_e > 0 else 0.0
    expected = np.where(expo[:, -1] > 0, expo[:, -1], 0.0) * rate
    return expected, IndicatorFit("fallback", reason, (), rate, _NO_EB)


_NO_EB = EmpiricalBayes(np.zeros(0), np.zeros(0), 1.0, 0.0)


def _expected_counts(
    counts: FloatArray,
    expo: FloatArray,
    cov: FloatArray | None,
    min_units: int,
    orders: dict[bytes, _Rows] | None = None,
) -> tuple[FloatArray, IndicatorFit]:
    """Expected target-period counts for one indicator; counts (U, T), exposure (U, T).

    ``orders`` keeps the design rows' order by exposure and covariates per pattern of valid
    cells, shared by the indicators of a class.
    """
    valid = ~np.isnan(counts) & np.isfinite(expo) & (expo > 0)
    if cov is None:
        return _fallback(counts, expo, valid, "no covariates")
    units_in = valid.any(axis=1)
    if int(units_in.sum()) < min_units:
        return _fallback(counts, expo, valid, f"fewer than {min_units} units with exposure")
    if not np.isfinite(cov[units_in]).all():
        return _fallback(counts, expo, valid, "covariates missing")
    if float(counts[valid].sum()) == 0:
        return _fallback(counts, expo, valid, "all counts zero")
    n_params = 1 + cov.shape[-1]
    rows = int(units_in.sum()) if cov.ndim == 2 else int(valid.sum())
    if rows < n_params + 2:
        return _fallback(counts, expo, valid, "fewer observations than parameters + 2")
    y, x, offset = _design(counts, expo, cov, valid, {} if orders is None else orders)
    params, reason = _fit_poisson(y, x, offset)
    if params is None:
        return _fallback(counts, expo, valid, reason)
    x_target = cov if cov.ndim == 2 else cov[:, -1, :]
    target_e = np.where(expo[:, -1] > 0, expo[:, -1], 0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        expected = target_e * np.exp(params[0] + x_target @ params[1:])
    if not np.isfinite(expected).all():
        return _fallback(counts, expo, valid, "non-finite prediction")
    pooled, fb = _fallback(counts, expo, valid, "")
    if _degenerate(expected, pooled):
        return _fallback(counts, expo, valid, "degenerate fit (extreme expected counts)")
    return expected, IndicatorFit("glm", "", tuple(float(p) for p in params), fb.rate, _NO_EB)


def _degenerate(expected: FloatArray, pooled: FloatArray) -> bool:
    """True when the fit puts some unit's expected count e^20 times off the pooled rate.

    Such fits come from (quasi-)separation, where a coefficient runs off to infinity.
    """
    has = pooled > 0
    with np.errstate(divide="ignore"):
        log_ratio = np.log(expected[has]) - np.log(pooled[has])
    return bool((np.abs(log_ratio) > MAX_LOG_RATIO).any())


@dataclass(frozen=True)
class _Rows:
    """Exposure ``e`` and covariates ``x`` of the design rows, and ``order`` sorting them by (e, x)."""

    e: FloatArray
    x: FloatArray
    order: IntArray


def _design(
    counts: FloatArray,
    expo: FloatArray,
    cov: FloatArray,
    valid: BoolArray,
    orders: dict[bytes, _Rows],
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """GLM rows; with time-constant covariates the periods of a unit are summed.

    Summing is exact: for a unit with constant x the Poisson log-likelihood depends on
    the periods only through sum(n) and sum(exposure). Rows are put in a canonical
    order (by count, then exposure, then covariates, then position) so that the fit does
    not depend on the order of the units: a stable sort by count of the rows already
    sorted by (exposure, covariates), which ``orders`` keeps per pattern of valid cells.
    """
    key = valid.tobytes()
    rows = orders.get(key)
    if rows is None:
        if cov.ndim == 2:
            units_in = valid.any(axis=1)
            e, x = np.where(valid, expo, 0.0).sum(axis=1)[units_in], cov[units_in]
        else:
            e, x = expo[valid], cov[valid]
        rows = orders[key] = _Rows(e, x, np.lexsort((*x.T[::-1], e)))
    if cov.ndim == 2:
        y = np.where(valid, counts, 0.0).sum(axis=1)[valid.any(axis=1)]
    else:
        y = counts[valid]
    e, x = rows.e, rows.x
    order = rows.order[np.argsort(y[rows.order], kind="stable")]
    design = np.column_stack([np.ones(y.shape[0]), x[order]])
    return y[order], design, np.log(e[order])


def _fit_poisson(y: FloatArray, x: FloatArray, offset: FloatArray) -> tuple[FloatArray | None, str]:
    """Newton fit started at the pooled rate, IRLS if Newton fails to converge.

    Newton's method is first run in numpy (:func:`_newton`); only when it fails are the
    statsmodels Newton and IRLS fits tried. Returns (params, "") or (None, reason).
    """
    start = np.zeros(x.shape[1])
    start[0] = np.log(y.sum() / np.exp(offset).sum())
    params = _newton(y, x, offset, start)
    if params is not None:
        return params, ""
    model = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset)
    reason = ""
    for method in ("newton", "IRLS"):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = model.fit(
                    start_params=start, method=method, maxiter=MAX_ITER, tol=1e-10, disp=0
                )
        except (ValueError, np.linalg.LinAlgError, FloatingPointError) as exc:
            reason = f"fit failed: {type(exc).__name__}"
            continue
        params = np.asarray(result.params, dtype=np.float64)
        if not _converged(result):
            reason = "did not converge"
        elif not np.isfinite(params).all():
            reason = "non-finite estimates"
        else:
            return params, ""
    return None, reason


def _newton(
    y: FloatArray, x: FloatArray, offset: FloatArray, start: FloatArray
) -> FloatArray | None:
    """Newton's method on the mean Poisson log-likelihood, as statsmodels' ``newton``.

    Each step solves ``(X'WX / n + 1e-10 I) d = X'(y - mu) / n`` (statsmodels' ridge on the
    Hessian) until no coefficient moves by more than 1e-10; the same fixed point as the
    statsmodels fit, without its per-call overhead. None when it does not converge within
    ``MAX_ITER`` steps or leaves finite numbers.
    """
    n_obs = y.shape[0]
    ridge = RIDGE * np.eye(x.shape[1])
    params = start
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(MAX_ITER):
            mu = np.exp(offset + x @ params)
            hessian = (x.T @ (x * mu[:, None])) / n_obs + ridge
            score = (x.T @ (y - mu)) / n_obs
            if not (np.isfinite(hessian).all() and np.isfinite(score).all()):
                return None
            try:
                step = np.linalg.solve(hessian, score)
            except np.linalg.LinAlgError:
                return None
            params = params + step
            if not np.isfinite(params).all():
                return None
            if not (np.abs(step) > NEWTON_TOL).any():
                return np.asarray(params, dtype=np.float64)
    return None


def _converged(result: object) -> bool:
    retvals = getattr(result, "mle_retvals", None) or {}
    return bool(retvals.get("converged", getattr(result, "converged", False)))
