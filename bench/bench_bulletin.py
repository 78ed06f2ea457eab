"""Benchmark: seconds to produce the quarterly bulletin (.docx) of the demo city (108 units).

Run: `uv run python bench/bench_bulletin.py [--repeat 5] [--pdf]`

Builds, in a temporary PINGAN_HOME with its own SQLite database, the demo city's scheme, units and
covariates, and stores one quarter of results directly (the bulletin's input is stored results;
the scores are a fixed ladder per class, as in the bulletin tests). Then it times
`pingan.bulletins.services.render_current(fmt="docx")` — reading the results, drawing the two
charts and writing the document — `--repeat` times after one warm-up run, and prints the median
and the slowest. With `--pdf`, also times the LibreOffice conversion when soffice is installed.
Target: the .docx in at most 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PERIOD = "2026Q3"
TARGET_SECONDS = 5.0


def setup_django(home: Path) -> None:
    """Point Django at a fresh database in `home` and migrate it."""
    os.environ["PINGAN_HOME"] = str(home)
    os.environ["PINGAN_DATABASE_URL"] = "sqlite:///%s" % (home / "bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "pingan.settings.production"
    os.environ.setdefault(
        "PINGAN_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def build_city() -> None:
    """Scheme, units, covariates of the demo city, and one stored quarter of results."""
    from importlib import resources

    from pingan.core.access.actor import command_line_actor
    from pingan.demo_data import generate
    from pingan.schemes.services import load_scheme
    from pingan.units.services import import_covariates, import_units

    sys.path.insert(0, str(REPO))
    from tests.bulletins.factory import store_run

    actor = command_line_actor()
    source = (
        resources.files("pingan.schemes.builtin")
        .joinpath("binzhou.toml")
        .read_text(encoding="utf-8")
    )
    load_scheme(actor=actor, source=source)
    import_units(actor=actor, data=generate.units_csv())
    import_covariates(actor=actor, data=generate.covariates_csv([2025, 2026]))
    store_run(PERIOD)


def timed(fmt: str, repeat: int) -> list[float]:
    """Seconds per rendering of the bulletin in `fmt`, after one warm-up."""
    from pingan.bulletins.services import render_current
    from pingan.core.access.actor import command_line_actor

    actor = command_line_actor()
    render_current(actor=actor, period=PERIOD, fmt=fmt)
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        render_current(actor=actor, period=PERIOD, fmt=fmt)
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> int:
    """Build the data, time the renderings, print a JSON summary; exit 1 when over the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pdf", action="store_true", help="also time the PDF conversion")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pingan-bench-bulletin-") as home:
        setup_django(Path(home))
        build_city()
        from pingan.scores.models import QuarterResult

        report = {
            "machine": "%s, %d CPUs, Python %s"
            % (platform.platform(), os.cpu_count() or 0, platform.python_version()),
            "units": QuarterResult.objects.count(),
        }
        docx = timed("docx", args.repeat)
        report["docx_median_s"] = round(statistics.median(docx), 3)
        report["docx_max_s"] = round(max(docx), 3)
        if args.pdf:
            from pingan.bulletins.pdf import soffice

            if soffice():
                pdf = timed("pdf", max(1, args.repeat // 2))
                report["pdf_median_s"] = round(statistics.median(pdf), 3)
        print(json.dumps(report, indent=1))
        return 0 if report["docx_max_s"] <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
