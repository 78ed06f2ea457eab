"""Build a generated province for the load benchmark (`bench/bench_load.py`) on PostgreSQL.

Run: `uv run python bench/build_province.py --database-url postgresql://postgres@127.0.0.1:5432/NAME
      [--units 2000 --indicators 60 --months 36 --matters 1000000]`

In that database (created when missing, built once; a database that already holds the figures is
only completed): the synthetic scheme of `bench/bench_import.py` (one class of `--units` townships,
`--indicators` indicators over 12 reporting bodies), every month's figures approved but the last
(drafts) through `import_figures` (as `bench/bench_recompute.py` builds them), every full quarter
computed, the default matter catalogue and `--matters` matters over the last 365 days (as
`bench/bench_matter_scan.py` writes them) given the lives of `LIFECYCLE` (mostly closed) and caught up by the matters job once, and the accounts the locust scenario signs in with
(analyst, clerk and reviewer of the first body, dispatcher), with the demo password; last, the
whole database is vacuumed and analysed (`VACUUM (ANALYZE)`), as a database loaded in bulk must be before it serves. Then:

    PINGAN_HOME=… PINGAN_DATABASE_URL=postgresql://…/NAME uv run python bench/bench_load.py \
        --users 1,10,50 --run-time 60s --workers 2
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_matter_scan
import bench_recompute

ACCOUNTS = (("analyst", "analyst", None), ("clerk", "clerk", "body00"),
            ("reviewer", "reviewer", "body00"), ("dispatcher", "dispatcher", None))  # fmt: skip


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` when it does not exist."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(bench_recompute.PG_ADMIN_URL, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            admin.execute('CREATE DATABASE "%s"' % name)


def figures_loaded() -> bool:
    """Whether the figures are already in the database (a rerun only completes the rest)."""
    from pingan.reporting.models import Figure

    return Figure.objects.exists()


def compute_quarters(months: list[str]) -> list[str]:
    """Compute every quarter whose three months are approved (the last month is a draft)."""
    from pingan.core.access.actor import command_line_actor
    from pingan.core.periods import quarter_of
    from pingan.scores.models import ScoreRun
    from pingan.scores.services import compute_all

    approved = set(months[:-1])
    quarters = sorted({quarter_of(m) for m in approved})
    full = [q for q in quarters if sum(quarter_of(m) == q for m in approved) == 3]
    todo = [q for q in full if not ScoreRun.objects.filter(period=q, is_current=True).exists()]
    if todo:
        compute_all(actor=command_line_actor(), periods=todo, reason="province load bench")
    return full


def ensure_matters(count: int) -> None:
    """The default catalogue and `count` matters over the last 365 days (once)."""
    from pingan.matters.actions import catalogue
    from pingan.matters.models import Matter

    catalogue.ensure_defaults()
    if not Matter.objects.exists():
        bench_matter_scan.write_matters(count, 365, dt.date.today())


# The matters' lives, by age on the day of the build (`--matters` are written as just received):
# older than 30 days closed (three in five also followed up; one in twenty closed late), 10–30
# days a third each fed back, closed and in progress, 2–10 days dispatched or signed for, the last
# two days received. A year of a province's matters is mostly closed, as a real one is.
LIFECYCLE = (
    """UPDATE matters_matter SET
        status = CASE WHEN id % 5 < 3 THEN 'visited' ELSE 'closed' END,
        responsible_unit_id = place_unit_id, dispatched_at = received_at + interval '3 hours',
        sign_due = (received_at + interval '2 days')::date,
        handle_due = (received_at + interval '21 days')::date,
        signed_at = received_at + interval '20 hours',
        feedback_at = received_at + interval '1 day' * CASE WHEN id % 20 = 0 THEN 24 ELSE 9 END,
        closed_at = received_at + interval '1 day' * CASE WHEN id % 20 = 0 THEN 25 ELSE 10 END,
        visited_at = CASE WHEN id % 5 < 3
            THEN received_at + interval '1 day' * CASE WHEN id % 20 = 0 THEN 27 ELSE 12 END END,
        outcome = CASE WHEN id % 10 = 0 THEN 'partly' ELSE 'resolved' END,
        feedback_text = 'bench',
        satisfaction = CASE WHEN id % 5 < 3 THEN 3 + id % 3 END,
        resolved = CASE WHEN id % 5 < 3 THEN id % 10 <> 0 END
    WHERE status = 'received' AND received_at < now() - interval '30 days'""",
    """UPDATE matters_matter SET
        status = CASE id % 3 WHEN 0 THEN 'feedback' WHEN 1 THEN 'closed' ELSE 'in_progress' END,
        responsible_unit_id = place_unit_id, dispatched_at = received_at + interval '3 hours',
        sign_due = (received_at + interval '2 days')::date,
        handle_due = (received_at + interval '21 days')::date,
        signed_at = received_at + interval '20 hours',
        feedback_at = CASE WHEN id % 3 < 2 THEN received_at + interval '9 days' END,
        closed_at = CASE WHEN id % 3 = 1 THEN received_at + interval '10 days' END,
        outcome = CASE WHEN id % 3 < 2 THEN 'resolved' ELSE '' END,
        feedback_text = CASE WHEN id % 3 < 2 THEN 'bench' ELSE '' END,
        overdue = id % 3 = 2 AND (received_at + interval '21 days')::date < current_date
    WHERE status = 'received' AND received_at < now() - interval '10 days'""",
    """UPDATE matters_matter SET
        status = CASE WHEN id % 2 = 0 THEN 'dispatched' ELSE 'signed' END,
        responsible_unit_id = place_unit_id, dispatched_at = received_at + interval '3 hours',
        sign_due = (received_at + interval '2 days')::date,
        handle_due = CASE WHEN id % 2 = 1 THEN (received_at + interval '21 days')::date END,
        signed_at = CASE WHEN id % 2 = 1 THEN received_at + interval '20 hours' END
    WHERE status = 'received' AND received_at < now() - interval '2 days'""",
)


def live_matters() -> str:
    """Give the generated matters the lives of `LIFECYCLE` (once: only while all are received)."""
    from django.db import connection, transaction
    from django.db.models import Count

    from pingan.matters.models import Matter, Status

    if Matter.objects.exclude(status=Status.RECEIVED).exists():
        return "already lived"
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in LIFECYCLE:
            cursor.execute(statement)
    counts = Matter.objects.values_list("status").annotate(n=Count("pk")).order_by("status")
    return ", ".join("%s %d" % row for row in counts)


def caught_up() -> str:
    """The matters job once, as the worker runs it every few minutes: the lived matters' overdue
    flags, reminders and escalations caught up (13,198 escalations, 147 s, on the first build), so
    that a load run does not find the job worker catching up beside it."""
    from pingan.core.access.actor import job_actor
    from pingan.matters.actions.deadlines import tick

    done = tick(actor=job_actor("province build"))
    return "overdue %d, reminders %d, escalations %d" % (
        done.overdue, done.reminders, done.escalations,
    )  # fmt: skip


def ensure_accounts(password: str) -> None:
    """The scenario's accounts with their roles, granted as the security administrator would."""
    from pingan.accounts.models import User
    from pingan.accounts.services import bootstrap_admin, create_user, grant_role
    from pingan.core.access.actor import Actor, Grant, command_line_actor
    from pingan.core.access.roles import Role
    from pingan.schemes.models import ReportingBody

    system = command_line_actor()
    admin = bootstrap_admin(
        actor=system, username="secadmin", password=password, role=Role.SECURITY_ADMIN,
        display_name="安全管理员",
    )  # fmt: skip
    security = Actor(user=admin, grants=(Grant(role=Role.SECURITY_ADMIN),), channel="cli",
                     source=system.source)  # fmt: skip
    for username, role, body in ACCOUNTS:
        user = User.objects.filter(username=username).first() or create_user(
            actor=security, username=username, password=password, display_name=username
        )
        body_id = ReportingBody.objects.get(code=body).pk if body else None
        if not user.assignments.filter(role=role, body_id=body_id).exists():  # type: ignore[attr-defined]
            grant_role(actor=security, user=user, role=role, body_id=body_id, unit_id=None)


