"""`pingan figures import|export` and `pingan reporting remind`."""

from __future__ import annotations

import argparse
import os
import sys

from pingan.core.cli import add_format


def cmd_figures_import(args: argparse.Namespace) -> int:
    """Import figures as drafts, or (with --approve --reason) as approved historical figures."""
    # local import: models load only after django.setup()
    from pingan.core.access.actor import command_line_actor
    from pingan.core.tabular import read_path
    from pingan.reporting.bulk_load import import_figures

    if args.approve and not (args.reason or "").strip():
        print("pingan: --approve needs --reason TEXT", file=sys.stderr)
        return 2
    summary = import_figures(
        actor=command_line_actor(),
        data=read_path(args.file),
        dry_run=args.dry_run,
        approve=args.approve,
        reason=args.reason or "",
    )
    prefix = "dry run, nothing written: would have " if summary.dry_run else ""
    if args.approve:
        print(
            "%sfigures: %d rows; %d approved versions, %d corrections, %d unchanged"
            % (prefix, summary.rows, summary.approved, summary.corrections, summary.unchanged)
        )
    else:
        print(
            "%sfigures: %d rows into %d draft submissions" % (prefix, summary.rows, summary.drafts)
        )
    return 0


def cmd_figures_export(args: argparse.Namespace) -> int:
    """Export the current approved figures of a range of months."""
    # local import: models load only after django.setup()
    from pingan.core.access.actor import command_line_actor
    from pingan.core.exports import write_output
    from pingan.core.periods import parse_month
    from pingan.reporting.figures_file import export_figures

    for option, value in (("--from", args.first), ("--to", args.last)):
        if parse_month(value) is None:
            print("pingan: %s must be a month YYYY-MM" % option, file=sys.stderr)
            return 2
    data = export_figures(
        actor=command_line_actor(),
        first=args.first,
        last=args.last,
        fmt=args.format,
        language=os.environ.get("PINGAN_LANGUAGE", "zh-hans"),
    )
    write_output(data, args.output)
    return 0


def cmd_remind(args: argparse.Namespace) -> int:
    """Create due-soon and overdue reminders (and send email when SMTP is configured)."""
    # local import: models load only after django.setup()
    from pingan.core.access.actor import job_actor
    from pingan.reporting.reminders import send_reminders

    created = send_reminders(actor=job_actor("reporting.remind"))
    print("reminders: %d new" % created)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the figures and reporting commands."""

    figures = subparsers.add_parser("figures", help="monthly figures").add_subparsers(
        dest="action", required=True
    )
    fimport = figures.add_parser(
        "import", help="import figures from CSV or XLSX (unit_code,indicator_code,period,value)"
    )
    fimport.add_argument("file")
    fimport.add_argument(
        "--dry-run", action="store_true", help="check and report only; write nothing"
    )
    fimport.add_argument(
        "--approve", action="store_true", help="load as approved historical figures"
    )
    fimport.add_argument(
        "--reason", help="why the historical figures are loaded (required with --approve)"
    )
    fimport.set_defaults(func=cmd_figures_import)
    fexport = figures.add_parser("export", help="export current approved figures")
    fexport.add_argument("--from", dest="first", required=True, metavar="YYYY-MM")
    fexport.add_argument("--to", dest="last", required=True, metavar="YYYY-MM")
    add_format(fexport)
    fexport.set_defaults(func=cmd_figures_export)

    reporting = subparsers.add_parser("reporting", help="monthly reporting jobs").add_subparsers(
        dest="action", required=True
    )
    remind = reporting.add_parser("remind", help="create deadline reminders (run daily)")
    remind.set_defaults(func=cmd_remind)
