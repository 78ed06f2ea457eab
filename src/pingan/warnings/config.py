"""What the warnings app reads from the scheme's warning rules, with the defaults it falls back on."""

from __future__ import annotations

DEFAULT_ACKNOWLEDGE_HOURS = {"red": 2, "orange": 12, "yellow": 48}
"""Hours to acknowledge a warning by level, when the scheme sets none."""


def acknowledge_hours(level: str) -> int:
    """Hours the unit has to acknowledge a warning of `level`."""
    return DEFAULT_ACKNOWLEDGE_HOURS[level]
