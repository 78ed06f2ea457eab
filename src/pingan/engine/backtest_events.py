"""Event rules of the warning backtest: which future months count as a real event.

A rule is written ``<scope>_p<percent>[:<months>]``:

- ``scope`` ``severe`` (the scheme's severe indicators) or ``any`` (every watched indicator);
- ``percent`` the percentile of the series' own history that a month must exceed (50-99.9);
- ``months`` the horizon: an alarm at month t is true when an event happens in t+1 .. t+months
  (3 by default).

The default ``severe_p95:3`` is "a severe indicator exceeds its own historical 95th percentile
within the next 3 months".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCOPES = ("severe", "any")
DEFAULT_EVENT = "severe_p95:3"
_RULE = re.compile(r"^(severe|any)_p(\d{2}(?:\.\d+)?)(?::(\d{1,2}))?$")


@dataclass(frozen=True)
class EventRule:
    """A parsed event rule: scope, percentile (0-100) and horizon in months."""

    scope: str
    percentile: float
    horizon: int

    @property
    def text(self) -> str:
        """The rule written back in its canonical form."""
        return "%s_p%g:%d" % (self.scope, self.percentile, self.horizon)


def parse_event_rule(text: str) -> EventRule:
    """Parse ``text``; ``ValueError`` naming the reason when it is not a valid rule."""
    match = _RULE.match(text.strip())
    if match is None:
        raise ValueError("expected <severe|any>_p<percentile>[:<months>], e.g. severe_p95:3")
    percentile = float(match.group(2))
    horizon = int(match.group(3) or 3)
    if not 50.0 <= percentile < 100.0:
        raise ValueError("the percentile must lie in [50, 100)")
    if not 1 <= horizon <= 24:
        raise ValueError("the horizon must be 1 to 24 months")
    return EventRule(match.group(1), percentile, horizon)
