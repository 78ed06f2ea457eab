"""The overall risk level and the recommended conclusion, by the rule of `rules.toml`.

1. a residual risk at `not_implement_at` or above, or legality rated one of `legality_blocks`
   → not_implement;
2. a residual risk at `postpone_at` or above whose measures are not all done → postpone;
3. otherwise → implement.
The overall level is the highest residual level (low when no risk is recorded).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pingan.assessments.config import Rules, rank


@dataclass(frozen=True)
class RiskState:
    """What the rule needs of one risk: its residual level and whether its measures are all done."""

    residual_level: str
    measures_done: bool


@dataclass(frozen=True)
class Recommendation:
    """The overall level and the conclusion the rule recommends."""

    overall_level: str
    conclusion: str


def recommend(rules: Rules, legality: str, risks: Iterable[RiskState]) -> Recommendation:
    """Apply the rule to the legality rating and the risks."""
    risks = list(risks)
    overall = max((r.residual_level for r in risks), key=rank, default="low")
    blocked = legality in rules.legality_blocks
    if blocked or any(rank(r.residual_level) >= rank(rules.not_implement_at) for r in risks):
        return Recommendation(overall, "not_implement")
    if any(
        rank(r.residual_level) >= rank(rules.postpone_at) and not r.measures_done for r in risks
    ):
        return Recommendation(overall, "postpone")
    return Recommendation(overall, "implement")
