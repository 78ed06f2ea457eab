"""Commands: `pingan scheme load FILE [--office CODE]` and `pingan scheme show CODE`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from pingan.core.access.actor import command_line_actor
from pingan.core.tabular import read_path, utf8_text
from pingan.schemes.selectors import get_version, office_code, office_unit_id, scheme_as_dict
from pingan.schemes.services import load_scheme


def register(sub: Any) -> None:
    """Add the scheme commands to the `pingan` command."""
    scheme = sub.add_parser("scheme", help="evaluation schemes").add_subparsers(
        dest="action", required=True
    )
    load = scheme.add_parser("load", help="load a scheme TOML file")
    load.add_argument("file")
    load.add_argument(
        "--office", metavar="CODE", help="bind the scheme to the office of this unit (its subtree)"
    )
    load.set_defaults(func=cmd_scheme_load)
    show = scheme.add_parser("show", help="show a scheme")
    show.add_argument("code")
    show.add_argument("--format", choices=["json", "text"], default="text")
    show.add_argument("--version", type=int, help="a given version (default: the latest)")
    show.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"])
    show.set_defaults(func=cmd_scheme_show)


def cmd_scheme_load(args: argparse.Namespace) -> int:
    """Load a scheme TOML file."""
    office = office_unit_id(args.office) if args.office else None
    source = utf8_text(read_path(args.file))
    result = load_scheme(actor=command_line_actor(), source=source, office_unit_id=office)
    state = "loaded as new version" if result.created else "unchanged, still version"
    print("%s: %s %d" % (result.version.scheme.code, state, result.version.number))
    return 0


def cmd_scheme_show(args: argparse.Namespace) -> int:
    """Show a scheme as JSON or text."""
    version = get_version(args.code, args.version)
    if version is None:
        print("pingan: no scheme %s" % args.code, file=sys.stderr)
        return 1
    data = scheme_as_dict(version, args.language)
    if args.format == "json":
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return 0
    print("%s v%d  %s" % (data["code"], data["version"], data["name"]))
    if version.office_unit_id is not None:
        print("office: %s" % office_code(version))
    print("tiers: %s   stars: %s   period: %s" % (data["tiers"], data["stars"], data["period"]))
    for domain in data["domains"]:
        print(
            "domain %s  %s: %d categories, %d indicators"
            % (domain["code"], domain["name"], len(domain["categories"]), len(domain["indicators"]))
        )
    for cls in data["classes"]:
        print(
            "\nclass %s  %s  (%d indicators; exposure %s)"
            % (cls["code"], cls["name"], len(cls["indicators"]), cls["exposure"])
        )
        for ind in cls["indicators"]:
            cap = "-" if ind["cap"] is None else "%g" % ind["cap"]
            print(
                "  %-26s %-30s deduction %-6g cap %-5s%s%s"
                % (
                    ind["code"],
                    ind["name"],
                    ind["deduction"],
                    cap,
                    "  VETO" if ind["veto"] else "",
                    "  " + ind["kind"] if "kind" in ind else "",
                )
            )
    return 0
