"""Indicator kinds beyond incident counts: survey rates, incidents per population, change.

Each kind turns its figures into a deduction per unit and indicator, rounded to the hundredth
so that scores stay exact to the hundredth (ADR 0008):

- ``rate``: a survey percentage ``100 x / n`` from ``x`` positive answers out of ``n`` asked,
  with its 95% Wilson interval. Scored linearly (no deduction at or above ``target``, the whole
  ``cap`` at or below ``floor``, in proportion between) or by bands (the deduction of the
  highest band whose lowest rate the unit reaches; below every band, the last band's).
- ``per_population``: incidents per ``per`` (10,000) of the population, against a ``target``
  or, without one, the class's pooled rate; ``deduction`` per unit of rate above it, capped.
- ``change``: the change in percent of the period's incidents against the same period a year
  before (同期比) or the period before; ``deduction`` per percentage point of rise, capped, none
  for a fall; not scored when the earlier count is below ``min_count`` or unknown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._types import BoolArray, FloatArray

Z95 = 1.959963984540054
"""Two-sided 95% normal quantile of the Wilson interval."""
KIND_DECIMALS = 2


@dataclass(frozen=True)
class RateRule:
    """How a survey rate is scored: ``mode`` "linear" (floor, target, cap) or "bands".

    ``bands`` ((lowest rate, deduction), ...) from the highest lowest rate down.
    """

    mode: str = "linear"
    floor: float = 0.0
    target: float = 100.0
    cap: float = 0.0
    bands: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class PerPopulationRule:
    """Incidents per ``per`` people against ``target`` (None: the class's pooled rate)."""

    deduction: float
    per: float = 10_000.0
    target: float | None = None
    cap: float = math.inf


@dataclass(frozen=True)
class ChangeRule:
    """Deduction per percentage point of rise; not scored below ``min_count`` earlier incidents."""

    per_point: float
    min_count: float
    cap: float = math.inf


@dataclass(frozen=True)
class RateResult:
    """Survey rates (U, R) in percent with their 95% Wilson interval and deductions."""

    rate: FloatArray
    low: FloatArray
    high: FloatArray
    sample: FloatArray
    deduction: FloatArray
    missing: BoolArray


@dataclass(frozen=True)
class PerPopulationResult:
    """Rates per population (U, P), the reference of each indicator (P,), deductions (U, P)."""

    rate: FloatArray
    reference: FloatArray
    deduction: FloatArray
    missing: BoolArray


@dataclass(frozen=True)
class ChangeResult:
    """Change in percent (U, Q) (NaN where not scored), ``scored`` (U, Q), deductions (U, Q)."""

    change: FloatArray
    scored: BoolArray
    deduction: FloatArray


def hundredths(values: FloatArray) -> FloatArray:
    """Deductions rounded to the hundredth (ADR 0008)."""
    return np.asarray(np.round(values, KIND_DECIMALS), dtype=np.float64)


def wilson(positives: ArrayLike, samples: ArrayLike, z: float = Z95) -> tuple[FloatArray, ...]:
    """Rate in percent and its Wilson score interval ``(rate, low, high)``; NaN where n <= 0."""
    x = np.asarray(positives, dtype=np.float64)
    n = np.asarray(samples, dtype=np.float64)
    known = np.isfinite(x) & np.isfinite(n) & (n > 0)
    nn = np.where(known, n, 1.0)
    p = np.where(known, x, 0.0) / nn
    z2 = z * z
    centre = (p + z2 / (2 * nn)) / (1 + z2 / nn)
    half = z / (1 + z2 / nn) * np.sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn))
    nan = np.full(p.shape, np.nan)
    return (
        np.where(known, 100 * p, nan),
        np.where(known, 100 * (centre - half), nan),
        np.where(known, 100 * (centre + half), nan),
    )


