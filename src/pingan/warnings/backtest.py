"""`pingan warnings backtest`: read the approved figures, replay them month by month, score.

The pure work is `pingan.engine.backtest`; this module chooses the months, the scheme's
indicators and severe list, the cut-off of each month (its reporting deadline), and writes the
table as text, JSON or CSV. Bad input is refused with every problem listed.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from pingan.core import periods
from pingan.core.problems import InputRefused, Problem
from pingan.engine.backtest import BacktestInput, BacktestResult, Progress, run_backtest
from pingan.engine.backtest_events import EventRule, parse_event_rule
from pingan.engine.detection import DETECTORS
from pingan.reporting.deadlines import deadline
from pingan.schemes.selectors import current_version
from pingan.schemes.warning_rules import warning_rules
from pingan.warnings.series import read_series

HISTORY_MONTHS = 60
FORMATS = ("text", "json", "csv")


@dataclass(frozen=True)
class BacktestRequest:
    """What the command was asked for (already checked)."""

    first: str
    last: str
    detector: str | None
    event: EventRule
    target_false_alarms: float | None
    alpha: float
    worst_k: int


def check_request(
    *, first: str, last: str, detector: str | None, event: str | None,
    target: float | None, alpha: float | None, worst_k: int, scheme: str | None,
) -> tuple[BacktestRequest, Any]:  # fmt: skip
    """Check the options against the scheme in force; InputRefused listing every problem."""
    problems = []
    version = current_version(scheme)
    if version is None:
        raise InputRefused([Problem(None, "--scheme", _("no scheme is loaded"))])
    rules = warning_rules(version)
    for option, text in (("--from", first), ("--to", last)):
        if periods.parse_month(text) is None:
            problems.append(Problem(None, option, _("must be a month YYYY-MM")))
    if not problems and first > last:
        problems.append(Problem(None, "--to", _("the range ends before it starts")))
    if detector is not None and detector not in DETECTORS:
        problems.append(
            Problem(
                None, "--detector",
                _("unknown detector %(name)s (known: %(known)s)")
                % {"name": detector, "known": ", ".join(sorted(DETECTORS))},
            )
        )  # fmt: skip
    rule = None
    try:
        rule = parse_event_rule(event or rules.backtest_event)
    except ValueError:
        problems.append(
            Problem(None, "--event", _("unknown event rule %(rule)s: expected <severe|any>_p<percentile>[:<months>], e.g. severe_p95:3") % {"rule": event})
        )  # fmt: skip
    if rule is not None and rule.scope == "severe" and not rules.severe:
        problems.append(Problem(None, "--event", _("the scheme names no severe indicator")))
    if target is not None and not (math.isfinite(target) and target >= 0):
        problems.append(Problem(None, "--target-false-alarms", _("must be a number ≥ 0")))
    chosen_alpha = rules.figures.alpha if alpha is None else alpha
    if not 0 < chosen_alpha < 0.5:
        problems.append(Problem(None, "--alpha", _("alpha must be a number in (0, 0.5)")))
    if worst_k < 1:
        problems.append(Problem(None, "--worst-k", _("must be a whole number ≥ 1")))
    if problems or rule is None:
        raise InputRefused(problems)
    request = BacktestRequest(first, last, detector, rule, target, chosen_alpha, worst_k)
    return request, version


def run(request: BacktestRequest, version: Any, progress: Progress | None = None) -> dict[str, Any]:
    """Read the figures around the range, replay and score; the report as a plain dict."""
    codes = [item["code"] for item in version.content["indicators"]]
    severe = warning_rules(version).severe
    start = request.first
    for _step in range(HISTORY_MONTHS):
        start = periods.previous_month(start)
    end = request.last
    for _step in range(request.event.horizon):
        end = periods.next_month(end)
    block = read_series(first=start, last=end, indicators=codes)
    data_months = [
        m for i, m in enumerate(block.months) if np.isfinite(block.counts[:, :, i]).any()
    ]
    latest = max(data_months) if data_months else request.first
    origins = [
        i for i, m in enumerate(block.months)
        if request.first <= m <= request.last and i + request.event.horizon <= block.months.index(latest)
    ]  # fmt: skip
    if not origins:
        raise InputRefused([Problem(None, "--to", _("no month of the range has approved figures and the months after it"))])  # fmt: skip
    scope = np.array(  # along the block's indicator axis (codes sorted), not the scheme's order
        [code in severe if request.event.scope == "severe" else True for code in block.indicators]
    )
    cutoffs = np.array([deadline(m, version.deadline_day).timestamp() for m in block.months])
    data = BacktestInput(block.versions, block.versions_at, cutoffs, scope)
    result = run_backtest(
        data, rule=request.event, origins=origins,
        detectors=[request.detector] if request.detector else None, alpha=request.alpha,
        worst_k=request.worst_k, target_false_alarms=request.target_false_alarms, progress=progress,
    )  # fmt: skip
    return _report(request, block.months, len(block.units), result)


def _report(request: BacktestRequest, months: tuple[str, ...], units: int, result: BacktestResult) -> dict[str, Any]:  # fmt: skip
    return {
        "from": request.first,
        "to": request.last,
        "event": request.event.text,
        "units": units,
        "scored_months": [months[t] for t in result.origins],
        "calibration_months": [months[t] for t in result.calibration_origins],
        "target_false_alarms": request.target_false_alarms,
        "results": [asdict(r) for r in result.results],
    }


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else "%.*f" % (digits, value)


def _interval(item: dict[str, Any], digits: int = 2) -> str:
    return "%s [%s, %s]" % tuple(_fmt(item[k], digits) for k in ("value", "low", "high"))


def as_text(report: dict[str, Any]) -> str:
    """The report as an aligned table with a header naming the range and event."""
    lines = [
        _("Backtest %(first)s – %(last)s, event %(event)s, %(units)d units, %(months)d months scored")
        % {"first": report["from"], "last": report["to"], "event": report["event"],
           "units": report["units"], "months": len(report["scored_months"])},
    ]  # fmt: skip
    if report["calibration_months"]:
        lines.append(
            _("Thresholds calibrated on %(first)s – %(last)s to at most %(target)s false alarms per unit-year")
            % {"first": report["calibration_months"][0], "last": report["calibration_months"][-1],
               "target": report["target_false_alarms"]}
        )  # fmt: skip
    header = [_("method"), _("setting"), _("alarms"), _("true"), _("false"), _("events"),
              _("detected"), _("sensitivity"), _("PPV"), _("false alarms per unit-year"),
              _("median lead (months)")]  # fmt: skip
    rows = [header] + [
        [r["method"], r["setting"], str(r["alarms"]), str(r["true_alarms"]), str(r["false_alarms"]),
         str(r["events"]), str(r["detected"]), _interval(r["sensitivity"]), _interval(r["ppv"]),
         _interval(r["false_per_unit_year"]), _interval(r["median_lead"], 1)]
        for r in report["results"]
    ]  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines += [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.append(_("Intervals are 95%: Wilson for proportions, exact Poisson for the rate, order statistics for the median."))  # fmt: skip
    return "\n".join(lines) + "\n"


def as_csv(report: dict[str, Any]) -> str:
    """One row per method, intervals in value/low/high columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    measures = ("sensitivity", "ppv", "false_per_unit_year", "median_lead")
    writer.writerow(
        ["method", "setting", "alarms", "true_alarms", "false_alarms", "events", "detected"]
        + [m + suffix for m in measures for suffix in ("", "_low", "_high")]
    )
    for r in report["results"]:
        writer.writerow(
            [r["method"], r["setting"], r["alarms"], r["true_alarms"], r["false_alarms"],
             r["events"], r["detected"]]
            + [_fmt(r[m][k], 6) if r[m][k] is not None else "" for m in measures
               for k in ("value", "low", "high")]
        )  # fmt: skip
    return buffer.getvalue()


def as_json(report: dict[str, Any]) -> str:
    """The report as JSON."""
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