def main() -> int:
    """Build (or complete) the province and print what it holds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--matters", type=int, default=1_000_000)
    parser.add_argument("--password", default="Demo-pingan-2026")
    parser.add_argument(
        "--steps",
        default="figures,quarters,matters,lifecycle,tick,accounts",
        help="which steps to run, in order",
    )
    args = parser.parse_args()
    ensure_database(args.database_url)
    bench_recompute.setup_django(args.database_url)
    months = bench_recompute.month_list(args.months)
    steps = [
        ("figures", lambda: None if figures_loaded() else bench_recompute.build(args, months)),
        ("quarters", lambda: compute_quarters(months)),
        ("matters", lambda: ensure_matters(args.matters)),
        ("lifecycle", live_matters),
        ("tick", caught_up),
        ("accounts", lambda: ensure_accounts(args.password)),
    ]
    chosen = args.steps.split(",")
    for name, step in [(n, s) for n, s in steps if n in chosen] + [("analyze", analyze)]:
        started = time.perf_counter()
        outcome = step()
        print("%-8s %7.1f s %s" % (name, time.perf_counter() - started, outcome or ""), flush=True)
    return 0


def analyze() -> None:
    """`VACUUM (ANALYZE)` the whole database: loaded by COPY, it has no statistics yet, and
    PostgreSQL plans a unit's figures as sequential scans of every partition until it has them;
    the matters' lives leave a dead row version behind each matter, which the status index
    would visit until a vacuum (counting the to-do list: 515 ms before, 27 ms after)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


if __name__ == "__main__":
    raise SystemExit(main())
