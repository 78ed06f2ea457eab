"""Benchmark: import 1,000,000 figure rows with full validation, as `pingan figures import --approve` does.

Run: `uv run python bench/bench_import.py [--units 1400 --indicators 60 --months 12] [--no-postgres] [--no-sqlite]
[--partition-ahead]`

Builds a synthetic scheme (one class, 60 indicators owned by 12 bodies) and 1,400 units in a temporary
PINGAN_HOME, writes the figures CSV in export form, then times, in one run:
  1. the sqlite3 shell's own `.import` of the same file into a bare table (the yardstick);
  2. the import through `pingan.reporting.bulk_load.import_figures(approve=True)` into file-backed SQLite;
  3. the same import into a scratch PostgreSQL database (created, migrated, dropped), and there a
     plain `COPY` of the same CSV into two tables of the same four columns (the PostgreSQL yardsticks):
     a bare one without any key, and a keyed one with the figure's natural key (unit, indicator,
     month) as its primary key — the equivalent table, guaranteeing each cell once as figures do.
Each database import runs in a fresh Python process so that Django settings are not shared.
With `--partition-ahead` the year's partition of figures exists (empty) before the PostgreSQL import,
as when it is made ahead of the year; without it the import makes the partition itself.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
BODIES = 12


def scheme_toml(indicators: int) -> str:
    """A synthetic scheme: one class A holding every indicator, indicators spread over 12 bodies."""
    lines = [
        "[scheme]",
        'code = "bench"',
        'name_zh = "基准测试方案"',
        'name_en = "Benchmark scheme"',
        'period = "quarter"',
        "base_score = 100",
        "deadline_day = 5",
        'headline = "absolute"',
        "illustrative = true",
        "[tiers]",
        "yellow = 90",
        "orange = 80",
        "red = 70",
        "[stars]",
        "bands = [0, 70, 80, 90, 95]",
        "[relative]",
        "window = 8",
        "smoothing = true",
        "rank_draws = 100",
        "seed = 1",
    ]
    for b in range(BODIES):
        lines += [
            "[[bodies]]",
            'code = "body%02d"' % b,
            'name_zh = "部门%02d"' % b,
            'name_en = "Body %02d"' % b,
        ]
    for i in range(indicators):
        lines += [
            "[[indicators]]",
            'code = "ind%02d"' % i,
            'name_zh = "指标%02d"' % i,
            'name_en = "Indicator %02d"' % i,
            'domain = "other"',
            'body = "body%02d"' % (i % BODIES),
        ]
    rules = ", ".join('{ code = "ind%02d", deduction = 0.1 }' % i for i in range(indicators))
    lines += [
        "[[classes]]",
        'code = "A"',
        'name_zh = "甲类"',
        'name_en = "Class A"',
        'exposure = "population"',
        "covariates = []",
        "indicators = [%s]" % rules,
    ]
    return "\n".join(lines) + "\n"


def units_csv(units: int) -> bytes:
    """A root and `units` evaluated units of class A."""
    rows = ["code,name,class,parent_code", "R,根,,"] + [
        "U%05d,单位%05d,A,R" % (u, u) for u in range(units)
    ]
    return ("\n".join(rows) + "\n").encode("utf-8")


def figures_csv(path: Path, units: int, indicators: int, months: list[str]) -> int:
    """Write the figures file in export form (sorted by period, unit, indicator order); return its row count."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("unit_code,indicator_code,period,value\n")
        for month in months:
            chunk = []
            for u in range(units):
                for i in range(indicators):
                    chunk.append(
                        "U%05d,ind%02d,%s,%d\n" % (u, i, month, (u * 7 + i * 3 + len(chunk)) % 5)
                    )
            out.writelines(chunk)
            count += len(chunk)
    return count


def sqlite_shell_import(csv_path: Path, workdir: Path) -> float:
    """Seconds the sqlite3 shell takes to `.import` the file into a bare table."""
    db = workdir / "bare.sqlite3"
    script = (
        "CREATE TABLE figures(unit_code TEXT, indicator_code TEXT, period TEXT, value INTEGER);\n.mode csv\n.import --skip 1 %s figures\n"
        % csv_path
    )
    started = time.perf_counter()
    subprocess.run(["/usr/bin/sqlite3", str(db)], input=script.encode(), check=True)
    return time.perf_counter() - started


