"""Kill -9 at random moments of approved imports, corrections and the job worker; check after each.

Run by tests/crash/test_crash.py in a child process, because it sets Django up on a database of
its own (a fresh SQLite file in --home, or a fresh PostgreSQL database named after
PINGAN_DATABASE_URL with the suffix `_crash`):

    python -m tests.crash.driver --home DIR --scenario random --iterations N --seed S
    python -m tests.crash.driver --home DIR --scenario kill-after-correction

Each random iteration imports one month of figures with `pingan figures import FILE --approve
--reason …` (the first import of a month approves it, later ones are corrections) and kills the
command with SIGKILL after a random delay; then starts `pingan worker` and kills it likewise. After
each kill it checks: SQLite `PRAGMA integrity_check`, `pingan audit verify`, all-or-nothing (the
import's versions are all there with the file's values, or none is), and that no owed work is
lost (every quarter whose stored results differ from their inputs has a recompute job owed).
Then it restarts the worker (`run_owed_jobs`, which first takes back jobs of dead workers) and
checks that the stored results equal a fresh computation and nothing is owed.

Prints one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
HISTORY = MONTHS[:3]


def pingan(*args: str) -> list[str]:
    return [sys.executable, "-m", "pingan.cli", *args]


def prepare_database() -> None:
    """A fresh database: the SQLite file is new in a new home; PostgreSQL gets `<name>_crash`."""
    url = os.environ.get("PINGAN_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    import psycopg

    base, _sep, name = url.rpartition("/")
    crash = name + "_crash"
    os.environ["PINGAN_DATABASE_URL"] = "%s/%s" % (base, crash)
    with psycopg.connect("%s/postgres" % base, autocommit=True) as admin:
        admin.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % crash)
        admin.execute('CREATE DATABASE "%s"' % crash)


def small_city(units: bytes, covariates: bytes) -> tuple[bytes, bytes]:
    """The demo city cut down to its root, the ten class-A units, ten of class B and those of class C."""
    lines = units.decode().splitlines()
    kept, in_b = [lines[0]], 0
    for line in lines[1:]:
        fields = line.split(",")
        if fields[2] == "B":
            in_b += 1
        if (fields[0] == "BZ") or fields[2] in ("A", "C") or (fields[2] == "B" and in_b <= 10):
            kept.append(line)
    codes = {line.split(",")[0] for line in kept[1:]}
    cov = covariates.decode().splitlines()
    cov_kept = [cov[0]] + [line for line in cov[1:] if line.split(",")[0] in codes]
    return ("\n".join(kept) + "\n").encode(), ("\n".join(cov_kept) + "\n").encode()


def setup_city(home: Path, *, small: bool) -> dict[str, list[tuple[str, str]]]:
    """Scheme, units and covariates, three approved months, scored; the cells of each month."""
    from importlib import resources

    from pingan.core.access.actor import command_line_actor
    from pingan.core.jobs import run_owed_jobs
    from pingan.demo_data import generate
    from pingan.reporting.bulk_load import import_figures
    from pingan.schemes.services import load_scheme
    from pingan.units.services import import_covariates, import_units

    system = command_line_actor()
    source = resources.files("pingan.schemes.builtin").joinpath("binzhou.toml").read_text("utf-8")
    if small:
        # Fewer rank draws: the crash checks do not depend on them, and each kill is cheaper.
        source = source.replace("rank_draws = 1000", "rank_draws = 100")
    version = load_scheme(actor=system, source=source).version
    units, covariates = generate.units_csv(), generate.covariates_csv([2024, 2025, 2026])
    if small:
        units, covariates = small_city(units, covariates)
    import_units(actor=system, data=units)
    import_covariates(actor=system, data=covariates)
    classes = {
        c.code: [r.indicator.code for r in c.rules.order_by("position")]
        for c in version.classes.all()
    }
    from pingan.units.models import OrgUnit

    codes = set(OrgUnit.objects.values_list("code", flat=True))
    rows = [r for r in generate.monthly_counts(MONTHS, classes) if r[0] in codes]
    history = [r for r in rows if r[2] in HISTORY]
    import_figures(actor=system, data=csv_bytes(history), approve=True, reason="history")
    run_owed_jobs()
    cells: dict[str, list[tuple[str, str]]] = {m: [] for m in MONTHS}
    for unit, indicator, month, _value in rows:
        cells[month].append((unit, indicator))
    return cells


def csv_bytes(rows: list[tuple[str, str, str, int]]) -> bytes:
    return (
        "unit_code,indicator_code,period,value\n" + "".join("%s,%s,%s,%d\n" % r for r in rows)
    ).encode()


def run_killed(command: list[str], delay: float) -> bool:
    """Run a command and kill it with SIGKILL after `delay` seconds; True if it was killed."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        process.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True


def timed(command: list[str]) -> float:
    started = time.monotonic()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


