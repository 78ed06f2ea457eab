"""Shared helpers of the detectors: trailing baseline windows over (series, periods) arrays."""

from __future__ import annotations

import numpy as np

from .._types import FloatArray


def _window_sum(values: FloatArray, length: int, lag: int) -> FloatArray:
    """Sum of ``values[t - lag - length .. t - lag - 1]`` for every t (0 before the data)."""
    n_series, n_periods = values.shape
    total = np.zeros((n_series, n_periods + 1))
    np.cumsum(values, axis=1, out=total[:, 1:])
    end = np.clip(np.arange(n_periods) - lag, 0, n_periods)
    start = np.clip(np.arange(n_periods) - lag - length, 0, n_periods)
    return np.asarray(total[:, end] - total[:, start], dtype=np.float64)


def trailing_moments(
    counts: FloatArray, length: int, lag: int, min_values: int
) -> tuple[FloatArray, FloatArray]:
    """Mean and sample standard deviation (ddof 1) of the trailing window of ``length`` periods
    ending ``lag`` periods before each t, skipping NaN; NaN with fewer than ``min_values``
    observed values. Computed from running sums, O(n_series x n_periods) in time and memory.
    """
    observed = np.isfinite(counts)
    filled = np.where(observed, counts, 0.0)
    n = _window_sum(observed.astype(np.float64), length, lag)
    total = _window_sum(filled, length, lag)
    squares = _window_sum(filled * filled, length, lag)
    enough = n >= max(min_values, 2)
    safe_n = np.where(enough, n, 2.0)
    mean = total / safe_n
    var = np.maximum(squares - safe_n * mean * mean, 0.0) / (safe_n - 1.0)
    var = np.where(var < 1e-9 * np.maximum(mean * mean, 1.0), 0.0, var)
    return np.where(enough, mean, np.nan), np.where(enough, np.sqrt(var), np.nan)


def shift(values: FloatArray, periods: int) -> FloatArray:
    """``values`` moved ``periods`` to the right along the last axis, NaN-filled."""
    out = np.full_like(values, np.nan)
    if periods < values.shape[-1]:
        out[..., periods:] = values[..., : values.shape[-1] - periods]
    return out
