"""What-if: a changed scheme file computed on past final quarters beside the version in force.

The draft is validated like `pingan scheme load` and computed with the approved figures by the
same code that computes stored results, inside a transaction that is always rolled back
(:mod:`pingan.schemes.drafts`): nothing is stored and no result in force changes. The version
in force is computed afresh from the same figures, so an unchanged file compares equal unit for
unit. `pingan scheme compare` and the what-if page both print :func:`compare_draft`'s answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.period_labels import period_problem
from pingan.core.problems import InputRefused, Problem
from pingan.engine.sensitivity import rank_ranges
from pingan.schemes.drafts import draft_version
from pingan.schemes.loader import content_hash, parse_scheme
from pingan.schemes.models import SchemeVersion
from pingan.schemes.selectors import current_version
from pingan.scores.inputs import class_inputs, compute
from pingan.scores.selectors import is_provisional

MAX_DRAWS = 2000
"""Most Monte-Carlo draws one comparison may ask for."""


@dataclass(frozen=True)
class Sensitivity:
    """The Monte-Carlo option: deductions vary by ±``spread`` (0.1 = ±10%) over ``draws`` draws."""

    spread: float
    draws: int
    seed: int = 0


def check_sensitivity(percent: float, draws: int, seed: int) -> Sensitivity | None:
    """The option from a percentage (0 = none), refused when out of range."""
    problems = []
    if not 0 <= percent < 100:
        problems.append(Problem(None, "vary", _("the variation must be from 0 to 99 percent")))
    if not 1 <= draws <= MAX_DRAWS:
        problems.append(
            Problem(None, "draws", _("draws must be from 1 to %(n)d") % {"n": MAX_DRAWS})
        )
    if seed < 0:
        problems.append(Problem(None, "seed", _("the seed must be 0 or more")))
    if problems:
        raise InputRefused(problems)
    return Sensitivity(percent / 100.0, draws, seed) if percent > 0 else None


def compare_draft(
    *, actor: Actor, source: str, periods: list[str], sensitivity: Sensitivity | None = None
) -> dict[str, Any]:
    """Compare a draft scheme file with the version in force on final quarters (nothing stored).

    Refused (every problem listed) when the file is not a valid scheme, no version of its scheme
    is in force, or a quarter is malformed or still provisional.
    """
    require(actor, "scores.whatif")
    content = parse_scheme(source)
    in_force = current_version(content["scheme"]["code"])
    _check_periods(periods, in_force)
    assert in_force is not None  # _check_periods refuses otherwise
    before = {p: _results(in_force, p, None) for p in periods}
    with draft_version(content, source) as draft:
        after = {p: _results(draft, p, sensitivity) for p in periods}
    compared = [_compare_period(p, before[p], after[p]) for p in periods]
    shifts = [u["rank_shift"] for p in compared for u in p["units"] if u["rank_shift"] is not None]
    return {
        "scheme": in_force.scheme.code,
        "in_force_version": in_force.number,
        "draft_hash": content_hash(content),
        "sensitivity": None
        if sensitivity is None
        else {"spread": sensitivity.spread, "draws": sensitivity.draws, "seed": sensitivity.seed},
        "mean_abs_rank_shift": _mean_abs(shifts),
        "periods": compared,
    }


def as_json(data: dict[str, Any]) -> str:
    """The comparison as `pingan scheme compare --format json` prints it (and the page serves it)."""
    return json.dumps(data, ensure_ascii=False, indent=1)


def as_text(data: dict[str, Any]) -> str:
    """The comparison as a plain table per quarter (`pingan scheme compare --format text`)."""
    lines = [
        _("%(scheme)s: draft against version %(n)d in force; mean absolute rank shift %(shift)s")
        % {
            "scheme": data["scheme"],
            "n": data["in_force_version"],
            "shift": _number(data["mean_abs_rank_shift"]),
        }
    ]
    for period in data["periods"]:
        lines.append("")
        lines.append(
            _("%(period)s: mean absolute rank shift %(shift)s; tier changes: %(units)s")
            % {
                "period": period["period"],
                "shift": _number(period["mean_abs_rank_shift"]),
                "units": ", ".join(period["tier_changes"]) or "-",
            }
        )
        for unit in period["units"]:
            lines.append(_text_row(unit))
    return "\n".join(lines)


def _text_row(unit: dict[str, Any]) -> str:
    was, now = unit["in_force"] or {}, unit["draft"] or {}
    span = unit["rank_range"]
    return "  %-4s %-10s %-16s %8s %4s %-6s -> %8s %4s %-6s %5s%s%s" % (
        unit["class"],
        unit["unit_code"],
        unit["name_zh"],
        _number(was.get("score")),
        was.get("rank", "-"),
        was.get("tier") or "-",
        _number(now.get("score")),
        now.get("rank", "-"),
        now.get("tier") or "-",
        "-" if unit["rank_shift"] is None else "%+d" % unit["rank_shift"],
        "  [%d-%d]" % tuple(span) if span else "",
        "  *" if unit["tier_changed"] else "",
    )


def _number(value: float | None) -> str:
    return "-" if value is None else "%.2f" % value


def _check_periods(periods: list[str], in_force: SchemeVersion | None) -> None:
    problems = []
    if in_force is None:
        problems.append(Problem(None, "scheme.code", _("no version of this scheme is in force")))
    if not periods:
        problems.append(Problem(None, "period", _("choose at least one final quarter")))
    for period in periods:
        problem = period_problem(period, in_force.period if in_force else "quarter")
        if problem:
            problems.append(Problem(None, "period", "%s: %s" % (period, problem)))
            continue
        if in_force is not None and is_provisional(period, in_force.deadline_day):
            problems.append(
                Problem(
                    None,
                    "period",
                    _("%(p)s is provisional: only final quarters are compared") % {"p": period},
                )
            )
    if len(set(periods)) != len(periods):
        problems.append(Problem(None, "period", _("a quarter is named twice")))
    if problems:
        raise InputRefused(problems)


def _results(
    version: SchemeVersion, period: str, sensitivity: Sensitivity | None
) -> dict[int, dict[str, Any]]:
    """Unit id → class, names, score, rank, tier (and rank range) under `version` for `period`."""
    out: dict[int, dict[str, Any]] = {}
    for scheme_class in version.classes.order_by("position"):
        inputs = class_inputs(version, scheme_class, period)
        if not inputs.units:
            continue
        result = compute(version, inputs)
        ranges = None
        if sensitivity is not None:
            ranges = rank_ranges(
                result.absolute.totals,
                result.scheme,
                spread=sensitivity.spread,
                draws=sensitivity.draws,
                seed=sensitivity.seed,
            )
        k = 0
        for i, unit in enumerate(inputs.units):
            entry: dict[str, Any] = {
                "unit_code": unit.code,
                "name_zh": unit.name_zh,
                "name_en": unit.name_en,
                "class": scheme_class.code,
                "result": None,
                "rank_range": None,
            }
            if result.completeness.scored[i]:
                entry["result"] = {
                    "score": round(float(result.absolute.score[k]), 6),
                    "rank": int(result.ranks.rank[k]),
                    "tier": str(result.tier[k]),
                }
                if ranges is not None:
                    entry["rank_range"] = [int(ranges.low[k]), int(ranges.high[k])]
                k += 1
            out[unit.pk] = entry
    return out


def _compare_period(
    period: str, before: dict[int, dict[str, Any]], after: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    units = []
    for unit_id in before.keys() | after.keys():
        old, new = before.get(unit_id), after.get(unit_id)
        base = new or old
        assert base is not None
        was = old["result"] if old else None
        now = new["result"] if new else None
        same_class = old is not None and new is not None and old["class"] == new["class"]
        both = same_class and was is not None and now is not None
        units.append(
            {
                "unit_code": base["unit_code"],
                "name_zh": base["name_zh"],
                "name_en": base["name_en"],
                "class": base["class"],
                "in_force": was,
                "draft": now,
                "rank_shift": now["rank"] - was["rank"] if both and was and now else None,
                "tier_changed": bool(both and was and now and was["tier"] != now["tier"]),
                "rank_range": new["rank_range"] if new else None,
            }
        )
    units.sort(key=_order)
    shifts = [u["rank_shift"] for u in units if u["rank_shift"] is not None]
    return {
        "period": period,
        "mean_abs_rank_shift": _mean_abs(shifts),
        "tier_changes": [u["unit_code"] for u in units if u["tier_changed"]],
        "units": units,
    }


def _order(unit: dict[str, Any]) -> tuple[str, int, int, str]:
    """Class, then rank in force (unranked last), then rank in the draft, then code."""
    big = 1 << 30
    was, now = unit["in_force"], unit["draft"]
    return (
        unit["class"],
        was["rank"] if was else big,
        now["rank"] if now else big,
        unit["unit_code"],
    )


def _mean_abs(shifts: list[int]) -> float | None:
    return round(sum(abs(s) for s in shifts) / len(shifts), 6) if shifts else None
