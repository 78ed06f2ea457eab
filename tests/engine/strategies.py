"""Shared Hypothesis strategies for the engine tests."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from pingan.engine import Scheme

WEIGHTS = st.sampled_from([0.0, 0.5, 1.0, 2.0, 5.0])
CAPS = st.sampled_from([np.inf, 1.0, 3.0, 10.0])


@st.composite
def schemes(draw: st.DrawFn, n_indicators: int) -> Scheme:
    """A scheme with lattice weights, some caps and some vetoes."""
    weights = [draw(WEIGHTS) for _ in range(n_indicators)]
    caps = [draw(CAPS) for _ in range(n_indicators)]
    veto = [draw(st.booleans()) for _ in range(n_indicators)]
    return Scheme.of(weights, caps, veto, base=draw(st.sampled_from([10.0, 100.0])))


@st.composite
def monthly_counts(
    draw: st.DrawFn, min_units: int = 2, max_units: int = 7, max_indicators: int = 4
) -> np.ndarray:
    """Counts (U, C, 3) of small whole numbers, with some unreported (NaN) cells."""
    units = draw(st.integers(min_units, max_units))
    indicators = draw(st.integers(1, max_indicators))
    counts = draw(
        hnp.arrays(np.float64, (units, indicators, 3), elements=st.integers(0, 12).map(float))
    )
    holes = draw(hnp.arrays(np.bool_, counts.shape, elements=st.booleans()))
    if draw(st.booleans()):
        counts[holes & (counts == 0)] = np.nan
    return counts


@st.composite
def windows(draw: st.DrawFn, min_units: int = 6, max_units: int = 9) -> dict[str, np.ndarray]:
    """Window counts (U, C, T), exposure (U, T) and one covariate (U, 1)."""
    units = draw(st.integers(min_units, max_units))
    indicators = draw(st.integers(1, 3))
    periods = draw(st.integers(1, 4))
    exposure = draw(
        hnp.arrays(np.float64, (units, periods), elements=st.integers(1, 50).map(float))
    )
    counts = draw(
        hnp.arrays(np.float64, (units, indicators, periods), elements=st.integers(0, 15).map(float))
    )
    covariates = draw(
        hnp.arrays(
            np.float64,
            (units, 1),
            elements=st.floats(-1.0, 1.0, allow_nan=False, allow_subnormal=False),
        )
    )
    return {"counts": counts, "exposure": exposure, "covariates": covariates}