def backend_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) a PostgreSQL server process on this machine has used; 0 when unreadable."""
    if pid is None:
        return 0.0
    try:
        fields = Path("/proc/%d/stat" % pid).read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


YARDSTICKS = {
    # The bare yardstick: the four columns and nothing else (no key, no check).
    "bare": "unit_code text, indicator_code text, period text, value integer",
    # The keyed yardstick: what the figures table guarantees of a file's lines, each cell once,
    # with the figure's natural key (unit, indicator, month) as the primary key.
    "keyed": "unit_code text, indicator_code text, period text, value integer,"
    " PRIMARY KEY (unit_code, indicator_code, period)",
}


def postgres_copy(csv_path: Path, url: str, columns: str) -> dict[str, float]:
    """Wall and CPU seconds (client, server process) of a plain `COPY … FROM STDIN (FORMAT csv, HEADER)`
    of the file into a table of `columns` (one of `YARDSTICKS`)."""
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE yardstick_figures (%s)" % columns)
        conn.commit()
        pid = conn.info.backend_pid
        server = backend_cpu(pid)
        cpu = time.process_time()
        started = time.perf_counter()
        with (
            conn.cursor() as cursor,
            cursor.copy("COPY yardstick_figures FROM STDIN (FORMAT csv, HEADER)") as copy,
            csv_path.open("rb") as source,
        ):
            while block := source.read(1 << 20):
                copy.write(block)
        conn.commit()
        result = {
            "seconds": time.perf_counter() - started,
            "cpu": time.process_time() - cpu,
            "server_cpu": backend_cpu(pid) - server,
        }
        conn.execute("DROP TABLE yardstick_figures")
        conn.commit()
    return result


def run_worker(args: argparse.Namespace) -> None:
    """In a fresh process: migrate, load the scheme and units, then time the import."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "pingan.settings.production"
    import django

    django.setup()
    from django.core.management import call_command

    from pingan.core.access.actor import command_line_actor
    from pingan.core.tabular import read_path
    from pingan.reporting.bulk_load import import_figures
    from pingan.reporting.models import Figure
    from pingan.schemes.services import load_scheme
    from pingan.units.services import import_units

    call_command("migrate", interactive=False, verbosity=0)
    # Recomputing scores after the load is scoring's cost, benchmarked on its own: the load only
    # enqueues that job (one row, in its transaction), so the time below is the import alone.
    actor = command_line_actor()
    load_scheme(actor=actor, source=Path(args.scheme).read_text(encoding="utf-8"))
    import_units(actor=actor, data=units_csv(args.units))
    from django.db import connection

    if args.partition_ahead:
        from pingan.reporting import partitions

        partitions.ensure_years([2025])

    pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
    ahead = partition_oid(connection)
    server = backend_cpu(pid)
    cpu = time.process_time()
    started = time.perf_counter()
    summary = import_figures(
        actor=actor, data=read_path(args.worker), approve=True, reason="benchmark historical load"
    )
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    server = backend_cpu(pid) - server
    assert Figure.objects.count() == summary.rows
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu,
                "server_cpu": server,
                "rows": summary.rows,
                "submissions": summary.approved,
                # Whether the partition made ahead was replaced (ADR 0026) or written into.
                "replaced": ahead is not None and partition_oid(connection) != ahead,
            }
        )
    )


