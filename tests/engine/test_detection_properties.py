"""Properties of every detector.

1. A constant series (any whole value, any alpha) never alarms.
2. Monotone in the observation: raising the count of month t (everything else unchanged) never
   removes an alarm at t - the threshold at t depends only on earlier months, and the CUSUM
   S_t is non-decreasing in x_t.
3. Scaling: for EARS C1, C2 and C3 and a whole factor c >= 1, every alarm of the series x is an
   alarm of c x (the C statistic (c x - c m) / max(c s, min_sigma) is at least (x - m) /
   max(s, min_sigma) wherever x >= m, and is below 1 elsewhere in both series).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from pingan.engine.detection import DETECTORS, detect

NAMES = st.sampled_from(sorted(DETECTORS))
ALPHAS = st.sampled_from([0.001, 0.01, 0.05, 0.2])
LENGTH = 44


def _series(draw: st.DrawFn, rows: int) -> np.ndarray:
    return draw(hnp.arrays(np.float64, (rows, LENGTH), elements=st.integers(0, 30).map(float)))


@settings(max_examples=30, deadline=None)
@given(name=NAMES, alpha=ALPHAS, value=st.integers(0, 200))
def test_a_constant_series_never_alarms(name: str, alpha: float, value: int) -> None:
    counts = np.full((2, LENGTH), float(value))
    assert not detect(name, counts, alpha=alpha).alarm.any()


@settings(max_examples=30, deadline=None)
@given(data=st.data(), name=NAMES, alpha=ALPHAS)
def test_raising_the_current_count_keeps_its_alarm(
    data: st.DataObject, name: str, alpha: float
) -> None:
    counts = _series(data.draw, 3)
    t = data.draw(st.integers(38, LENGTH - 1))
    raise_by = data.draw(st.integers(1, 50))
    before = detect(name, counts, alpha=alpha).alarm[:, t]
    higher = counts.copy()
    higher[:, t] += raise_by
    after = detect(name, higher, alpha=alpha).alarm[:, t]
    assert not (before & ~after).any()


@settings(max_examples=40, deadline=None)
@given(data=st.data(), name=st.sampled_from(["ears_c1", "ears_c2", "ears_c3"]), alpha=ALPHAS)
def test_scaling_ears_counts_up_keeps_every_alarm(
    data: st.DataObject, name: str, alpha: float
) -> None:
    counts = _series(data.draw, 3)
    factor = data.draw(st.integers(1, 10))
    before = detect(name, counts, alpha=alpha).alarm
    after = detect(name, counts * factor, alpha=alpha).alarm
    assert not (before & ~after).any()
