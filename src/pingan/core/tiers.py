"""The one colour set of the warning tiers (黄橙红), used by the pages, the charts and the documents.

`pingan.css` (`.tier-*`) and `scores/static/scores/charts.js` hold the same values for the
browser; `tests/core/test_tier_colours.py` keeps them equal to these.
"""

from __future__ import annotations

# Red, orange and yellow that read as their names (yellow is yellow, not peach), distinct in
# lightness for those who do not see hue; "none" is the pale blue of units above every line.
TIER_COLOURS = {"red": "#c62828", "orange": "#ef6c00", "yellow": "#fbc02d", "none": "#d1e5f0"}
# Text drawn on each colour with enough contrast.
TIER_TEXT = {"red": "#ffffff", "orange": "#000000", "yellow": "#000000", "none": "#000000"}


def tier_colour(tier: str) -> str:
    """The colour of a tier ("" or "none" for no tier)."""
    return TIER_COLOURS.get(tier or "none", TIER_COLOURS["none"])
