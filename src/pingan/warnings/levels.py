"""The level rule: how urgent a signal is (一般 yellow, 较急 orange, 紧急 red).

For a detector's signal on figures or matters, and for repeated matters at one place, the level
follows how far the observed count goes past the threshold:

- observed ≥ 3 × threshold: red (紧急);
- observed ≥ 1.5 × threshold: orange (较急);
- otherwise (observed above the threshold): yellow (一般);

with the threshold taken as at least 1. A signal on an indicator the scheme names severe (such as
群体性事件, mass incidents) is at least orange. For the index, a unit entering the red tier is a
red warning, entering the orange tier an orange one, and a fall of more than the scheme's points
against the previous quarter (without entering one of those tiers) a yellow one.
A later signal on an open warning raises its level when it is higher, never lowers it.
"""

from __future__ import annotations

from pingan.warnings.models import LEVEL_RANK, Level

ORANGE_RATIO = 1.5
RED_RATIO = 3.0


def signal_level(*, observed: float, threshold: float | None, severe: bool = False) -> Level:
    """The level of a detector's signal (or a repeat count against its minimum)."""
    ratio = observed / max(threshold if threshold is not None else 1.0, 1.0)
    level = (
        Level.RED if ratio >= RED_RATIO else Level.ORANGE if ratio >= ORANGE_RATIO else Level.YELLOW
    )
    if severe and level == Level.YELLOW:
        return Level.ORANGE
    return level


def index_level(*, tier: str) -> Level:
    """The level of an index warning: the tier entered, yellow for a fall in points alone."""
    if tier == "red":
        return Level.RED
    if tier == "orange":
        return Level.ORANGE
    return Level.YELLOW


def higher(a: str, b: str) -> str:
    """The more urgent of two levels."""
    return a if LEVEL_RANK[Level(a)] >= LEVEL_RANK[Level(b)] else b
