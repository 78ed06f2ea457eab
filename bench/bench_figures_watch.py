"""Benchmark: the warnings figures watch that every approval owes, on an existing database.

Run: `uv run python bench/bench_figures_watch.py --database-url postgresql://…/NAME
      --home PINGAN_HOME [--month YYYY-MM] [--repeat 3]`

The database is used as it is (e.g. a copy of the province built by `bench/build_province.py`:
2,000 units × 60 indicators × 36 months); it is migrated first. For the month (by default the
latest month with approved figures) it times, in one process with production settings:
  1. `warnings.series.read_series` over the watch's window (the month and the detectors' history
     before it) — every approved version of every unit × indicator cell, as arrays;
  2. `warnings.watch_figures.find_figure_signals` — that reading plus every detector;
  3. once, `warnings.watch_figures.scan_figures` — the watch job itself, raising its warnings.
Each phase gives wall seconds and CPU seconds (`time.process_time`, this process only: the
database server's own time is not in it); the report gives the load average before and after.
Prints JSON. The third phase writes warnings: run it on a copy, not on a database in use.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_recompute import setup_django


def _timed(call: Callable[[], Any]) -> tuple[Any, float, float]:
    start, cpu_start = time.perf_counter(), time.process_time()
    result = call()
    return result, time.perf_counter() - start, time.process_time() - cpu_start


def _latest_month() -> str:
    from pingan.reporting.models import SIGNED_STATUSES, Submission

    month = (
        Submission.objects.filter(status__in=SIGNED_STATUSES)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    if month is None:
        raise SystemExit("no approved figures in this database")
    return month


def main() -> int:
    """Time the reading, the detection and the watch job; print a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--home", required=True, help="the PINGAN_HOME of that database")
    parser.add_argument("--month", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    load_start = os.getloadavg()
    os.environ["PINGAN_HOME"] = args.home
    setup_django(args.database_url)
    from pingan.core.access.actor import job_actor
    from pingan.engine.detection import DETECTORS
    from pingan.warnings.config import current_rules
    from pingan.warnings.series import read_series
    from pingan.warnings.watch_figures import _first_month, find_figure_signals, scan_figures

    month = args.month or _latest_month()
    first = _first_month(month, max(spec.history for spec in DETECTORS.values()) + 1)
    rules = current_rules()
    reads, read_cpu, finds, find_cpu = [], [], [], []
    block = None
    for _ in range(args.repeat):
        block, wall, cpu = _timed(lambda: read_series(first=first, last=month))
        reads.append(wall)
        read_cpu.append(cpu)
        _signals, wall, cpu = _timed(lambda: find_figure_signals([month], rules))
        finds.append(wall)
        find_cpu.append(cpu)
    raised, scan, scan_cpu = _timed(lambda: scan_figures(actor=job_actor("bench"), months=[month]))
    assert block is not None
    report = {
        "machine": "%s, %d CPUs, Python %s"
        % (platform.platform(), os.cpu_count() or 0, platform.python_version()),
        "load_start": [round(x, 2) for x in load_start],
        "load_end": [round(x, 2) for x in os.getloadavg()],
        "month": month,
        "window": [first, month],
        "series_shape": list(block.versions.shape),
        "versions_read": int((block.versions == block.versions).sum()),
        "read_series_s": [round(x, 2) for x in reads],
        "read_series_cpu_median_s": round(statistics.median(read_cpu), 2),
        "find_figure_signals_s": [round(x, 2) for x in finds],
        "find_figure_signals_cpu_median_s": round(statistics.median(find_cpu), 2),
        "scan_figures_s": round(scan, 2),
        "scan_figures_cpu_s": round(scan_cpu, 2),
        "signals": raised,
    }
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
