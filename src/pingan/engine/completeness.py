"""Completeness of a quarter's figures: which units can be scored, and which cells are imputed.

A unit is complete when every month it was open has a figure for every indicator of its class
(a reported 0 is a figure; NaN marks a cell never reported). Two policies decide what happens
to an incomplete unit:

- ``withhold``: it is not scored at all;
- ``impute``: an indicator missing in exactly one month of the quarter is filled with the
  unit's own monthly mean of that indicator over the reported months of ``history`` (the
  relative window); a unit with any indicator missing in two or more months, or missing where
  it has no reported month to average, is withheld.

A month in which the unit was not open is not expected and counts as no incident.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from ._types import BoolArray, FloatArray

Policy = Literal["withhold", "impute"]
POLICIES: tuple[str, ...] = ("withhold", "impute")


@dataclass(frozen=True)
class Completeness:
    """How complete each unit's quarter is and the counts that may be scored.

    ``counts`` (U, C, M) reported figures, imputed values where imputed, 0 in months the unit
    was not open, NaN where missing and not imputed; ``missing`` (U, C, M) expected cells
    without a figure; ``imputed`` (U, C, M) missing cells filled (only for scored units);
    ``complete`` (U,) no missing cell; ``scored`` (U,) complete, or complete after imputation.
    """

    counts: FloatArray
    missing: BoolArray
    imputed: BoolArray
    complete: BoolArray
    scored: BoolArray
    policy: str


def assess(
    quarter_counts: ArrayLike,
    *,
    open_months: ArrayLike | None = None,
    history: ArrayLike | None = None,
    policy: str = "withhold",
) -> Completeness:
    """Completeness of monthly counts (U, C, M) under ``policy``.

    ``open_months`` (U, M) True where the unit was open in the month (default: every month);
    ``history`` (U, C, H) monthly counts of the relative window, NaN = not reported (default:
    the quarter itself), whose per-unit, per-indicator mean fills a cell under ``impute``.
    """
    if policy not in POLICIES:
        raise ValueError("policy must be one of %s" % ", ".join(POLICIES))
    n = np.array(quarter_counts, dtype=np.float64)
    if n.ndim != 3:
        raise ValueError("quarter_counts must have shape (units, indicators, months)")
    expected = (
        np.ones((n.shape[0], n.shape[2]), dtype=np.bool_)
        if open_months is None
        else np.asarray(open_months, dtype=np.bool_)
    )
    if expected.shape != (n.shape[0], n.shape[2]):
        raise ValueError("open_months must have shape (units, months)")
    absent = np.isnan(n)
    missing = absent & expected[:, None, :]
    counts = np.where(absent & ~expected[:, None, :], 0.0, n)
    per_indicator = missing.sum(axis=2)
    imputed = np.zeros_like(missing)
    if policy == "impute":
        h = n if history is None else np.asarray(history, dtype=np.float64)
        if h.ndim != 3 or h.shape[:2] != n.shape[:2]:
            raise ValueError("history must have shape (units, indicators, months)")
        reported = ~np.isnan(h)
        months = reported.sum(axis=2)
        total = np.where(reported, h, 0.0).sum(axis=2)
        mean = np.divide(total, months, out=np.full(months.shape, np.nan), where=months > 0)
        fillable = (per_indicator == 1) & np.isfinite(mean)
        imputed = missing & fillable[:, :, None]
        withheld = (missing & ~imputed).any(axis=(1, 2))
        imputed &= ~withheld[:, None, None]
        counts = np.where(imputed, mean[:, :, None], counts)
    withheld = (missing & ~imputed).any(axis=(1, 2))
    return Completeness(
        counts=counts,
        missing=missing,
        imputed=imputed,
        complete=np.asarray(~missing.any(axis=(1, 2)), dtype=np.bool_),
        scored=np.asarray(~withheld, dtype=np.bool_),
        policy=policy,
    )
