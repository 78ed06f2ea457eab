"""`pingan assessments …`: the follow-up job once, and the statistics of a quarter."""

from __future__ import annotations

import argparse

from pingan.assessments.actions.exports import export_statistics
from pingan.assessments.actions.follow_up import tick
from pingan.core.access.actor import command_line_actor, job_actor
from pingan.core.exports import write_output


def cmd_tick(args: argparse.Namespace) -> int:
    """Run the follow-up job once: reminders before measures' deadlines, escalation of overdue ones."""
    result = tick(actor=job_actor("assessments-tick"))
    print("reminders: %d, escalations: %d" % (result.reminders, result.escalations))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write the statistics of a quarter as CSV or XLSX."""
    data = export_statistics(actor=command_line_actor(), quarter=args.quarter, fmt=args.format)
    write_output(data, args.output)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the assessments commands."""
    commands = subparsers.add_parser(
        "assessments", help="risk assessments of major decisions"
    ).add_subparsers(dest="action", required=True)
    commands.add_parser(
        "tick", help="follow-up job: measure reminders and escalation"
    ).set_defaults(func=cmd_tick)
    export = commands.add_parser("export", help="statistics of a quarter as CSV or XLSX")
    export.add_argument("--quarter", required=True, help="YYYYQn")
    export.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    export.add_argument("-o", "--output", help="file to write (default: standard output)")
    export.set_defaults(func=cmd_export)
