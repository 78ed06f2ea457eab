"""Benchmark: server time of the stability-index overview page for a class of 10,000 units.

Run: `uv run python bench/bench_overview.py [--units 10000] [--requests 50]`

Builds, in a temporary PINGAN_HOME with its own file-backed SQLite database (production
settings), the built-in scheme, `--units` class-A units and eight quarters of results stored
directly with bulk_create (the page reads stored results; computing them is scoring's cost), plus
one key-management mark. Then it signs an analyst in with Django's test Client (in-process, no
network) and times `--requests` GETs of each page shape after five warm-up requests:

- first page, default sort (rank);
- page 40 of the table sorted by relative score, descending;
- page 10 of the yellow-tier units sorted by change on last quarter.

Prints p50/p95/max in milliseconds as JSON; exit 1 when a p95 is over the target (300 ms).
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

PERIODS = ["2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"]
TARGET_MS = 300.0
SHAPES = {
    "first_page": "/scores/?quarter=2026Q3&class=A",
    "page_40_by_relative": "/scores/?quarter=2026Q3&class=A&sort=-relative&page=40",
    "yellow_page_10_by_change": "/scores/?quarter=2026Q3&class=A&tier=yellow&sort=change_prev&page=10",
}


def setup_django(home: Path) -> None:
    """Point Django at a fresh database in `home` and migrate it."""
    os.environ["PINGAN_HOME"] = str(home)
    os.environ["PINGAN_DATABASE_URL"] = "sqlite:///%s" % (home / "bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "pingan.settings.production"
    os.environ["PINGAN_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault(
        "PINGAN_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def build(units: int) -> None:
    """The scheme, `units` class-A units and eight quarters of their results."""
    from importlib import resources

    from pingan.core.access.actor import command_line_actor
    from pingan.schemes.services import load_scheme
    from pingan.scores.models import KeyManagementMark, QuarterResult, ScoreRun
    from pingan.units.models import OrgUnit

    source = (
        resources.files("pingan.schemes.builtin")
        .joinpath("binzhou.toml")
        .read_text(encoding="utf-8")
    )
    version = load_scheme(actor=command_line_actor(), source=source).version
    OrgUnit.objects.bulk_create(
        (
            OrgUnit(
                code="U%05d" % i,
                name_zh="单位%05d" % i,
                name_en="Unit %05d" % i,
                level=2,
                eval_class="A",
            )
            for i in range(units)
        ),
        batch_size=2000,
    )
    rows = list(OrgUnit.objects.filter(eval_class="A").order_by("code"))
    for q, period in enumerate(PERIODS):
        run = ScoreRun.objects.create(
            version=version, period=period, input_hash=period, reason="bench"
        )
        QuarterResult.objects.bulk_create(
            (_result(run, unit, i, q, units) for i, unit in enumerate(rows)),
            batch_size=2000,
        )
    KeyManagementMark.objects.create(unit=rows[0], reason="bench")


def _result(run, unit, i, q, units):
    from pingan.scores.models import QuarterResult

    score = 100.0 - 40.0 * ((i * 7919 + q * 104729) % units) / units
    tier = "" if score >= 90 else "yellow" if score >= 80 else "orange" if score >= 70 else "red"
    return QuarterResult(
        run=run, unit=unit, class_code="A", absolute_score=score, relative_score=100.0 - (i * 31 % 400) / 10,
        rank=i + 1, rank_low=max(1, i - 20), rank_high=min(units, i + 20), tier=tier, stars=1 + int(score // 20) % 5,
        observed=float(i % 50), expected=25.0, change_prev=float((i * 13) % 11 - 5), change_year=float((i * 17) % 9 - 4),
    )  # fmt: skip


def timed(client, path: str, requests: int) -> list[float]:
    """Milliseconds per GET of `path`, after five warm-up requests."""
    for _ in range(5):
        assert client.get(path, secure=True).status_code == 200
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path, secure=True)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def main() -> int:
    """Build the data, time the page shapes, print a JSON summary; exit 1 when a p95 is over the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pingan-bench-overview-") as home:
        setup_django(Path(home))
        build(args.units)
        from django.test import Client

        from pingan.accounts.models import RoleAssignment, User

        user = User.objects.create(username="bench-analyst")
        RoleAssignment.objects.create(user=user, role="analyst")
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        report: dict[str, object] = {
            "machine": "%s, %d CPUs, Python %s"
            % (platform.platform(), os.cpu_count() or 0, platform.python_version()),
            "units": args.units,
            "quarters": len(PERIODS),
            "requests": args.requests,
        }
        worst = 0.0
        for name, path in SHAPES.items():
            times = sorted(timed(client, path, args.requests))
            p95 = times[max(0, round(0.95 * len(times)) - 1)]
            worst = max(worst, p95)
            report[name] = {
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(p95, 1),
                "max_ms": round(times[-1], 1),
            }
        print(json.dumps(report, indent=1))
        return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
