"""`pingan warnings …` commands."""

from __future__ import annotations

import argparse
import sys

from pingan.warnings import backtest


def _progress_bar(done: int, total: int) -> None:
    width = 30
    filled = width * done // total
    sys.stderr.write("\r[%s%s] %d/%d" % ("#" * filled, "." * (width - filled), done, total))
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def cmd_backtest(args: argparse.Namespace) -> int:
    """Replay the approved figures month by month and score every detector and baseline."""
    request, version = backtest.check_request(
        first=args.first,
        last=args.last,
        detector=args.detector,
        event=args.event,
        target=args.target_false_alarms,
        alpha=args.alpha,
        worst_k=args.worst_k,
        scheme=args.scheme,
    )
    progress = _progress_bar if sys.stderr.isatty() else None
    report = backtest.run(request, version, progress)
    writer = {"text": backtest.as_text, "json": backtest.as_json, "csv": backtest.as_csv}
    sys.stdout.write(writer[args.format](report))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `warnings` commands."""
    warnings = subparsers.add_parser("warnings", help="early warnings (预警)").add_subparsers(
        dest="action", required=True
    )
    bt = warnings.add_parser(
        "backtest", help="score the detectors and two baselines on the approved history"
    )
    bt.add_argument("--from", dest="first", required=True, help="first month scored, YYYY-MM")
    bt.add_argument("--to", dest="last", required=True, help="last month scored, YYYY-MM")
    bt.add_argument("--detector", help="only this detector (default: all)")
    bt.add_argument("--event", help="event rule, e.g. severe_p95:3 (default: the scheme's)")
    bt.add_argument(
        "--target-false-alarms",
        type=float,
        help="calibrate thresholds on the first half to at most N false alarms per unit-year",
    )
    bt.add_argument("--alpha", type=float, help="detectors' alpha (default: the scheme's)")
    bt.add_argument("--worst-k", type=int, default=5, help="k of the worst-k baseline")
    bt.add_argument("--scheme", help="scheme code (default: the first loaded)")
    bt.add_argument("--format", choices=backtest.FORMATS, default="text")
    bt.set_defaults(func=cmd_backtest)
