"""Sharp changes a reviewer should look at: a figure against last month and the same month last year.

The rule (docs/reporting.md, "Review flags"): treat the two counts x (this month) and y (the
reference) as Poisson counts. If their rates were equal, x given n = x + y would be
Binomial(n, 1/2). The two-sided p-value is p = min(1, 2·min(P(X ≤ x), P(X ≥ x))), computed exactly
with integers up to n = 5000 (beyond, the normal approximation). A figure is flagged when
p < 0.01 and |x − y| ≥ 3 (so that small counts such as 0 against 2 never flag). Pure Python: the
grid page does not load scipy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

P_THRESHOLD = 0.01
MIN_DIFFERENCE = 3
EXACT_UP_TO = 5000  # n above which the normal approximation is used


def _half_binomial_cdf(k: int, n: int) -> float:
    """P(X ≤ k) for X ~ Binomial(n, 1/2): exact (integer sums) up to EXACT_UP_TO, else normal with continuity correction."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    if n <= EXACT_UP_TO:
        ways: int = sum(math.comb(n, i) for i in range(k + 1))
        return ways / (1 << n)
    z = (k + 0.5 - n / 2) / math.sqrt(n / 4)
    return 0.5 * math.erfc(-z / math.sqrt(2))


@lru_cache(maxsize=65536)
def change_p_value(current: int, reference: int) -> float:
    """Two-sided p-value of the conditional (binomial) test that two Poisson counts share one rate.

    Remembered per pair of counts (a pure function): a grid page asks it twice per cell, and the
    exact sums of binomial coefficients cost most of building the grid.
    """
    n = current + reference
    if n == 0:
        return 1.0
    lower = _half_binomial_cdf(current, n)
    upper = _half_binomial_cdf(n - current, n)  # P(X ≥ x) = P(X ≤ n − x) when p = 1/2
    return min(1.0, 2.0 * min(lower, upper))


def is_sharp_change(current: int, reference: int) -> bool:
    """Whether `current` differs sharply from `reference` under the documented rule."""
    return (
        abs(current - reference) >= MIN_DIFFERENCE
        and change_p_value(current, reference) < P_THRESHOLD
    )


@dataclass(frozen=True)
class Flag:
    """A sharp change of one figure against a reference month."""

    against: str  # "last_month" or "last_year"
    reference: int
    p_value: float


def flags_for(current: int | None, last_month: int | None, last_year: int | None) -> list[Flag]:
    """The flags of one figure (none when it or its reference is missing)."""
    found = []
    for against, reference in (("last_month", last_month), ("last_year", last_year)):
        if current is None or reference is None:
            continue
        if is_sharp_change(current, reference):
            found.append(Flag(against, reference, change_p_value(current, reference)))
    return found
