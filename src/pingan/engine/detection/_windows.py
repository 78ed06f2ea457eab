"""Shared helpers of the detectors: trailing baseline windows over (series, periods) arrays."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .._types import FloatArray


def trailing_windows(counts: FloatArray, length: int, lag: int) -> FloatArray:
    """Baseline windows ``x[t - lag - length .. t - lag - 1]`` for every period ``t``.

    Returns shape (n_series, n_periods, length); the windows of the first ``lag + length``
    periods are all NaN (not enough history).
    """
    n_series, n_periods = counts.shape
    pad = np.full((n_series, length + lag), np.nan)
    padded = np.concatenate([pad, counts], axis=1)
    windows = sliding_window_view(padded, length, axis=1)
    return np.asarray(windows[:, :n_periods, :], dtype=np.float64)


def window_moments(windows: FloatArray, min_values: int) -> tuple[FloatArray, FloatArray]:
    """Mean and sample standard deviation (ddof 1) of each window, skipping NaN.

    Windows with fewer than ``min_values`` observed values give NaN for both.
    """
    observed = np.isfinite(windows)
    n = observed.sum(axis=-1)
    filled = np.where(observed, windows, 0.0)
    total = filled.sum(axis=-1)
    enough = n >= max(min_values, 2)
    safe_n = np.where(enough, n, 1)
    mean = total / safe_n
    dev = np.where(observed, windows - mean[..., None], 0.0)
    var = (dev * dev).sum(axis=-1) / np.maximum(safe_n - 1, 1)
    mean = np.where(enough, mean, np.nan)
    sd = np.where(enough, np.sqrt(var), np.nan)
    return mean, sd


def shift(values: FloatArray, periods: int) -> FloatArray:
    """``values`` moved ``periods`` to the right along the last axis, NaN-filled."""
    out = np.full_like(values, np.nan)
    if periods < values.shape[-1]:
        out[..., periods:] = values[..., : values.shape[-1] - periods]
    return out