def partition_oid(connection: Any) -> int | None:
    """The table id of the 2025 partition of figures, None when there is none (or on SQLite)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('reporting_figure_y2025')::oid")
        oid = cursor.fetchone()[0]
    return None if oid is None else int(oid)


def timed_import(
    url: str, home: Path, csv_path: Path, scheme: Path, units: int, ahead: bool = False
) -> dict[str, Any]:
    """Run the worker for one database and return its JSON result."""
    env = {**os.environ, "PINGAN_HOME": str(home), "PINGAN_DATABASE_URL": url}
    # The file is larger than the default upload limits (20 MB, 500,000 rows): raise them.
    env.update(PINGAN_MAX_UPLOAD_MB="1000", PINGAN_MAX_ROWS="100000000")
    command = [
        sys.executable,
        __file__,
        "--worker",
        str(csv_path),
        "--scheme",
        str(scheme),
        "--units",
        str(units),
        *(["--partition-ahead"] if ahead else []),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit("import failed:\n" + done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def postgres_import(
    workdir: Path, csv_path: Path, scheme: Path, units: int, ahead: bool
) -> dict[str, Any] | None:
    """Create a scratch PostgreSQL database, import into it, drop it."""
    import psycopg

    name = "pingan_bench_%d" % os.getpid()
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute("CREATE DATABASE %s" % name)
    except psycopg.OperationalError as exc:
        print("PostgreSQL not reachable, skipped: %s" % exc)
        return None
    try:
        home = workdir / "pg-home"
        home.mkdir()
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
        result = timed_import(url, home, csv_path, scheme, units, ahead)
        result["copy"] = {
            name: postgres_copy(csv_path, url, ddl) for name, ddl in YARDSTICKS.items()
        }
        return result
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS %s" % name)


def main() -> None:
    """Run the benchmark and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1400)
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument(
        "--partition-ahead",
        action="store_true",
        help="make the year's partition of figures before the PostgreSQL import",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--scheme", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(args)
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    workdir = Path(tempfile.mkdtemp(prefix="pingan-bench-"))
    try:
        months = ["2025-%02d" % m for m in range(1, args.months + 1)]
        scheme = workdir / "bench.toml"
        scheme.write_text(scheme_toml(args.indicators), encoding="utf-8")
        csv_path = workdir / "figures.csv"
        rows = figures_csv(csv_path, args.units, args.indicators, months)
        print("load average at the start: %.2f %.2f %.2f" % os.getloadavg())
        print(
            "rows: %d (%d units × %d indicators × %d months), file %.1f MB"
            % (rows, args.units, args.indicators, args.months, csv_path.stat().st_size / 1e6)
        )
        shell = sqlite_shell_import(csv_path, workdir)
        print("sqlite3 shell .import into a bare table: %.2f s" % shell)
        if not args.no_sqlite:
            home = workdir / "sqlite-home"
            home.mkdir()
            sqlite = timed_import(
                "sqlite:///" + str(home / "pingan.sqlite3"), home, csv_path, scheme, args.units
            )
            print(
                "pingan import, SQLite (file, WAL, synchronous=FULL): %.2f s (CPU %.2f s)  ratio %.2f"
                "  (%d approved versions)"
                % (
                    sqlite["seconds"],
                    sqlite["cpu"],
                    sqlite["seconds"] / shell,
                    sqlite["submissions"],
                )
            )
        if not args.no_postgres:
            pg = postgres_import(workdir, csv_path, scheme, args.units, args.partition_ahead)
            if pg is not None:
                print(
                    "pingan import, PostgreSQL%s: %.2f s wall, CPU %.2f s client + %.2f s server"
                    % (
                        (
                            " (partition made ahead, %s)"
                            % ("replaced" if pg["replaced"] else "written into")
                        )
                        if args.partition_ahead
                        else "",
                        pg["seconds"],
                        pg["cpu"],
                        pg["server_cpu"],
                    )
                )
                for name, label in (
                    ("bare", "a bare table (no key)"),
                    ("keyed", "a table keyed by (unit, indicator, month)"),
                ):
                    copy = pg["copy"][name]
                    print(
                        "plain COPY into %s: %.2f s wall, CPU %.2f s client + %.2f s server;"
                        " ratio of the import: wall %.2f, CPU (client + server) %.2f"
                        % (
                            label,
                            copy["seconds"],
                            copy["cpu"],
                            copy["server_cpu"],
                            pg["seconds"] / copy["seconds"],
                            (pg["cpu"] + pg["server_cpu"]) / (copy["cpu"] + copy["server_cpu"]),
                        )
                    )
                print(
                    "pingan import, PostgreSQL, wall to the sqlite3 shell: %.2f"
                    % (pg["seconds"] / shell)
                )
        print("load average at the end: %.2f %.2f %.2f" % os.getloadavg())
        print(
            "machine: %s, %s, %d cores, Python %s"
            % (
                platform.node(),
                platform.processor() or platform.machine(),
                os.cpu_count() or 0,
                platform.python_version(),
            )
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
