"""The `pingan` command. Exit status: 0 success; 1 the input was refused; 2 usage.

Each app adds its commands through its `cli.py` module with `register(subparsers)`, found by name
in the order of INSTALLED_APPS (ADR 0001); every command calls the apps' services and nothing else.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable

from pingan.core.discovery import app_modules
from pingan.core.problems import Conflict, InputRefused


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingan.settings.production")
    import django

    django.setup()


def cmd_migrate(args: argparse.Namespace) -> int:
    """Create or upgrade the database schema."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if args.verbose else 0)
    print("ok")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Build the demo city (idempotent) and serve it unless --no-serve."""
    from pingan.demo import build_demo  # local import: only after django.setup()

    try:
        build_demo(out=sys.stdout, scheme=args.scheme)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.no_serve:
        return 0
    return serve(args.port, worker=not args.no_worker)


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the configured database, with the job worker beside the web server unless --no-worker."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return serve(args.port, worker=not args.no_worker, workers=args.workers)


def serve(port: int, *, worker: bool = True, workers: int | None = None) -> int:
    """Serve the site until stopped (`pingan.web.serving`: gunicorn processes or waitress)."""
    from pingan.web.serving import serve as run_server  # local import: only after django.setup()

    return run_server(port, worker=worker, workers=workers)


def cmd_worker(args: argparse.Namespace) -> int:
    """Run the job worker alone; with --once, do the work owed now and exit."""
    from django.utils.translation import gettext as _

    from pingan.core.jobs import (  # local import: only after django.setup()
        Worker,
        retry_failed,
        run_owed_jobs,
    )

    if args.retry_failed:
        print(_("failed jobs put back in the queue: %(n)d") % {"n": retry_failed()})
    if args.once:
        runs = run_owed_jobs(raise_failures=False)
        print(_("jobs run: %(n)d") % {"n": runs})
        return 0
    worker = Worker(interval=args.interval)
    worker.configure_signals()
    print(_("pingan worker: running (Ctrl+C to stop)"), flush=True)
    worker.run()
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Report owed work older than the threshold and results that no owed job will repair; exit 1 if any."""
    import datetime as dt

    from django.conf import settings
    from django.utils.translation import gettext as _

    from pingan.core.jobs import owed_jobs  # local import: only after django.setup()
    from pingan.scores.tasks import unowed_stale_quarters  # local import: only after django.setup()

    minutes = settings.PINGAN_OWED_WORK_MINUTES if args.older_than is None else args.older_than
    owed = owed_jobs(older_than=dt.timedelta(minutes=minutes))
    for job in owed:
        print(
            _("owed: job %(id)s %(task)s %(status)s since %(since)s after %(n)d runs")
            % {
                "id": job.id,
                "task": job.task_path,
                "status": job.status,
                "since": job.since.isoformat(timespec="seconds"),
                "n": job.attempts,
            }
        )
    lost = unowed_stale_quarters()
    for period in lost:
        print(
            _("lost: the results of %(period)s differ from their inputs and no job is owed")
            % {"period": period}
        )
    if owed or lost:
        return 1
    print(_("check ok: no work owed for more than %(n)d minutes") % {"n": minutes})
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The full command tree."""
    parser = argparse.ArgumentParser(
        prog="pingan", description="平安 pingan — stability index, reporting and matters"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="build the demo city and serve it on 127.0.0.1")
    demo.add_argument("--no-serve", action="store_true", help="only build the demo data")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument(
        "--scheme",
        choices=("binzhou", "longyan", "hefei"),
        default="binzhou",
        help="the built-in scheme whose demo city to build (one per PINGAN_HOME)",
    )
    demo.add_argument("--no-worker", action="store_true", help="serve without the job worker")
    demo.set_defaults(func=cmd_demo, serves=True)

    serve_p = sub.add_parser("serve", help="serve the configured database and run the job worker")
    serve_p.add_argument("--port", type=int, default=8000)
    serve_p.add_argument(
        "--no-worker", action="store_true", help="do not run the job worker beside the web server"
    )
    serve_p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="web processes (default: the number of cores; 1 serves with waitress in one process)",
    )
    serve_p.set_defaults(func=cmd_serve, serves=True)

    worker = sub.add_parser("worker", help="run the job worker alone")
    worker.add_argument("--once", action="store_true", help="do the work owed now, then exit")
    worker.add_argument(
        "--interval", type=float, default=1.0, help="seconds between looks at an empty queue"
    )
    worker.add_argument(
        "--retry-failed", action="store_true", help="put failed jobs back in the queue first"
    )
    worker.set_defaults(func=cmd_worker, serves=True)

    check = sub.add_parser("check", help="report owed work older than a threshold (exit 1)")
    check.add_argument(
        "--older-than", type=int, metavar="MINUTES", help="threshold (default 15 minutes)"
    )
    check.set_defaults(func=cmd_check)

    migrate = sub.add_parser("migrate", help="create or upgrade the database")
    migrate.add_argument("-v", "--verbose", action="store_true")
    migrate.set_defaults(func=cmd_migrate)

    for _label, module in app_modules("cli"):
        if hasattr(module, "register"):  # core's cli module holds helpers, not commands
            module.register(sub)
    return parser


def run(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command, turning refusals into exit status 1 with every problem listed."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    try:
        return func(args)
    except InputRefused as refused:
        print("pingan: " + _("the input was refused; nothing was written:"), file=sys.stderr)
        for problem in refused.problems:
            print("  " + str(problem), file=sys.stderr)
        return 1
    except (PermissionDenied, Conflict) as exc:
        print("pingan: %s" % exc, file=sys.stderr)
        return 1


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `pingan` console script."""
    _setup_django()
    from django.utils import translation

    translation.activate(os.environ.get("PINGAN_LANGUAGE", "zh-hans"))
    args = build_parser().parse_args(argv)
    if hasattr(signal, "SIGPIPE") and not getattr(args, "serves", False):
        # A command that prints (`... | head`) ends quietly when its reader goes away; a
        # command that serves (demo, serve, worker) keeps Python's default of ignoring SIGPIPE.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    return run(args.func, args)


if __name__ == "__main__":
    sys.exit(main())
