"""Warning tiers (yellow, orange, red) from alert lines, veto, and star ratings from bands."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._types import IntArray

TIER_ORDER = ("red", "orange", "yellow")
"""Most severe first; a score below a tier's line gets the most severe tier it is below."""


def tiers(
    scores: ArrayLike, lines: Mapping[str, float], vetoed: ArrayLike | None = None
) -> NDArray[np.str_]:
    """Tier per unit: the most severe tier whose line the score is strictly below, else "".

    ``lines`` e.g. ``{"yellow": 85, "orange": 75, "red": 60}``; a vetoed unit is "red".
    Tiers missing from ``lines`` are skipped; extra names are an error.
    """
    unknown = set(lines) - set(TIER_ORDER)
    if unknown:
        raise ValueError(f"unknown tiers: {sorted(unknown)}")
    s = np.asarray(scores, dtype=np.float64)
    out = np.full(s.shape, "", dtype="<U6")
    for name in reversed(TIER_ORDER):
        if name in lines:
            out[s < float(lines[name])] = name
    if vetoed is not None:
        out[np.asarray(vetoed, dtype=np.bool_)] = "red"
    return out


def stars(scores: ArrayLike, bands: Sequence[float], vetoed: ArrayLike | None = None) -> IntArray:
    """Stars 1..len(bands): the number of band lower bounds the score reaches.

    ``bands`` ascending, e.g. ``[0, 60, 75, 85, 95]``: 60 -> 2 stars, 59.9 -> 1,
    95 -> 5. A score below the first bound still gets 1 star; a vetoed unit gets 1.
    """
    b = np.asarray(bands, dtype=np.float64)
    if b.ndim != 1 or b.size == 0 or np.any(np.diff(b) <= 0):
        raise ValueError("bands must be a non-empty strictly ascending sequence")
    s = np.asarray(scores, dtype=np.float64)
    result = np.maximum(1, np.searchsorted(b, s, side="right")).astype(np.int64)
    if vetoed is not None:
        result[np.asarray(vetoed, dtype=np.bool_)] = 1
    return result
