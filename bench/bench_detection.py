"""Benchmark of the warning detectors and the backtest, seeded synthetic data.

1. EARS C1, C2, C3 and the Poisson CUSUM over 10,000 units x 60 indicators x 120 months
   (600,000 series, all months).
2. Farrington and Noufaily for the latest month of the same 600,000 series (batched fits).
3. The rolling-origin backtest over 10 years of generated figures for 108 units x 10
   indicators: every detector and both baselines, origins from month 48 to month 116.

Prints wall and CPU seconds and the load average; writes nothing.
Run: uv run python bench/bench_detection.py [--quick]
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from pingan.engine.backtest import BacktestInput, run_backtest
from pingan.engine.backtest_events import parse_event_rule
from pingan.engine.detection import detect

SERIES, MONTHS = 10_000 * 60, 120


def synthetic(n_series: int, seed: int = 20261128) -> np.ndarray:
    """Seasonal Poisson counts with unit-level rates and a few outbreaks."""
    rng = np.random.default_rng(seed)
    rate = rng.gamma(2.0, 2.0, size=(n_series, 1))
    season = 1 + 0.3 * np.sin(2 * np.pi * np.arange(MONTHS) / 12)
    counts = rng.poisson(rate * season).astype(np.float64)
    hit = rng.random(counts.shape) < 0.002
    counts[hit] += rng.poisson(10, hit.sum())
    return counts


def timed(label: str, run: object) -> float:
    """Run once; print wall and CPU seconds with the load average."""
    start, cpu = time.perf_counter(), time.process_time()
    run()  # type: ignore[operator]
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    load = " ".join("%.1f" % x for x in os.getloadavg())
    print("%-44s wall %8.2f s  cpu %8.2f s  load %s" % (label, seconds, cpu, load))
    return seconds


def main() -> None:
    n_series = SERIES // 20 if "--quick" in sys.argv else SERIES
    counts = synthetic(n_series)
    print("series: %d x %d months" % counts.shape)
    for name in ("ears_c1", "ears_c2", "ears_c3", "cusum"):
        timed(name + " (all months)", lambda name=name: detect(name, counts, alpha=0.01))
    for name in ("farrington", "noufaily"):
        timed(name + " (latest month)", lambda name=name: detect(
            name, counts, alpha=0.01, periods=[MONTHS - 1]))  # fmt: skip
    units, indicators = 108, 10
    figures = synthetic(units * indicators, seed=7).reshape(units, indicators, MONTHS)
    cutoffs = np.arange(MONTHS, dtype=np.float64) * 30 * 86400
    data = BacktestInput(
        figures[None], np.broadcast_to(cutoffs - 86400, figures.shape)[None].copy(), cutoffs,
        np.arange(indicators) < 2,
    )  # fmt: skip
    timed("backtest 108 units x 10 ind. x 10 years", lambda: run_backtest(
        data, rule=parse_event_rule("severe_p95:3"), origins=list(range(48, 117))))  # fmt: skip


if __name__ == "__main__":
    main()