class Checks:
    """The checks after a kill; problems are collected, not raised, so every iteration runs."""

    def __init__(self) -> None:
        self.failures: list[str] = []

    def fail(self, where: str, what: str) -> None:
        self.failures.append("%s: %s" % (where, what))

    def integrity(self, where: str) -> None:
        from django.db import connection

        if connection.vendor != "sqlite":
            return
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            result = [row[0] for row in cursor.fetchall()]
        if result != ["ok"]:
            self.fail(where, "integrity_check %s" % result[:3])

    def audit(self, where: str) -> None:
        import contextlib
        import io

        from pingan.cli import main

        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            status = main(["audit", "verify"])
        if status != 0:
            self.fail(where, "audit verify exit %d" % status)

    def all_or_nothing(self, where: str, tag: str, month: str, values: dict[Any, int]) -> str:
        from pingan.reporting.models import Figure, Submission

        versions = Submission.objects.filter(reason=tag).count()
        bodies = Submission.objects.filter(month=month, is_current=True).count()
        if versions == 0:
            return "none"
        current = {
            (unit, indicator): value
            for unit, indicator, value in Figure.objects.filter(
                submission__month=month, submission__is_current=True
            ).values_list("unit__code", "indicator_code", "value")
        }
        if versions != Submission.objects.filter(reason=tag, is_current=True).count():
            self.fail(where, "%s: %d versions, not all current" % (tag, versions))
        if current != values:
            self.fail(
                where, "%s: %d versions for %d bodies; values differ" % (tag, versions, bodies)
            )
        return "all"

    def nothing_lost(self, where: str) -> None:
        from pingan.scores.tasks import unowed_stale_quarters

        lost = unowed_stale_quarters()
        if lost:
            self.fail(where, "stale quarters with no job owed: %s" % lost)

    def all_done(self, where: str, restarted: Any) -> None:
        """Nothing due before the restart is still owed, and stored results equal a fresh computation.

        A periodic slot that falls due after the restart is not owed yet.
        """
        import datetime as dt

        from pingan.core.jobs import owed_jobs
        from pingan.scores.services import stale_quarters

        stale = stale_quarters()
        if stale:
            self.fail(where, "stored results differ from a fresh computation: %s" % stale)
        owed = owed_jobs(older_than=dt.timedelta(0), now=restarted)
        if owed:
            self.fail(
                where, "owed after the worker ran: %s" % [(j.task_path, j.status) for j in owed]
            )


def random_scenario(
    home: Path, iterations: int, seed: int, progress: Path | None = None, worker_every: int = 1
) -> dict[str, Any]:
    from django.utils import timezone

    from pingan.core.jobs import run_owed_jobs

    cells = setup_city(home, small=True)
    rng = random.Random(seed)
    checks = Checks()
    stats = {
        "iterations": iterations,
        "import_kills": 0,
        "imports_finished_before_kill": 0,
        "imports_committed": 0,
        "imports_rolled_back": 0,
        "worker_kills": 0,
        "jobs_run_after_restart": 0,
    }
    calibration = home / "calibrate.csv"
    calibration.write_bytes(csv_bytes([(u, i, MONTHS[3], 1) for u, i in cells[MONTHS[3]]]))
    import_seconds = timed(
        pingan("figures", "import", str(calibration), "--approve", "--reason", "calibrate")
    )
    worker_seconds = timed(pingan("worker", "--once"))
    stats["import_seconds"] = round(import_seconds, 2)
    stats["worker_seconds"] = round(worker_seconds, 2)
    for i in range(iterations):
        month = rng.choice(MONTHS)
        values = {cell: rng.randint(0, 6) for cell in cells[month]}
        path = home / "import.csv"
        path.write_bytes(csv_bytes([(u, ind, month, v) for (u, ind), v in values.items()]))
        tag = "crash %d" % i
        where = "iteration %d (%s)" % (i, month)
        killed = run_killed(
            pingan("figures", "import", str(path), "--approve", "--reason", tag),
            rng.uniform(0.2 * import_seconds, 1.0 * import_seconds),
        )
        stats["import_kills" if killed else "imports_finished_before_kill"] += 1
        checks.integrity(where)
        checks.audit(where)
        outcome = checks.all_or_nothing(where, tag, month, values)
        stats["imports_committed" if outcome == "all" else "imports_rolled_back"] += 1
        checks.nothing_lost(where)
        if i % worker_every == 0:
            delay = rng.uniform(0.3 * worker_seconds, 1.2 * worker_seconds)
            if run_killed(pingan("worker"), delay):
                stats["worker_kills"] += 1
            checks.integrity(where + " after worker kill")
            checks.audit(where + " after worker kill")
            checks.nothing_lost(where + " after worker kill")
        restarted = timezone.now()
        stats["jobs_run_after_restart"] += run_owed_jobs(raise_failures=False)
        checks.all_done(where, restarted)
        stats["done"] = i + 1
        if progress is not None:
            progress.write_text(json.dumps({**stats, "failure_messages": checks.failures[:10]}))
    stats["failures"] = len(checks.failures)
    stats["failure_messages"] = checks.failures[:10]
    return stats


