"""What the warnings app reads from the current scheme's warning rules (`[warnings]`)."""

from __future__ import annotations

from pingan.schemes.selectors import current_version
from pingan.schemes.warning_rules import DEFAULTS, WarningRules, rules_from_content, warning_rules


def current_rules() -> WarningRules:
    """The warning rules of the current scheme version (the defaults when no scheme is loaded)."""
    version = current_version()
    return warning_rules(version) if version is not None else rules_from_content(DEFAULTS)


def acknowledge_hours(level: str) -> int:
    """Hours the unit has to acknowledge a warning of `level`."""
    return current_rules().acknowledge_hours[level]
