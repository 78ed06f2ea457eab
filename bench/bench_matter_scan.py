"""Benchmark: seconds for the daily matter scan over 1,000,000 matters.

Run: `uv run python bench/bench_matter_scan.py [--matters 1000000] [--days 60] [--repeat 3]`
(add `--postgresql URL` to run it on a PostgreSQL database instead of SQLite; `--quick` for a
smoke run of 100,000 matters timed once).

Builds, in a temporary PINGAN_HOME with its own SQLite database, the demo city's scheme and units
and the default matter catalogue, then writes `--matters` matters (raw inserts, spread uniformly
at random over the places, the catalogue's categories, 15,000 addresses (a quarter of the matters
have none) and the last `--days` days: a year by default, a big city's year of matters; with
`--days 30` every matter lies in the scan's windows and is read by it). It then times
`pingan.warnings.watch_matters.find_signals` for the last day — the two grouped reads, the
detector over every unit × category series and the repeat groups — and once the whole
`scan_matters` (with the warnings it raises). Target: the scan in at most 10 s. Prints wall
seconds and this process's CPU seconds (`time.process_time()`; on SQLite the database work is in
this process, a PostgreSQL server's is not) of both, with the load average at the start and end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 10.0
SEED = 20261128


def setup_django(home: Path, database_url: str | None) -> None:
    """Point Django at a fresh database and migrate it."""
    os.environ["PINGAN_HOME"] = str(home)
    os.environ["PINGAN_DATABASE_URL"] = database_url or "sqlite:///%s" % (home / "bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "pingan.settings.production"
    os.environ.setdefault(
        "PINGAN_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def build_city() -> None:
    """Scheme, units and the default matter catalogue."""
    from importlib import resources

    from pingan.core.access.actor import command_line_actor
    from pingan.demo_data import generate
    from pingan.matters.actions import catalogue
    from pingan.schemes.services import load_scheme
    from pingan.units.services import import_units

    actor = command_line_actor()
    source = resources.files("pingan.schemes.builtin").joinpath("binzhou.toml").read_text("utf-8")
    load_scheme(actor=actor, source=source)
    import_units(actor=actor, data=generate.units_csv())
    catalogue.ensure_defaults()


def write_matters(count: int, days: int, last: dt.date) -> None:
    """`count` matters over the `days` days ending on `last`, written with raw batched inserts."""
    import numpy as np
    from django.db import connection, transaction
    from django.utils import timezone

    from pingan.matters.models import Category, Grade, Matter
    from pingan.matters.partitions import ensure_received
    from pingan.units.models import OrgUnit

    rng = np.random.default_rng(SEED)
    places = np.array(OrgUnit.objects.values_list("pk", flat=True))
    categories = np.array(Category.objects.values_list("pk", flat=True))
    grade = Grade.objects.get(level=3).pk
    start = timezone.make_aware(dt.datetime.combine(last - dt.timedelta(days=days - 1), dt.time()))
    ensure_received(start + dt.timedelta(days=d) for d in range(days + 1))  # PostgreSQL partitions
    offsets = rng.integers(0, days * 86400, count).astype("timedelta64[s]")
    moments = np.datetime_as_string(
        np.datetime64(start.astimezone(dt.UTC).replace(tzinfo=None), "s") + offsets
    )
    unit_of = places[rng.integers(len(places), size=count)].tolist()
    category_of = categories[rng.integers(len(categories), size=count)].tolist()
    address_of = rng.integers(20_000, size=count).tolist()
    vendor = connection.vendor
    mark = "?" if vendor == "sqlite" else "%s"
    sql = (
        f"INSERT INTO {Matter._meta.db_table} (number, category_id, grade_id, description, "
        "place_unit_id, address, channel, ticket_number, parties_enc, party_contact_enc, "
        "reporter_name_enc, reporter_phone_enc, reporter_confidential, status, ladder, ladder_step, return_count, "
        "reject_reason, feedback_text, outcome, public_token, received_at, overdue, updated_at) "
        "VALUES ({m}, {m}, {m}, 'bench', {m}, {m}, 'web', '', '', '', '', '', {m}, 'received', "
        "'township', 1, 0, '', '', '', {m}, {m}, {m}, {m})"
    ).format(m=mark)
    batch = 50_000
    for begin in range(0, count, batch):
        rows = []
        for i in range(begin, min(count, begin + batch)):
            moment = str(moments[i]).replace("T", " ") + ("" if vendor == "sqlite" else "+00")
            address = "地址%05d" % address_of[i] if address_of[i] < 15_000 else ""
            rows.append(
                ("B%09d" % i, category_of[i], grade, unit_of[i], address, False,
                 "bt%09d" % i, moment, False, moment)
            )  # fmt: skip
        with transaction.atomic():
            if vendor == "sqlite":
                connection.connection.executemany(sql, rows)
            else:
                with connection.cursor() as cursor:
                    cursor.executemany(sql, rows)


def _timed(call):  # type: ignore[no-untyped-def]
    """(result, wall seconds, CPU seconds of this process) of `call()`."""
    start, cpu_start = time.perf_counter(), time.process_time()
    result = call()
    return result, time.perf_counter() - start, time.process_time() - cpu_start


def main() -> int:
    """Build the data, time the scan, print a JSON summary; exit 1 when over the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matters", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgresql", default=None, help="a postgresql:// URL to use instead")
    parser.add_argument(
        "--quick", action="store_true", help="100,000 matters, one timing (a smoke run)"
    )
    args = parser.parse_args()
    if args.quick:
        args.matters, args.repeat = 100_000, 1
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="pingan-bench-scan-") as home:
        setup_django(Path(home), args.postgresql)
        build_city()
        last = dt.date(2026, 10, 31)
        _none, written, _cpu = _timed(lambda: write_matters(args.matters, args.days, last))
        from pingan.core.access.actor import job_actor
        from pingan.matters.models import Matter
        from pingan.schemes.selectors import current_version
        from pingan.schemes.warning_rules import warning_rules
        from pingan.warnings.watch_matters import find_signals, scan_matters

        rules = warning_rules(current_version())
        seconds, cpu, found = [], [], (0, [])
        for _ in range(args.repeat):
            found, wall_s, cpu_s = _timed(lambda: find_signals(last, rules))
            seconds.append(wall_s)
            cpu.append(cpu_s)
        result, whole, whole_cpu = _timed(lambda: scan_matters(actor=job_actor("bench"), day=last))
        report = {
            "machine": "%s, %d CPUs, Python %s"
            % (platform.platform(), os.cpu_count() or 0, platform.python_version()),
            "database": "postgresql" if args.postgresql else "sqlite",
            "load_start": load_start,
            "load_end": os.getloadavg()[0],
            "matters": Matter.objects.count(),
            "days": args.days,
            "write_s": round(written, 1),
            "series": found[0],
            "signals": len(found[1]),
            "find_median_s": round(statistics.median(seconds), 3),
            "find_max_s": round(max(seconds), 3),
            "find_cpu_median_s": round(statistics.median(cpu), 3),
            "scan_with_warnings_s": round(whole, 3),
            "scan_with_warnings_cpu_s": round(whole_cpu, 3),
            "new_warnings": result.new_warnings,
        }
        print(json.dumps(report, indent=1))
        return (
            0 if max(report["find_max_s"], report["scan_with_warnings_s"]) <= TARGET_SECONDS else 1
        )


if __name__ == "__main__":
    sys.exit(main())
