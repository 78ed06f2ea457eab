"""One class, one target quarter: every published figure in one call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._types import BoolArray, FloatArray, IntArray
from .completeness import Completeness, assess
from .funnel import FunnelResult, IndicatorFunnels, indicator_funnels, weighted_funnel
from .groups import (
    ClassKinds,
    DomainInputs,
    DomainResult,
    Group,
    KindResult,
    SpecialResult,
    column_deductions,
    domains,
    kind_scores,
    specials,
)
from .ranks import RankResult, competition_ranks, rank_intervals
from .relative import DEFAULT_WINDOW, RelativeResult, relative_scores
from .scoring import AbsoluteResult, Scheme, absolute_scores, clean_score
from .tiers import stars, tiers

DEFAULT_TIERS: Mapping[str, float] = {"yellow": 85.0, "orange": 75.0, "red": 60.0}
DEFAULT_STARS: Sequence[float] = (0.0, 60.0, 75.0, 85.0, 95.0)


@dataclass(frozen=True)
class ClassResult:
    """Results of one class for one quarter.

    ``completeness`` says which of the U units are ``scored`` (complete, or complete after
    imputation); every other array is over the scored units only, in their order (S,):
    ``absolute`` and ``relative`` scores with their details; ``ranks`` of the absolute
    score with bootstrap intervals; ``relative_rank`` the rank of the relative score;
    ``tier`` and ``stars`` from the absolute score (veto forces "red" and 1 star);
    ``funnel`` of each unit's weighted incidents against its weighted expected count
    with variance ``sum_c w_c^2 E_uc``; ``indicator_funnels`` of the counts of each
    indicator against E_uc; ``rates`` the means and ``shapes`` the gamma shapes of the
    rates drawn by the rank bootstrap. ``vetoed`` (U,) is for every unit: a reported
    figure of a veto indicator above 0 (an imputed value never vetoes), or a special
    assessment's veto line; ``key_management`` (U,) a special assessment's key line.
    ``kinds`` the deductions of survey rates, per-population and change indicators (None
    when the class has none), ``domains`` the sub-indices and ``specials`` the special
    assessments, over the scored units.
    """

    scheme: Scheme
    absolute: AbsoluteResult
    relative: RelativeResult
    ranks: RankResult
    relative_rank: IntArray
    tier: NDArray[np.str_]
    stars: IntArray
    vetoed: BoolArray
    funnel: FunnelResult
    rates: FloatArray
    shapes: FloatArray
    indicator_funnels: IndicatorFunnels
    completeness: Completeness
    kinds: KindResult | None = None
    domains: tuple[DomainResult, ...] = ()
    specials: tuple[SpecialResult, ...] = ()
    key_management: BoolArray | None = None

    @property
    def scored(self) -> BoolArray:
        """(U,) units that have a score."""
        return self.completeness.scored


def compute_class(
    quarter_counts: ArrayLike,
    window_counts: ArrayLike,
    exposure: ArrayLike,
    covariates: ArrayLike | None = None,
    *,
    weights: ArrayLike,
    caps: ArrayLike,
    veto: ArrayLike,
    base: float = 100.0,
    tier_lines: Mapping[str, float] = DEFAULT_TIERS,
    star_bands: Sequence[float] = DEFAULT_STARS,
    seed: int = 0,
    draws: int = 1000,
    level: float = 0.95,
    smooth: bool = True,
    window: int = DEFAULT_WINDOW,
    unit_keys: ArrayLike | None = None,
    open_months: ArrayLike | None = None,
    history_months: ArrayLike | None = None,
    policy: str = "withhold",
    kinds: ClassKinds | None = None,
    domain_groups: Sequence[Group] = (),
    special_groups: Sequence[Group] = (),
) -> ClassResult:
    """Compute the index of one class for its target quarter.

    ``quarter_counts`` (U, C, M) monthly counts of the quarter (NaN = not reported);
    ``window_counts`` (U, C, T) quarterly counts whose last period is the target
    quarter (it is replaced by the reported totals of ``quarter_counts``);
    ``exposure`` (U, T); ``covariates`` (U, K) or (U, T, K) or None; ``unit_keys``
    stable unit identifiers that tie the bootstrap's random numbers to units;
    ``open_months`` (U, M) the months each unit was open (default: all); ``history_months``
    (U, C, H) the monthly counts of the window for imputation; ``policy`` "withhold" or
    "impute" (see :mod:`completeness`). Only the scored units are scored, ranked and
    placed on the funnel, among themselves. ``kinds`` the figures of non-count indicators
    (a unit missing a survey or its population is not scored), ``domain_groups`` the
    domains to give a sub-index, ``special_groups`` the special assessments (see
    :mod:`groups`).
    """
    scheme = Scheme.of(weights, caps, veto, base)
    reported = np.asarray(quarter_counts, dtype=np.float64)
    if reported.ndim != 3 or reported.shape[1] != scheme.n_indicators:
        raise ValueError("counts must have shape (units, indicators, months >= 1)")
    completeness = assess(reported, open_months=open_months, history=history_months, policy=policy)
    if kinds is not None:
        completeness = _without_kind_gaps(completeness, kinds, scheme)
    keep = completeness.scored
    absolute = absolute_scores(completeness.counts[keep], scheme)
    kind_result = None if kinds is None else kind_scores(kinds, absolute.totals, keep)
    if kinds is not None and kind_result is not None:
        absolute = _with_kinds(absolute, kinds, kind_result, scheme)
    offset = None if kind_result is None else kind_result.offset
    history = np.array(window_counts, dtype=np.float64)
    if history.ndim != 3 or history.shape[:2] != reported.shape[:2]:
        raise ValueError("window_counts must be (U, C, T) matching quarter_counts")
    history = history[keep]
    history[:, :, -1] = absolute.totals
    cov = None if covariates is None else np.asarray(covariates, dtype=np.float64)[keep]
    expo = np.asarray(exposure, dtype=np.float64)[keep]
    relative = relative_scores(history, expo, scheme, cov, smooth=smooth, window=window)
    keys = None if unit_keys is None else np.asarray(unit_keys)[keep]
    figures = np.nan_to_num(reported, nan=0.0)
    vetoed = np.asarray((figures[:, scheme.veto, :] > 0).any(axis=(1, 2)), dtype=np.bool_)
    rates, shapes = bootstrap_rates(absolute, relative), rate_shapes(relative)
    ranks = rank_intervals(
        absolute.score,
        rates,
        scheme,
        draws=draws,
        seed=seed,
        level=level,
        keys=keys,
        shape=shapes,
        offset=offset,
    )
    rate_deduction = kind_result.rates.deduction if kind_result else np.zeros((len(expo), 0))
    special = specials(special_groups, absolute.deductions, rate_deduction)
    key_management = np.zeros(vetoed.shape, dtype=np.bool_)
    for item in special:
        vetoed[keep] |= item.veto
        key_management[keep] |= item.key_management
    domain = domains(
        domain_groups,
        DomainInputs(
            scheme=scheme,
            columns=absolute.deductions,
            rate_deduction=rate_deduction,
            kind_columns=scheme.weights == 0,
            rates=rates,
            shapes=shapes,
            vetoed=(figures[keep][:, :, :] > 0).any(axis=2) & scheme.veto[None, :],
            keys=keys,
        ),
        tier_lines,
        draws=draws,
        seed=seed,
        level=level,
    )
    return ClassResult(
        scheme=scheme,
        absolute=absolute,
        relative=relative,
        ranks=ranks,
        relative_rank=competition_ranks(relative.score),
        tier=tiers(absolute.score, tier_lines, vetoed[keep]),
        stars=stars(absolute.score, star_bands, vetoed[keep]),
        vetoed=vetoed,
        funnel=weighted_funnel(absolute.totals, relative.expected, scheme.weights),
        rates=rates,
        shapes=shapes,
        indicator_funnels=indicator_funnels(absolute.totals, relative.expected),
        completeness=completeness,
        kinds=kind_result,
        domains=domain,
        specials=special,
        key_management=key_management,
    )


def _without_kind_gaps(
    completeness: Completeness, kinds: ClassKinds, scheme: Scheme
) -> Completeness:
    """Units missing a survey or their population are neither complete nor scored."""
    gaps = kinds.missing(completeness.scored.shape[0])
    if not gaps.any():
        return completeness
    return replace(
        completeness,
        complete=np.asarray(completeness.complete & ~gaps, dtype=np.bool_),
        scored=np.asarray(completeness.scored & ~gaps, dtype=np.bool_),
    )


def _with_kinds(
    absolute: AbsoluteResult, kinds: ClassKinds, result: KindResult, scheme: Scheme
) -> AbsoluteResult:
    """The absolute result with the kinds' deductions: in their columns and in the score."""
    columns = column_deductions(absolute.deductions, kinds, result)
    rate_total = result.rates.deduction.sum(axis=1)
    extra = result.offset[:, None]
    return replace(
        absolute,
        score=clean_score(scheme.base - columns.sum(axis=1) - rate_total),
        deductions=columns,
        quarter_to_date=clean_score(absolute.quarter_to_date - extra),
    )


