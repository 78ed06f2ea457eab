"""The effective warning rate: confirmed ÷ (confirmed + false alarms), with its Wilson interval.

Warnings closed as "could not be verified" are left out of the rate and counted beside it, so a
rate always says what it was computed from (Wilson 1927; Brown, Cai & DasGupta 2001 recommend
this interval over the normal one for small counts and rates near 0 or 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import norm


@dataclass(frozen=True)
class EffectiveRate:
    """Counts of closed warnings by verdict and the rate with its interval (None when no verdict counts)."""

    confirmed: int
    false_alarms: int
    unverified: int
    rate: float | None
    low: float | None
    high: float | None

    @property
    def judged(self) -> int:
        """Warnings the rate is computed from: confirmed plus false alarms."""
        return self.confirmed + self.false_alarms


def wilson_interval(successes: int, trials: int, level: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (trials > 0)."""
    if trials <= 0 or not 0 <= successes <= trials:
        raise ValueError("need 0 <= successes <= trials and trials > 0")
    z = float(norm.ppf(0.5 + level / 2))
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def effective_rate(confirmed: int, false_alarms: int, unverified: int) -> EffectiveRate:
    """The effective warning rate of these counts, with its 95% Wilson interval."""
    judged = confirmed + false_alarms
    if judged == 0:
        return EffectiveRate(confirmed, false_alarms, unverified, None, None, None)
    low, high = wilson_interval(confirmed, judged)
    return EffectiveRate(confirmed, false_alarms, unverified, confirmed / judged, low, high)
