"""Commands: `pingan compute`, `pingan scores export`, `pingan scores explain`, `pingan scheme compare`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from django.utils.translation import gettext as _

from pingan.core.cli import add_format
from pingan.core.exports import write_output
from pingan.core.periods import parse_quarter
from pingan.core.problems import InputRefused, Problem


def register(sub: Any) -> None:
    """Add the scoring commands to the `pingan` command."""

    compute = sub.add_parser(
        "compute", help="compute quarterly results (all quarters with figures by default)"
    )
    compute.add_argument("--period", help="one quarter, YYYYQn")
    compute.set_defaults(func=cmd_compute)

    scores = sub.add_parser("scores", help="quarterly results").add_subparsers(
        dest="action", required=True
    )
    export = scores.add_parser("export", help="export a quarter's results")
    export.add_argument("--period", required=True, help="YYYYQn")
    add_format(export)
    export.set_defaults(func=cmd_export)
    explain = scores.add_parser("explain", help="explain one unit's score, deduction by deduction")
    explain.add_argument("--period", required=True, help="YYYYQn")
    explain.add_argument("--unit", required=True, help="unit code")
    explain.add_argument("--format", choices=["text", "json"], default="text")
    explain.set_defaults(func=cmd_explain)
    _register_compare(_scheme_commands(sub))


def _scheme_commands(sub: Any) -> Any:
    """The sub-commands of `pingan scheme` (added by the schemes app, earlier in INSTALLED_APPS)."""
    parser = sub.choices["scheme"]
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def _register_compare(scheme: Any) -> None:
    compare = scheme.add_parser(
        "compare", help="what-if: a draft scheme file against the version in force (nothing stored)"
    )
    compare.add_argument("file", help="the draft scheme TOML file")
    compare.add_argument(
        "--period", action="append", required=True, help="a final quarter YYYYQn (repeatable)"
    )
    compare.add_argument("--format", choices=["text", "json"], default="text")
    compare.add_argument(
        "--vary", type=float, default=0.0, metavar="PERCENT",
        help="Monte-Carlo: vary every deduction by up to ±PERCENT%% (0 = no sensitivity)",
    )  # fmt: skip
    compare.add_argument("--draws", type=int, default=200, help="Monte-Carlo draws (default 200)")
    compare.add_argument("--seed", type=int, default=0, help="Monte-Carlo seed (default 0)")
    compare.set_defaults(func=cmd_compare)


def cmd_compare(args: argparse.Namespace) -> int:
    """Compare a draft scheme file with the version in force on final quarters."""
    # local import: the engine loads when the command runs, not for every `pingan` invocation
    from pingan.core.access.actor import command_line_actor
    from pingan.core.tabular import read_path, utf8_text
    from pingan.scores.whatif import as_json, as_text, check_sensitivity, compare_draft

    sensitivity = check_sensitivity(args.vary, args.draws, args.seed)
    data = compare_draft(
        actor=command_line_actor(),
        source=utf8_text(read_path(args.file)),
        periods=args.period,
        sensitivity=sensitivity,
    )
    print(as_json(data) if args.format == "json" else as_text(data))
    return 0


def _period(text: str) -> str:
    try:
        parse_quarter(text)
    except ValueError:
        raise InputRefused(
            [Problem(None, "--period", _("not a quarter of the form YYYYQn"))]
        ) from None
    return text


def cmd_compute(args: argparse.Namespace) -> int:
    """Compute one quarter or every quarter with approved figures."""
    # local import: the engine loads when the command runs, not for every `pingan` invocation
    from pingan.core.access.actor import command_line_actor
    from pingan.scores.services import compute_all, periods_with_figures

    periods = [_period(args.period)] if args.period else periods_with_figures()
    runs = compute_all(actor=command_line_actor(), periods=periods, reason="pingan compute")
    for run in runs:
        print(
            _("%(period)s: run %(run)s, %(n)d results")
            % {"period": run.period, "run": run.pk, "n": run.results.count()}
        )
    return 0


def _current_run(period: str) -> Any:
    from pingan.scores.selectors import current_run  # local import: loads when a command runs

    run = current_run(_period(period))
    if run is None:
        raise InputRefused(
            [
                Problem(
                    None,
                    "--period",
                    _("no results for %(period)s; run pingan compute") % {"period": period},
                )
            ]
        )
    return run


def cmd_export(args: argparse.Namespace) -> int:
    """Export a quarter's results in the scores format."""
    import os

    # local import: the export loads when the command runs, not for every `pingan` invocation
    from pingan.core.access.actor import command_line_actor
    from pingan.scores.export import export_file, export_rows

    rows = export_rows(
        actor=command_line_actor(),
        run=_current_run(args.period),
        language=os.environ.get("PINGAN_LANGUAGE", "zh-hans"),
    )
    write_output(export_file(rows, args.format, sheet=args.period), args.output)
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    """Print the decomposition of one unit's absolute score."""
    import os

    # local import: the selectors load when the command runs, not for every `pingan` invocation
    from pingan.scores.export import explanation_rows
    from pingan.scores.formats import score_text
    from pingan.scores.selectors import missing_cells, run_is_provisional

    language = os.environ.get("PINGAN_LANGUAGE", "zh-hans")
    run = _current_run(args.period)
    result = run.results.select_related("unit").filter(unit__code=args.unit).first()
    if result is None:
        raise InputRefused(
            [Problem(None, "--unit", _("no result for unit %(code)s") % {"code": args.unit})]
        )
    rows = explanation_rows(result)
    missing = missing_cells([result], run.version, language)[result.pk]
    provisional = run_is_provisional(run)
    if args.format == "json":
        print(
            json.dumps(
                {
                    "unit": args.unit,
                    "period": run.period,
                    "absolute_score": result.absolute_score,
                    "base": run.version.base_score,
                    "complete": result.complete,
                    "provisional": provisional,
                    "imputed_cells": result.imputed_cells,
                    "missing": missing,
                    "rows": rows,
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    score = score_text(result.absolute_score) or _("not fully reported (未完整上报): no score")
    flags = [_("provisional")] if provisional else []
    if result.imputed_cells:
        flags.append(_("%(n)d cells imputed") % {"n": result.imputed_cells})
    print(
        "%s %s  %s%s"
        % (
            result.unit.code,
            result.unit.name_zh,
            score,
            "  (%s)" % ", ".join(flags) if flags else "",
        )
    )
    for row in rows:
        count = "-" if row["count"] is None else row["count"]
        if row["status"] == "imputed":
            count = "%.2f*" % row["imputed"]
        elif row["status"] == "missing":
            count = _("missing")
        print(
            "  %-26s %-7s %6s  %8.2f"
            % (row["indicator_code"], row["month"], count, -row["deduction"])
        )
    if result.imputed_cells:
        print("  * " + _("imputed: the unit's own monthly mean over the relative window"))
    for cell in missing:
        print(
            "  "
            + _("missing: %(indicator)s %(month)s, to be reported by %(body)s")
            % {"indicator": cell["indicator"], "month": cell["month"], "body": cell["body"]}
        )
    sys.stdout.flush()
    return 0