def bootstrap_rates(absolute: AbsoluteResult, relative: RelativeResult) -> FloatArray:
    """Poisson means for the rank bootstrap: EB posterior mean ``r~ * E``.

    Where the expected count is 0 the observed total is used instead.
    """
    has_e = relative.expected > 0
    return np.where(has_e, relative.smoothed * relative.expected, absolute.totals)


def rate_shapes(relative: RelativeResult) -> FloatArray:
    """Gamma shapes of the rates for the rank bootstrap: the empirical-Bayes posterior.

    Per indicator the prior of the ratio has the moments of Marshall's estimator, mean
    ``m`` and variance ``A``, i.e. Gamma(shape m^2 / A, rate m / A); after ``O_uc``
    incidents against ``E_uc`` expected, the rate ``r E`` is Gamma with shape
    ``m^2 / A + O_uc`` and mean ``r~ E`` (the smoothed count). Where ``A = 0`` (no
    between-unit variance) or ``E_uc = 0`` the rate is taken as known (shape inf).
    """
    prior = np.array(
        [
            f.eb.mean**2 / f.eb.between_variance if f.eb.between_variance > 0 else np.inf
            for f in relative.fits
        ],
        dtype=np.float64,
    ).reshape(1, -1)
    shapes = prior + relative.observed
    return np.asarray(np.where(relative.expected > 0, shapes, np.inf), dtype=np.float64)
