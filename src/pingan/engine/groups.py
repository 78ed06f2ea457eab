"""Mixed kinds in one class, domain sub-indices, special assessments and linked units.

``ClassKinds`` holds the figures of a class's non-count indicators; :func:`kind_scores` turns
them into per-unit deductions that join the count deductions in the absolute score (they are a
fixed offset in the rank bootstrap). A domain's sub-index is the base minus the deductions of
the domain's indicators, with the tiers and rank intervals of the whole; a special assessment's
score is its own base minus the deductions of its indicators, and its lines put a unit under
key management or veto. :func:`linked` spreads a flag across linked pairs of units.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._types import BoolArray, FloatArray
from .kinds import (
    ChangeResult,
    ChangeRule,
    PerPopulationResult,
    PerPopulationRule,
    RateResult,
    RateRule,
    change_deductions,
    per_population_deductions,
    rate_deductions,
)
from .ranks import RankResult, rank_intervals
from .scoring import Scheme, clean_score
from .tiers import tiers


def _empty(rows: int = 0) -> FloatArray:
    return np.zeros((rows, 0))


@dataclass(frozen=True)
class ClassKinds:
    """Figures of a class's non-count indicators, all over the class's U units.

    ``per_population`` columns (P,) of the count array scored per population with their rules
    and ``population`` (U,); ``change`` columns (Q,) with rules and ``previous`` (U, Q) totals of
    the comparison period (NaN unknown); ``rates`` rules (R,) with ``positives`` and
    ``samples`` (U, R) pooled over the survey period (NaN: no survey). Count columns of these
    kinds must carry weight 0 in the scheme: their deduction comes from here.
    """

    per_population: tuple[int, ...] = ()
    per_population_rules: tuple[PerPopulationRule, ...] = ()
    population: FloatArray = field(default_factory=lambda: np.zeros(0))
    change: tuple[int, ...] = ()
    change_rules: tuple[ChangeRule, ...] = ()
    previous: FloatArray = field(default_factory=_empty)
    rates: tuple[RateRule, ...] = ()
    positives: FloatArray = field(default_factory=_empty)
    samples: FloatArray = field(default_factory=_empty)

    def missing(self, n_units: int) -> BoolArray:
        """(U,) units that cannot be scored: no survey of a rate, or no population."""
        out = np.zeros(n_units, dtype=np.bool_)
        if self.rates:
            out |= ~(np.isfinite(self.samples) & (self.samples > 0)).all(axis=1)
        if self.per_population:
            pop = np.asarray(self.population, dtype=np.float64)
            out |= ~(np.isfinite(pop) & (pop > 0))
        return out


@dataclass(frozen=True)
class KindResult:
    """Deductions of the non-count kinds over the scored units (S first axis)."""

    rates: RateResult
    per_population: PerPopulationResult
    change: ChangeResult
    offset: FloatArray
    """(S,) rate deductions plus per-population and change deductions: outside the counts."""


def kind_scores(kinds: ClassKinds, totals: FloatArray, keep: BoolArray) -> KindResult:
    """Deductions of the kinds for the kept units, from their period totals (S, C)."""
    n_kept = int(keep.sum())
    rates = rate_deductions(
        kinds.positives[keep] if kinds.rates else _empty(n_kept),
        kinds.samples[keep] if kinds.rates else _empty(n_kept),
        kinds.rates,
    )
    per_pop = per_population_deductions(
        totals[:, list(kinds.per_population)],
        np.asarray(kinds.population, dtype=np.float64)[keep]
        if kinds.per_population
        else np.ones(n_kept),
        kinds.per_population_rules,
    )
    change = change_deductions(
        totals[:, list(kinds.change)],
        kinds.previous[keep] if kinds.change else _empty(n_kept),
        kinds.change_rules,
    )
    offset = (
        rates.deduction.sum(axis=1) + per_pop.deduction.sum(axis=1) + change.deduction.sum(axis=1)
    )
    return KindResult(rates, per_pop, change, np.asarray(offset, dtype=np.float64))


def column_deductions(
    count_deductions: FloatArray, kinds: ClassKinds, result: KindResult
) -> FloatArray:
    """(S, C) deductions per count column with the per-population and change columns filled in."""
    out = count_deductions.copy()
    out[:, list(kinds.per_population)] = result.per_population.deduction
    out[:, list(kinds.change)] = result.change.deduction
    return out


@dataclass(frozen=True)
class Group:
    """Indicators grouped for a sub-score: ``columns`` of the counts, ``rates`` rate indices.

    For a special assessment ``base`` is its own base score and ``key_line`` / ``veto_line``
    the scores below which a unit is put under key management / vetoed (NaN: no line).
    """

    code: str
    columns: tuple[int, ...]
    rates: tuple[int, ...] = ()
    base: float = 100.0
    key_line: float = math.nan
    veto_line: float = math.nan


@dataclass(frozen=True)
class DomainResult:
    """A domain's sub-index over the scored units: score, deduction, tier and ranks."""

    code: str
    score: FloatArray
    deduction: FloatArray
    tier: NDArray[np.str_]
    ranks: RankResult