def kill_after_correction(home: Path) -> dict[str, Any]:
    """A correction committed, its command killed at once; the recompute is owed and done on the next start."""
    from django_tasks_db.models import DBTaskResult

    from pingan.cli import main
    from pingan.core.jobs import pending
    from pingan.reporting.models import Submission
    from pingan.scores.models import QuarterResult
    from pingan.scores.services import stale_quarters
    from pingan.scores.tasks import recompute, unowed_stale_quarters

    setup_city(home, small=False)
    result: dict[str, Any] = {}

    def score() -> float:
        return QuarterResult.objects.get(
            run__period="2026Q1", run__is_current=True, unit__code="BZ01"
        ).absolute_score

    def correction(tag: str, value: int) -> Path:
        path = home / ("%s.csv" % tag)
        path.write_bytes(csv_bytes([("BZ01", "mass_incident", "2026-02", value)]))
        return path

    from pingan.demo_data import generate
    from pingan.schemes.selectors import current_version

    version = current_version(None)
    classes = {
        c.code: [r.indicator.code for r in c.rules.order_by("position")]
        for c in version.classes.all()
    }
    counts = {
        r[2]: r[3]
        for r in generate.monthly_counts(HISTORY, classes)
        if r[:2] == ("BZ01", "mass_incident")
    }
    rule = version.classes.get(code="A").rules.get(indicator__code="mass_incident")
    total, corrected = sum(counts.values()), sum(counts.values()) - counts["2026-02"] + 9
    cap = float("inf") if rule.cap is None else rule.cap
    result["before"] = score()
    result["expected_after"] = round(
        max(
            0.0,
            result["before"]
            - (min(cap, rule.deduction * corrected) - min(cap, rule.deduction * total)),
        ),
        6,
    )
    command = pingan("figures", "import", str(correction("fix", 9)), "--approve", "--reason", "fix")
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while process.poll() is None:
        if Submission.objects.filter(reason="fix", is_current=True).exists():
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.002)
    process.wait()
    result["import_exit"] = process.returncode
    result["committed"] = Submission.objects.filter(reason="fix", is_current=True).count()
    result["owed"] = pending(recompute)
    result["stale"] = stale_quarters()
    result["lost"] = unowed_stale_quarters()
    result["score_while_owed"] = score()
    os.environ["PINGAN_LANGUAGE"] = "en"
    result["check_while_owed"] = main(["check", "--older-than", "0"])
    restart = subprocess.run(pingan("worker", "--once"), capture_output=True, text=True)
    result["restart"] = [restart.returncode, restart.stdout.strip()]
    result["stale_after"] = stale_quarters()
    result["after"] = score()
    result["check_after"] = main(["check", "--older-than", "0"])

    # The worker itself killed while it recomputes: the claimed job is run again on the next start.
    result["worker_killed_mid_job"] = False
    for attempt in range(8):
        tag = "fix again %d" % attempt
        subprocess.run(
            pingan(
                "figures",
                "import",
                str(correction(tag.replace(" ", "-"), 10 + attempt)),
                "--approve",
                "--reason",
                tag,
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        owed = DBTaskResult.objects.get(task_path=recompute.module_path, status="READY")
        worker = subprocess.Popen(
            pingan("worker"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        job = None
        while worker.poll() is None:
            job = DBTaskResult.objects.get(pk=owed.pk)
            if job.status != "READY":
                worker.send_signal(signal.SIGKILL)
                break
            time.sleep(0.002)
        worker.wait()
        if job is None:
            continue
        job.refresh_from_db()
        if job.status != "RUNNING":
            subprocess.run(pingan("worker", "--once"), check=True, stdout=subprocess.DEVNULL)
            continue
        result["worker_killed_mid_job"] = True
        result["lost_after_worker_kill"] = unowed_stale_quarters()
        again = subprocess.run(pingan("worker", "--once"), capture_output=True, text=True)
        job.refresh_from_db()
        result["job_after_restart"] = [job.status, len(job.worker_ids)]
        result["restart_after_worker_kill"] = [again.returncode, again.stdout.strip()]
        result["stale_after_worker_restart"] = stale_quarters()
        break
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", required=True)
    parser.add_argument("--scenario", choices=["random", "kill-after-correction"], default="random")
    parser.add_argument("--iterations", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--progress", help="write the figures so far to this file after each iteration"
    )
    parser.add_argument(
        "--worker-every", type=int, default=1, help="kill the worker every N iterations"
    )
    args = parser.parse_args()
    home = Path(args.home)
    home.mkdir(parents=True, exist_ok=True)
    os.environ["PINGAN_HOME"] = str(home)
    os.environ["PINGAN_LANGUAGE"] = "en"
    os.environ["DJANGO_SETTINGS_MODULE"] = "pingan.settings.production"
    prepare_database()
    subprocess.run(pingan("migrate"), check=True, stdout=subprocess.DEVNULL)
    import django

    django.setup()
    from django.db import connection

    if args.scenario == "random":
        result = random_scenario(
            home,
            args.iterations,
            args.seed,
            Path(args.progress) if args.progress else None,
            args.worker_every,
        )
    else:
        result = kill_after_correction(home)
    result["database"] = connection.vendor
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
