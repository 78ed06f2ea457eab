"""Benchmark: the approving request and one quarter's recompute at province size.

Run: `uv run python bench/bench_recompute.py [--units 2000 --indicators 60 --months 36]
      [--database-url postgresql://postgres@127.0.0.1:5432/NAME | sqlite:///PATH] [--keep]`

Without `--database-url` a scratch PostgreSQL database is created, used and dropped. With it, the
database is built once (scheme, units, covariates, figures of every month but the last approved
through `import_figures(approve=True)`, the last month's figures as drafts) and reused on the next
run when it already holds the figures (`--keep` leaves a scratch database in place).

Then, in one process (production settings):
  1. one quarter (the window's last full quarter) computed from nothing: first its reading with
     no figure packs stored (every approved version of the window packed from its figures, as
     after an upgrade: `packing`), then total seconds, and the same reading (`class_inputs`, from
     the packs) and engine (`compute`) done on their own; ratio = total / engine;
     then once more under cProfile: the CPU seconds of its parts (reading, hashing, engine,
     storing results, building and writing explanations, pruning, audit, events);
  2. the same quarter recomputed after a correction changed one body's figures;
  3. the approving request: the last month's drafts of one body are put in `reviewed`, an approver
     posts the approval through Django's test Client; the request's milliseconds (the recompute it
     owes is a job, run afterwards and timed as "owed recompute"), with its CPU milliseconds and
     its number of queries.
Every phase gives wall seconds and CPU seconds (`time.process_time`, this process only: the
database server's own time is not in it); the report gives the load average before and after.
Smaller sizes (e.g. `--units 200 --indicators 20 --months 24`) run in a few minutes.
Prints JSON.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import json
import os
import platform
import pstats
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import import scheme_toml, units_csv

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def setup_django(url: str) -> None:
    """Production settings on `url`, migrated."""
    os.environ["PINGAN_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "pingan.settings.production"
    os.environ["PINGAN_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault(
        "PINGAN_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"
    )
    os.environ.setdefault("PINGAN_MAX_ROWS", "100000000")
    os.environ.setdefault("PINGAN_MAX_UPLOAD_MB", "1000")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def month_list(count: int) -> list[str]:
    """`count` months ending with the last month that has ended."""
    today = datetime.date.today()
    start = today.year * 12 + today.month - 1 - count
    return [_month(start + k) for k in range(count)]


def _month(index: int) -> str:
    year, month = divmod(index, 12)
    return "%04d-%02d" % (year, month + 1)


def figures_bytes(units: int, indicators: range, month: str, salt: int = 0) -> bytes:
    """One month's figures file of `indicators` (numbers)."""
    m = int(month[5:])
    lines = ["unit_code,indicator_code,period,value"]
    lines += [
        "U%05d,ind%02d,%s,%d" % (u, i, month, (u * 7 + i * 3 + m * 5 + salt) % 5)
        for u in range(units)
        for i in indicators
    ]
    return ("\n".join(lines) + "\n").encode("ascii")


def build(args: argparse.Namespace, months: list[str]) -> None:
    """Scheme, units, covariates, every month's figures (approved; the last month as drafts)."""
    from pingan.core.access.actor import command_line_actor
    from pingan.reporting.bulk_load import import_figures
    from pingan.schemes.services import load_scheme
    from pingan.units.services import import_covariates, import_units

    actor = command_line_actor()
    load_scheme(actor=actor, source=scheme_toml(args.indicators))
    import_units(actor=actor, data=units_csv(args.units))
    years = sorted({int(m[:4]) for m in months})
    rows = ["unit_code,year,population"] + [
        "U%05d,%d,%d" % (u, y, 20000 + (u * 37) % 9000) for u in range(args.units) for y in years
    ]
    import_covariates(actor=actor, data=("\n".join(rows) + "\n").encode())
    for month in months[:-1]:
        data = figures_bytes(args.units, range(args.indicators), month)
        import_figures(actor=actor, data=data, approve=True, reason="bench load")
        print("loaded %s" % month, file=sys.stderr, flush=True)
    import_figures(actor=actor, data=figures_bytes(args.units, range(args.indicators), months[-1]))