@dataclass(frozen=True)
class SpecialResult:
    """A special assessment's score and whether it puts each scored unit under key management or veto."""

    code: str
    score: FloatArray
    deduction: FloatArray
    key_management: BoolArray
    veto: BoolArray


def group_deduction(group: Group, columns: FloatArray, rate_deduction: FloatArray) -> FloatArray:
    """(S,) the group's deductions: its count columns plus its rates."""
    total = columns[:, list(group.columns)].sum(axis=1)
    if group.rates:
        total = total + rate_deduction[:, list(group.rates)].sum(axis=1)
    return np.asarray(total, dtype=np.float64)


def specials(
    groups: Sequence[Group], columns: FloatArray, rate_deduction: FloatArray
) -> tuple[SpecialResult, ...]:
    """Scores of special assessments and the units their lines catch."""
    out = []
    for group in groups:
        deduction = group_deduction(group, columns, rate_deduction)
        score = clean_score(group.base - deduction)
        out.append(
            SpecialResult(
                code=group.code,
                score=score,
                deduction=deduction,
                key_management=np.asarray(score < group.key_line, dtype=np.bool_),
                veto=np.asarray(score < group.veto_line, dtype=np.bool_),
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class DomainInputs:
    """What a domain's sub-index needs of the class: rates and shapes of the counts, fixed offsets."""

    scheme: Scheme
    columns: FloatArray
    rate_deduction: FloatArray
    kind_columns: BoolArray
    rates: FloatArray
    shapes: FloatArray
    vetoed: BoolArray
    keys: ArrayLike | None


def domains(
    groups: Sequence[Group],
    inputs: DomainInputs,
    tier_lines: Mapping[str, float],
    *,
    draws: int,
    seed: int,
    level: float,
) -> tuple[DomainResult, ...]:
    """Sub-index of each domain with the same tier and interval rules as the whole index."""
    scheme = inputs.scheme
    out = []
    for group in groups:
        cols = list(group.columns)
        deduction = group_deduction(group, inputs.columns, inputs.rate_deduction)
        score = clean_score(scheme.base - deduction)
        fixed = inputs.columns[:, cols][:, inputs.kind_columns[cols]].sum(axis=1)
        if group.rates:
            fixed = fixed + inputs.rate_deduction[:, list(group.rates)].sum(axis=1)
        if not cols:
            cols_scheme = Scheme.of([0.0], [np.inf], [False], scheme.base)
            rates, shapes = np.zeros((score.shape[0], 1)), np.full((score.shape[0], 1), np.inf)
        else:
            cols_scheme = Scheme.of(
                scheme.weights[cols], scheme.caps[cols], scheme.veto[cols], scheme.base
            )
            rates, shapes = inputs.rates[:, cols], inputs.shapes[:, cols]
        ranks = rank_intervals(
            score,
            rates,
            cols_scheme,
            draws=draws,
            seed=seed,
            level=level,
            keys=inputs.keys,
            shape=shapes,
            offset=np.round(fixed, 2),
        )
        vetoed = inputs.vetoed[:, cols].any(axis=1) if cols else None
        out.append(
            DomainResult(group.code, score, deduction, tiers(score, tier_lines, vetoed), ranks)
        )
    return tuple(out)


def linked(flags: ArrayLike, pairs: ArrayLike) -> BoolArray:
    """Flags (N,) spread over linked pairs (P, 2) of indices: a flag of one is a flag of both."""
    out = np.array(flags, dtype=np.bool_)
    p = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if p.size and ((p < 0).any() or (p >= out.shape[0]).any()):
        raise ValueError("pairs must index the flags")
    while p.size:
        either = out[p[:, 0]] | out[p[:, 1]]
        if (out[p[:, 0]] == either).all() and (out[p[:, 1]] == either).all():
            break
        np.logical_or.at(out, p[:, 0], either)
        np.logical_or.at(out, p[:, 1], either)
    return out
