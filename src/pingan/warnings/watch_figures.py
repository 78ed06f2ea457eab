"""The figures watch: each unit × indicator monthly series of approved figures, through the scheme's
detector for the indicator, whenever months of figures are approved (or corrected).

The series are read in one query (`pingan.warnings.series`) from far enough back for every
detector's history; an alarm in one of the changed months is a signal on the series "indicator"
of that unit. A signal on an indicator the scheme names severe is at least orange.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import numpy as np

from pingan.core.access.actor import Actor
from pingan.core.periods import previous_month
from pingan.engine.detection import DETECTORS, detect
from pingan.schemes.warning_rules import WarningRules
from pingan.warnings.actions.raising import Signal, raise_signals
from pingan.warnings.config import current_rules
from pingan.warnings.levels import signal_level
from pingan.warnings.models import Source
from pingan.warnings.series import read_series

CHART_MONTHS = 24
"""Months of the series kept with a warning for its chart (ending with the signal's month)."""


def _first_month(month: str, back: int) -> str:
    for _ in range(back):
        month = previous_month(month)
    return month


def _number(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def find_figure_signals(months: list[str], rules: WarningRules) -> list[Signal]:
    """The signals in the changed `months` (nothing written), oldest month first."""
    history = max(spec.history for spec in DETECTORS.values()) + 1
    last = max(months)
    block = read_series(first=_first_month(min(months), history), last=last)
    if not block.units or not block.indicators:
        return []
    groups: dict[tuple[str, float], list[int]] = defaultdict(list)
    for i, code in enumerate(block.indicators):
        choice = rules.for_indicator(code)
        groups[(choice.detector, choice.alpha)].append(i)
    found: list[tuple[str, int, str, Signal]] = []
    units = len(block.units)
    for (name, alpha), indices in sorted(groups.items()):
        counts = block.counts[:, indices, :].reshape(units * len(indices), -1)
        detection = detect(name, counts, alpha=alpha)
        for month in sorted(set(months) & set(block.months)):
            m = block.month_index(month)
            for row in np.flatnonzero(detection.alarm[:, m]):
                u, k = divmod(int(row), len(indices))
                code = block.indicators[indices[k]]
                signal = _signal(block, detection, name, alpha, int(row), m, code, u, rules)
                found.append((month, block.units[u], code, signal))
    return [signal for *_key, signal in sorted(found, key=lambda item: item[:3])]


def _signal(
    block: Any, detection: Any, name: str, alpha: float, row: int, m: int, code: str, u: int,
    rules: WarningRules,
) -> Signal:  # fmt: skip
    series = block.counts[u, block.indicators.index(code), :]
    observed, upper = float(series[m]), float(detection.upper[row, m])
    start = max(0, m - CHART_MONTHS + 1)
    return Signal(
        source=Source.FIGURES, unit_id=block.units[u], series_key=code, period=block.months[m],
        level=signal_level(observed=observed, threshold=upper, severe=code in rules.severe),
        observed=observed, expected=_number(detection.expected[row, m]), threshold=upper,
        detector=name, alpha=alpha,
        series={
            "periods": list(block.months[start : m + 1]),
            "counts": [_number(v) for v in series[start : m + 1]],
            "expected": [_number(v) for v in detection.expected[row, start : m + 1]],
            "upper": [_number(v) for v in detection.upper[row, start : m + 1]],
        },
    )  # fmt: skip


def scan_figures(*, actor: Actor, months: list[str], now: dt.datetime | None = None) -> int:
    """Raise (or attach) a warning for each signal in the changed months; the number of signals."""
    signals = find_figure_signals(sorted(set(months)), current_rules())
    raise_signals(actor=actor, signals=signals, now=now)
    return len(signals)