def clear_owed() -> None:
    """Forget owed jobs left by the load (each phase below enqueues and times its own)."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()


def time_compute(period: str) -> dict[str, float]:
    """Seconds of a full compute of `period` (nothing stored before), its reading and its engine."""
    from pingan.core.access.actor import command_line_actor
    from pingan.schemes.selectors import current_version
    from pingan.scores.inputs import class_inputs, compute
    from pingan.scores.models import FigurePack, ScoreRun
    from pingan.scores.services import compute_period

    version = current_version(None)
    classes = list(version.classes.order_by("position"))
    FigurePack.objects.all().delete()
    started, cpu = time.perf_counter(), time.process_time()
    for c in classes:
        class_inputs(version, c, period)
    packing, packing_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    inputs = [class_inputs(version, c, period) for c in classes]
    read, read_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    for item in inputs:
        compute(version, item)
    engine = time.perf_counter() - started
    engine_cpu = time.process_time() - cpu
    ScoreRun.objects.filter(period=period, is_current=True).update(is_current=False)
    started, cpu = time.perf_counter(), time.process_time()
    compute_period(actor=command_line_actor(), period=period, reason="bench")
    total, total_cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "packing_s": round(packing, 2),
        "packing_cpu_s": round(packing_cpu, 2),
        "total_s": round(total, 2),
        "total_cpu_s": round(total_cpu, 2),
        "reading_s": round(read, 2),
        "reading_cpu_s": round(read_cpu, 2),
        "engine_s": round(engine, 2),
        "engine_cpu_s": round(engine_cpu, 2),
        "ratio_total_to_engine": round(total / engine, 2),
        "ratio_cpu_total_to_engine": round(total_cpu / engine_cpu, 2),
        "profile_cpu_s": profile_compute(period),
    }


PARTS = {
    "reading": ("inputs.py", "class_inputs"),
    "reading_packs": ("packs.py", "window_arrays"),
    "input_hash": ("services.py", "input_hash"),
    "engine": ("inputs.py", "compute"),
    "store_results": ("services.py", "_store_run"),
    "results_write": ("storing.py", "_insert_results"),
    "explanations_build": ("explanation.py", "explanations"),
    "explanations_write": ("bulk.py", "insert_rows"),
    "changes": ("services.py", "_record_changes"),
    "prune_old_explanations": ("query.py", "delete"),
    "audit": ("services.py", "record_event"),
    "events": ("events.py", "publish"),
}
"""Parts of a compute and the function (file name, function name) whose cumulative time is it."""


def profile_compute(period: str) -> dict[str, float]:
    """CPU seconds of each part of a recompute of `period` under cProfile (a new run is forced)."""
    from pingan.core.access.actor import command_line_actor
    from pingan.scores.models import ScoreRun
    from pingan.scores.services import compute_period

    ScoreRun.objects.filter(period=period, is_current=True).update(input_hash="bench")
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    compute_period(actor=command_line_actor(), period=period, reason="bench profile")
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    out: dict[str, float] = {}
    for part, (file_name, function) in PARTS.items():
        seconds = [
            cumulative
            for (path, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.items()
            if name == function and path.endswith(file_name)
        ]
        out[part] = round(max(seconds, default=0.0), 3)
    out["total"] = round(sum(tt for _cc, _nc, tt, _ct, _callers in stats.values()), 3)
    return out


def time_correction(args: argparse.Namespace, month: str) -> dict[str, float]:
    """Seconds of the owed recompute after one body's figures of `month` are corrected."""
    from pingan.core.access.actor import command_line_actor
    from pingan.core.jobs import run_owed_jobs
    from pingan.reporting.bulk_load import import_figures

    # The indicators of the first reporting body (body00 owns every twelfth indicator).
    data = figures_bytes(args.units, range(0, args.indicators, 12), month, salt=1)
    import_figures(actor=command_line_actor(), data=data, approve=True, reason="bench correction")
    started, cpu = time.perf_counter(), time.process_time()
    runs = run_owed_jobs()
    return {
        "owed_recompute_s": round(time.perf_counter() - started, 2),
        "owed_recompute_cpu_s": round(time.process_time() - cpu, 2),
        "jobs": runs,
    }


def time_approval(month: str) -> dict[str, float]:
    """Milliseconds of the approving request of one body's `month`, then of the job it owes."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from pingan.accounts.models import RoleAssignment, User
    from pingan.core.jobs import run_owed_jobs
    from pingan.reporting.models import Status, Submission

    submission = Submission.objects.filter(month=month, status=Status.DRAFT).order_by("pk").first()
    assert submission is not None, "no draft of %s to approve" % month
    Submission.objects.filter(pk=submission.pk).update(status=Status.REVIEWED)
    user = User.objects.create(username="bench-approver-%s" % uuid.uuid4().hex[:8])
    RoleAssignment.objects.create(user=user, role="approver", body_id=submission.body_id)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/reporting/s/%d/" % submission.pk, secure=True).status_code == 200  # warm
    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        response = client.post("/reporting/s/%d/approve/" % submission.pk, secure=True)
        request_ms = (time.perf_counter() - started) * 1000
        request_cpu_ms = (time.process_time() - cpu) * 1000
    assert response.status_code == 302, response.status_code
    assert Submission.objects.get(pk=submission.pk).status == Status.APPROVED
    started = time.perf_counter()
    runs = run_owed_jobs()
    return {
        "approval_request_ms": round(request_ms, 1),
        "approval_request_cpu_ms": round(request_cpu_ms, 1),
        "approval_queries": len(queries),
        "owed_recompute_s": round(time.perf_counter() - started, 2),
        "jobs": runs,
    }


def run(args: argparse.Namespace, url: str) -> dict[str, object]:
    """Build if needed, then time the three phases."""
    setup_django(url)
    from django.db import connection

    from pingan.core.periods import period_of
    from pingan.reporting.models import Figure

    months = month_list(args.months)
    if not Figure.objects.exists():
        started = time.perf_counter()
        build(args, months)
        print("built in %.0f s" % (time.perf_counter() - started), file=sys.stderr)
    clear_owed()
    quarter = period_of(months[-4], "quarter")
    report: dict[str, object] = {
        "machine": "%s, %d CPUs, Python %s"
        % (platform.platform(), os.cpu_count() or 0, platform.python_version()),
        "database": connection.vendor,
        "units": args.units,
        "indicators": args.indicators,
        "months": args.months,
        "figures": Figure.objects.count(),
        "quarter": quarter,
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }
    report["compute"] = time_compute(quarter)
    report["correction"] = time_correction(args, months[-4])
    report["approval"] = time_approval(months[-1])
    report["load_after"] = [round(x, 2) for x in os.getloadavg()]
    return report


def main() -> int:
    """Run the benchmark and print its JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--database-url")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if args.database_url:
        print(json.dumps(run(args, args.database_url), indent=1))
        return 0
    import psycopg

    name = "pingan_bench_recompute_%d" % os.getpid()
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute("CREATE DATABASE %s" % name)
    try:
        print(json.dumps(run(args, PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name), indent=1))
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute("DROP DATABASE IF EXISTS %s" % name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
