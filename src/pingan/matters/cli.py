"""`pingan matters …` and `pingan apikey …` commands."""

from __future__ import annotations

import argparse
import datetime as dt

from pingan.core.access.actor import command_line_actor, job_actor
from pingan.core.exports import write_output
from pingan.matters.actions.api_keys import create_api_key, revoke_api_key
from pingan.matters.actions.deadlines import tick
from pingan.matters.actions.summaries import generate_daily_summary
from pingan.matters.selectors import api_keys
from pingan.matters.summary import summary_docx


def cmd_tick(args: argparse.Namespace) -> int:
    """Run the periodic job once (overdue flags, reminders, escalation, daily summary, retention purge)."""
    result = tick(actor=job_actor("matters-tick"))
    print(
        "overdue flagged: %d, reminders: %d, escalations: %d, summary: %s, personal data erased: %d"
        % (
            result.overdue,
            result.reminders,
            result.escalations,
            result.summary or "-",
            result.erased,
        )
    )
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    """Generate the daily summary of a day and write it as .docx."""
    try:
        day = dt.date.fromisoformat(args.date)
    except ValueError:
        print("pingan: --date must be YYYY-MM-DD")
        return 2
    summary = generate_daily_summary(actor=command_line_actor(), day=day)
    write_output(summary_docx(summary.content), args.output)
    return 0


def cmd_apikey_create(args: argparse.Namespace) -> int:
    """Issue an Open311 API key and print it once."""
    key, raw = create_api_key(actor=command_line_actor(), name=args.name)
    print("API key %d (%s), shown only now:" % (key.pk, key.name))
    print(raw)
    return 0


def cmd_apikey_revoke(args: argparse.Namespace) -> int:
    """Revoke an Open311 API key by its id."""
    key = revoke_api_key(actor=command_line_actor(), key_id=args.id)
    print("API key %d (%s) revoked" % (key.pk, key.name))
    return 0


def cmd_apikey_list(args: argparse.Namespace) -> int:
    """List the Open311 API keys (never the keys themselves)."""
    for key in api_keys():
        state = "revoked %s" % key.revoked_at.date() if key.revoked_at else "active"
        print("%d\t%s…\t%s\t%s" % (key.pk, key.prefix, key.name, state))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the matters and API-key commands."""
    matters = subparsers.add_parser("matters", help="disputes and matters").add_subparsers(
        dest="action", required=True
    )
    tick = matters.add_parser(
        "tick", help="periodic job: overdue, reminders, escalation, summary, retention"
    )
    tick.set_defaults(func=cmd_tick)
    summary = matters.add_parser("summary", help="write the daily work summary of a day as .docx")
    summary.add_argument("--date", required=True, help="YYYY-MM-DD")
    summary.add_argument("-o", "--output", required=True, help="the .docx file to write")
    summary.set_defaults(func=cmd_summary)

    keys = subparsers.add_parser("apikey", help="Open311 API keys").add_subparsers(
        dest="action", required=True
    )
    create = keys.add_parser("create", help="issue a key (printed once)")
    create.add_argument("name")
    create.set_defaults(func=cmd_apikey_create)
    revoke = keys.add_parser("revoke", help="revoke a key")
    revoke.add_argument("id", type=int)
    revoke.set_defaults(func=cmd_apikey_revoke)
    listing = keys.add_parser("list", help="list the keys")
    listing.set_defaults(func=cmd_apikey_list)
