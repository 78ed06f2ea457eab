"""Commands: `pingan units import|export` and `pingan covariates import`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from pingan.core.access.actor import command_line_actor
from pingan.core.cli import add_format
from pingan.core.exports import rows_to_bytes, write_output
from pingan.core.tabular import read_path
from pingan.units.services import UNIT_COLUMNS, export_units, import_covariates, import_units


def register(sub: Any) -> None:
    """Add the units and covariates commands to the `pingan` command."""
    units = sub.add_parser("units", help="units of the jurisdiction").add_subparsers(
        dest="action", required=True
    )
    _add_import(units, "import units from CSV or XLSX", cmd_units_import)
    export = units.add_parser("export", help="export units")
    add_format(export)
    export.set_defaults(func=cmd_units_export)
    covariates = sub.add_parser("covariates", help="yearly covariates").add_subparsers(
        dest="action", required=True
    )
    _add_import(covariates, "import covariates from CSV or XLSX", cmd_covariates_import)


def _add_import(actions: Any, help_text: str, command: Callable[[argparse.Namespace], int]) -> None:
    """Add an `import FILE [--dry-run]` action."""
    parser = actions.add_parser("import", help=help_text)
    parser.add_argument("file")
    parser.add_argument("--dry-run", action="store_true")
    parser.set_defaults(func=command)


def cmd_units_import(args: argparse.Namespace) -> int:
    """Import units from CSV or XLSX."""
    data = read_path(args.file)
    summary = import_units(actor=command_line_actor(), data=data, dry_run=args.dry_run)
    _print_summary(_("units"), summary)
    return 0


def cmd_units_export(args: argparse.Namespace) -> int:
    """Export units."""
    rows = export_units(actor=command_line_actor())
    columns = [*UNIT_COLUMNS, "name_en"] if args.format == "json" else UNIT_COLUMNS
    write_output(rows_to_bytes(rows, columns, args.format), args.output)
    return 0


def cmd_covariates_import(args: argparse.Namespace) -> int:
    """Import yearly covariates."""
    data = read_path(args.file)
    summary = import_covariates(actor=command_line_actor(), data=data, dry_run=args.dry_run)
    _print_summary(_("covariate values"), summary)
    return 0


def _print_summary(what: str, summary: Any) -> None:
    """Print what an import created, updated and left unchanged (or would, on a dry run)."""
    counts = {
        "what": what,
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
    }
    if summary.dry_run:
        text = _(
            "dry run, nothing written: %(what)s would be %(created)d created, %(updated)d updated, %(unchanged)d unchanged"
        )
    else:
        text = _("%(what)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
    print(text % counts)
