"""Shared helpers of the detectors: trailing baseline windows over (series, periods) arrays.

Window sums come from running sums along the time axis, taken with slices (no gathers), so a
window costs two passes over the array whatever its length. A block without missing values (the
usual case) skips the count of observed values: it is then the same for every series.
"""

from __future__ import annotations

import numpy as np

from .._types import BoolArray, FloatArray


def _window_sum(values: FloatArray, length: int, lag: int) -> FloatArray:
    """Sum of ``values[t - lag - length .. t - lag - 1]`` for every t (0 before the data)."""
    n_series, n_periods = values.shape
    running = np.zeros((n_series, n_periods + 1))
    np.cumsum(values, axis=1, out=running[:, 1:])
    out = np.empty((n_series, n_periods))
    full = min(lag + length, n_periods)
    out[:, : min(lag, n_periods)] = 0.0
    if lag < full:
        out[:, lag:full] = running[:, : full - lag]
    if full < n_periods:
        np.subtract(running[:, length : n_periods - lag], running[:, : n_periods - full],
                    out=out[:, full:])  # fmt: skip
    return out


def _window_count(n_periods: int, length: int, lag: int) -> FloatArray:
    """Number of periods in the window of each t when every value is observed, shape (1, T)."""
    t = np.arange(n_periods)
    end = np.clip(t - lag, 0, n_periods)
    start = np.clip(t - lag - length, 0, n_periods)
    return (end - start).astype(np.float64)[None, :]


def window_mean(
    counts: FloatArray, length: int, lag: int, min_values: int
) -> tuple[FloatArray, FloatArray, BoolArray, FloatArray]:
    """Trailing window sum, number of observed values, the mask of enough values (n and the
    mask of shape (1, T) when nothing is missing) and the counts with NaN read as 0."""
    if np.isnan(counts).any():
        observed = np.isfinite(counts)
        filled = np.where(observed, counts, 0.0)
        n = _window_sum(observed.astype(np.float64), length, lag)
    else:
        filled = counts
        n = _window_count(counts.shape[1], length, lag)
    total = _window_sum(filled, length, lag)
    return total, n, n >= max(min_values, 2), filled


def trailing_mean(counts: FloatArray, length: int, lag: int, min_values: int) -> FloatArray:
    """Mean of the trailing window of ``length`` periods ending ``lag`` periods before each t,
    skipping NaN; NaN with fewer than ``min_values`` observed values."""
    total, n, enough, _ = window_mean(counts, length, lag, min_values)
    mean = np.divide(total, np.where(enough, n, 2.0), out=total)
    _blank(mean, enough)
    return mean


def trailing_moments(
    counts: FloatArray, length: int, lag: int, min_values: int
) -> tuple[FloatArray, FloatArray]:
    """Mean and sample standard deviation (ddof 1) of the trailing window of ``length`` periods
    ending ``lag`` periods before each t, skipping NaN; NaN with fewer than ``min_values``
    observed values. Computed from running sums, O(n_series x n_periods) in time and memory.
    """
    total, n, enough, filled = window_mean(counts, length, lag, min_values)
    squares = _window_sum(filled * filled, length, lag)
    safe_n = np.where(enough, n, 2.0)
    mean = np.divide(total, safe_n, out=total)
    spread = safe_n * mean
    spread *= mean
    var = np.subtract(squares, spread, out=squares)
    np.maximum(var, 0.0, out=var)
    var /= safe_n - 1.0
    floor = np.multiply(mean, mean, out=spread)
    np.maximum(floor, 1.0, out=floor)
    floor *= 1e-9
    np.copyto(var, 0.0, where=var < floor)
    sd = np.sqrt(var, out=var)
    _blank(mean, enough)
    _blank(sd, enough)
    return mean, sd


def _blank(values: FloatArray, enough: BoolArray) -> None:
    """Set ``values`` to NaN where not ``enough`` (a (1, T) mask blanks whole months)."""
    if enough.shape[0] == 1:
        values[:, ~enough[0]] = np.nan
    else:
        np.copyto(values, np.nan, where=~enough)
