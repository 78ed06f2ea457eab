"""Command: `pingan bulletin --period YYYYQn --format docx|pdf|html -o FILE`."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any


def register(sub: Any) -> None:
    """Add the bulletin command to the `pingan` command."""
    bulletin = sub.add_parser(
        "bulletin", help="render the quarterly bulletin of the current results"
    )
    bulletin.add_argument("--period", required=True, help="YYYYQn")
    bulletin.add_argument("--format", choices=["docx", "pdf", "html"], default="docx")
    bulletin.add_argument("-o", "--output", help="file to write (default: standard output)")
    bulletin.add_argument(
        "--language",
        choices=["zh-hans", "en"],
        default=os.environ.get("PINGAN_LANGUAGE", "zh-hans"),
    )
    bulletin.set_defaults(func=cmd_bulletin)


def cmd_bulletin(args: argparse.Namespace) -> int:
    """Render the bulletin of a quarter's current results; exit 1 when PDF is asked and LibreOffice is missing."""
    # local import: the renderer loads when the command runs, not for every `pingan` invocation
    from pingan.bulletins.pdf import ConversionFailed, ToolMissing
    from pingan.bulletins.services import render_current
    from pingan.core.access.actor import command_line_actor
    from pingan.core.exports import write_output

    try:
        rendered = render_current(
            actor=command_line_actor(), period=args.period, fmt=args.format, language=args.language
        )
    except (ToolMissing, ConversionFailed) as exc:
        print("pingan: %s" % exc, file=sys.stderr)
        return 1
    write_output(rendered.data, args.output)
    return 0