def rate_deductions(
    positives: ArrayLike, samples: ArrayLike, rules: tuple[RateRule, ...]
) -> RateResult:
    """Deductions of survey rates from positive answers and sample sizes, both (U, R)."""
    x = np.asarray(positives, dtype=np.float64)
    n = np.asarray(samples, dtype=np.float64)
    if x.ndim != 2 or x.shape != n.shape or x.shape[1] != len(rules):
        raise ValueError("positives and samples must be (units, rate indicators)")
    if (x[np.isfinite(x)] < 0).any() or (np.nan_to_num(x) > np.nan_to_num(n)).any():
        raise ValueError("positive answers must lie between 0 and the sample size")
    rate, low, high = wilson(x, n)
    deduction = np.zeros(rate.shape)
    for r, rule in enumerate(rules):
        deduction[:, r] = _rate_rule(np.nan_to_num(rate[:, r], nan=100.0), rule)
    missing = np.isnan(rate)
    return RateResult(
        rate=rate,
        low=low,
        high=high,
        sample=n,
        deduction=hundredths(np.where(missing, 0.0, deduction)),
        missing=missing,
    )


def _rate_rule(rate: FloatArray, rule: RateRule) -> FloatArray:
    if rule.mode == "bands":
        lows = np.array([b[0] for b in rule.bands], dtype=np.float64)
        values = np.array([b[1] for b in rule.bands], dtype=np.float64)
        reached = rate[:, None] >= lows[None, :]
        first = np.where(reached.any(axis=1), reached.argmax(axis=1), len(lows) - 1)
        return np.asarray(values[first], dtype=np.float64)
    if rule.mode != "linear" or not rule.target > rule.floor:
        raise ValueError("a rate rule is linear with target > floor, or bands")
    share = (rule.target - rate) / (rule.target - rule.floor)
    return np.asarray(rule.cap * np.clip(share, 0.0, 1.0), dtype=np.float64)


def per_population_deductions(
    totals: ArrayLike, population: ArrayLike, rules: tuple[PerPopulationRule, ...]
) -> PerPopulationResult:
    """Deductions of incidents (U, P) per population (U,); a unit without population is missing."""
    n = np.asarray(totals, dtype=np.float64)
    pop = np.asarray(population, dtype=np.float64)
    if n.ndim != 2 or n.shape[1] != len(rules) or pop.shape != (n.shape[0],):
        raise ValueError("totals must be (units, indicators) and population (units,)")
    known = np.isfinite(pop) & (pop > 0)
    per = np.array([r.per for r in rules], dtype=np.float64)
    rate = np.where(known[:, None], n, np.nan) * per / np.where(known, pop, 1.0)[:, None]
    pooled = np.where(known[:, None], n, 0.0).sum(axis=0)
    people = pop[known].sum()
    mean = pooled * per / people if people > 0 else np.zeros(len(rules))
    reference = np.array(
        [m if r.target is None else r.target for m, r in zip(mean, rules, strict=True)],
        dtype=np.float64,
    )
    weight = np.array([r.deduction for r in rules], dtype=np.float64)
    caps = np.array([r.cap for r in rules], dtype=np.float64)
    excess = np.maximum(0.0, np.nan_to_num(rate, nan=0.0) - reference)
    missing = np.broadcast_to(~known[:, None], n.shape).copy()
    return PerPopulationResult(
        rate=rate,
        reference=reference,
        deduction=hundredths(np.minimum(caps, weight * excess)),
        missing=missing,
    )


def change_deductions(
    current: ArrayLike, previous: ArrayLike, rules: tuple[ChangeRule, ...]
) -> ChangeResult:
    """Deductions of the change of incidents (U, Q) on an earlier period's (U, Q; NaN unknown)."""
    cur = np.asarray(current, dtype=np.float64)
    prev = np.asarray(previous, dtype=np.float64)
    if cur.ndim != 2 or cur.shape != prev.shape or cur.shape[1] != len(rules):
        raise ValueError("current and previous must be (units, change indicators)")
    minimum = np.array([r.min_count for r in rules], dtype=np.float64)
    if (minimum < 1).any():
        raise ValueError("a change rule needs a minimum count >= 1")
    scored = np.isfinite(prev) & np.isfinite(cur) & (np.nan_to_num(prev) >= minimum)
    base = np.where(scored, prev, 1.0)
    change = np.where(scored, 100.0 * (np.nan_to_num(cur) - base) / base, np.nan)
    per_point = np.array([r.per_point for r in rules], dtype=np.float64)
    caps = np.array([r.cap for r in rules], dtype=np.float64)
    rise = np.maximum(0.0, np.nan_to_num(change, nan=0.0))
    return ChangeResult(
        change=change,
        scored=np.asarray(scored, dtype=np.bool_),
        deduction=hundredths(np.minimum(caps, per_point * rise)),
    )
