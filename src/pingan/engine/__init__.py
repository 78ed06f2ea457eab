"""Pure statistics of the stability index: arrays in, frozen dataclasses out.

No Django here; the domain apps call these functions and store the results.
"""

from .completeness import Completeness, assess
from .compute import ClassResult, bootstrap_rates, compute_class, rate_shapes
from .funnel import (
    Dispersion,
    FunnelCurve,
    FunnelResult,
    IndicatorFunnels,
    Limits,
    dispersion,
    exact_limits,
    funnel,
    indicator_funnels,
    random_effects_limits,
    weighted_funnel,
)
from .groups import (
    ClassKinds,
    DomainResult,
    Group,
    KindResult,
    SpecialResult,
    linked,
)
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
    wilson,
)
from .ranks import RankResult, competition_ranks, rank_intervals
from .relative import (
    EmpiricalBayes,
    IndicatorFit,
    RelativeResult,
    empirical_bayes,
    relative_scores,
)
from .scoring import (
    AbsoluteResult,
    Scheme,
    absolute_scores,
    capped_deductions,
    clean_score,
    score_change,
    score_from_totals,
)
from .tiers import stars, tiers

METHOD = "2026.11-rank-sets"
"""Version of the engine's method. Stored results computed under another method are stale, so an
upgrade that changes what the engine computes (the rank intervals, say) makes every quarter owed."""

__all__ = [
    "METHOD",
    "AbsoluteResult",
    "ChangeResult",
    "ChangeRule",
    "ClassKinds",
    "ClassResult",
    "Completeness",
    "Dispersion",
    "DomainResult",
    "EmpiricalBayes",
    "FunnelCurve",
    "FunnelResult",
    "Group",
    "IndicatorFit",
    "IndicatorFunnels",
    "KindResult",
    "Limits",
    "PerPopulationResult",
    "PerPopulationRule",
    "RankResult",
    "RateResult",
    "RateRule",
    "RelativeResult",
    "Scheme",
    "SpecialResult",
    "absolute_scores",
    "assess",
    "bootstrap_rates",
    "capped_deductions",
    "change_deductions",
    "clean_score",
    "competition_ranks",
    "compute_class",
    "dispersion",
    "empirical_bayes",
    "exact_limits",
    "funnel",
    "indicator_funnels",
    "linked",
    "per_population_deductions",
    "random_effects_limits",
    "rank_intervals",
    "rate_deductions",
    "rate_shapes",
    "relative_scores",
    "score_change",
    "score_from_totals",
    "stars",
    "tiers",
    "weighted_funnel",
    "wilson",
]
