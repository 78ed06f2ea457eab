"""The optional `[warnings]` section of a scheme: what the early-warning watchers use.

Which detector and alpha watch the monthly figures (a default and per indicator) and the daily
counts of matters (a default and per category), which indicators are severe (a signal on one is
at least 较急 / orange), the window and count of the "repeated matters" signal, the drop of the
index in points that warns, the hours to acknowledge a warning by level, and the backtest's
default event rule. Parsed into the scheme's normalised content under "warnings" only when the
section is present (so schemes without it keep their content hash); `warning_rules` reads a
version's rules with the defaults filled in. See docs/schemes.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from django.utils.translation import gettext as _

from pingan.core.problems import Problem
from pingan.engine.backtest_events import DEFAULT_EVENT, parse_event_rule
from pingan.engine.detection import DETECTORS

LEVELS = ("red", "orange", "yellow")
CATEGORY_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
KEYS = {
    "detector", "alpha", "indicators", "matters", "severe", "repeats", "index_drop",
    "acknowledge_hours", "backtest",
}  # fmt: skip
DEFAULTS: dict[str, Any] = {
    "detector": "noufaily",
    "alpha": 0.01,
    "indicators": {},
    "matters": {"detector": "ears_c2", "alpha": 0.01, "categories": {}},
    "severe": [],
    "repeats": {"window_days": 30, "count": 3},
    "index_drop": 5.0,
    "acknowledge_hours": {"red": 2, "orange": 12, "yellow": 48},
    "backtest": {"event": DEFAULT_EVENT},
}


@dataclass(frozen=True)
class DetectorChoice:
    """A detector name (a key of `pingan.engine.detection.DETECTORS`) and its alpha."""

    detector: str
    alpha: float


@dataclass(frozen=True)
class WarningRules:
    """A scheme version's warning rules, defaults filled in."""

    figures: DetectorChoice
    indicators: Mapping[str, DetectorChoice] = field(default_factory=dict)
    matters: DetectorChoice = DetectorChoice("ears_c2", 0.01)
    categories: Mapping[str, DetectorChoice] = field(default_factory=dict)
    severe: frozenset[str] = frozenset()
    repeat_window_days: int = 30
    repeat_count: int = 3
    index_drop: float = 5.0
    acknowledge_hours: Mapping[str, int] = field(default_factory=dict)
    backtest_event: str = DEFAULT_EVENT

    def for_indicator(self, code: str) -> DetectorChoice:
        """The detector watching the monthly series of indicator `code`."""
        return self.indicators.get(code, self.figures)

    def for_category(self, code: str) -> DetectorChoice:
        """The detector watching the daily matter counts of category `code`."""
        return self.categories.get(code, self.matters)


def warning_rules(scheme_version: Any) -> WarningRules:
    """The warning rules of a scheme version (defaults when its scheme has no `[warnings]`)."""
    content = getattr(scheme_version, "content", None) or {}
    return rules_from_content(content.get("warnings") or DEFAULTS)


def rules_from_content(stored: Mapping[str, Any]) -> WarningRules:
    """Build `WarningRules` from the normalised section (as `parse_warning_rules` returns it)."""

    def choice(table: Mapping[str, Any]) -> DetectorChoice:
        return DetectorChoice(str(table["detector"]), float(table["alpha"]))

    return WarningRules(
        figures=choice(stored),
        indicators=MappingProxyType({k: choice(v) for k, v in stored["indicators"].items()}),
        matters=choice(stored["matters"]),
        categories=MappingProxyType(
            {k: choice(v) for k, v in stored["matters"]["categories"].items()}
        ),
        severe=frozenset(stored["severe"]),
        repeat_window_days=int(stored["repeats"]["window_days"]),
        repeat_count=int(stored["repeats"]["count"]),
        index_drop=float(stored["index_drop"]),
        acknowledge_hours=MappingProxyType(
            {level: int(stored["acknowledge_hours"][level]) for level in LEVELS}
        ),
        backtest_event=str(stored["backtest"]["event"]),
    )


class _Reader:
    """Reads the section's values, collecting problems named by their place."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems

    def fail(self, where: str, reason: str) -> None:
        self.problems.append(Problem(None, where, reason, key=True))

    def table(self, value: Any, where: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(where, _("must be a table"))
            return {}
        return value

    def unknown(self, table: dict[str, Any], known: set[str], where: str) -> None:
        for key in sorted(set(table) - known):
            self.fail(where + "." + key, _("unknown key"))

    def choice(
        self, table: dict[str, Any], where: str, default: Mapping[str, Any]
    ) -> dict[str, Any]:
        detector = table.get("detector", default["detector"])
        if detector not in DETECTORS:
            self.fail(
                where + ".detector",
                _("unknown detector %(name)s (known: %(known)s)")
                % {"name": detector, "known": ", ".join(sorted(DETECTORS))},
            )
        alpha = table.get("alpha", default["alpha"])
        if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 0.5:
            self.fail(where + ".alpha", _("alpha must be a number in (0, 0.5)"))
            alpha = default["alpha"]
        return {"detector": str(detector), "alpha": float(alpha)}

    def whole(
        self, table: dict[str, Any], key: str, where: str, default: int, lo: int, hi: int
    ) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            self.fail(
                where + "." + key,
                _("must be a whole number from %(lo)d to %(hi)d") % {"lo": lo, "hi": hi},
            )
            return default
        return value


def parse_warning_rules(
    raw: Any, indicator_codes: set[str], problems: list[Problem]
) -> dict[str, Any]:
    """Check the raw `[warnings]` table; return its normalised content, problems appended."""
    read = _Reader(problems)
    table = read.table(raw, "warnings")
    read.unknown(table, KEYS, "warnings")
    out = read.choice(table, "warnings", DEFAULTS)
    out["indicators"] = {}
    for code, sub in sorted(read.table(table.get("indicators"), "warnings.indicators").items()):
        where = "warnings.indicators." + code
        if code not in indicator_codes:
            read.fail(where, _("unknown indicator %(code)s") % {"code": code})
        entry = read.table(sub, where)
        read.unknown(entry, {"detector", "alpha"}, where)
        out["indicators"][code] = read.choice(entry, where, out)
    out["matters"] = _matters(read, read.table(table.get("matters"), "warnings.matters"))
    out["severe"] = _severe(read, table.get("severe", []), indicator_codes)
    repeats = read.table(table.get("repeats"), "warnings.repeats")
    read.unknown(repeats, {"window_days", "count"}, "warnings.repeats")
    out["repeats"] = {
        "window_days": read.whole(repeats, "window_days", "warnings.repeats", 30, 1, 366),
        "count": read.whole(repeats, "count", "warnings.repeats", 3, 2, 1000),
    }
    out["index_drop"] = _index_drop(read, table.get("index_drop", DEFAULTS["index_drop"]))
    hours = read.table(table.get("acknowledge_hours"), "warnings.acknowledge_hours")
    read.unknown(hours, set(LEVELS), "warnings.acknowledge_hours")
    out["acknowledge_hours"] = {
        level: read.whole(hours, level, "warnings.acknowledge_hours", default, 1, 24 * 30)
        for level, default in DEFAULTS["acknowledge_hours"].items()
    }
    out["backtest"] = {
        "event": _event(read, read.table(table.get("backtest"), "warnings.backtest"))
    }
    return out


def _matters(read: _Reader, table: dict[str, Any]) -> dict[str, Any]:
    read.unknown(table, {"detector", "alpha", "categories"}, "warnings.matters")
    out = read.choice(table, "warnings.matters", DEFAULTS["matters"])
    categories = read.table(table.get("categories"), "warnings.matters.categories")
    out["categories"] = {}
    for code, sub in sorted(categories.items()):
        where = "warnings.matters.categories." + code
        if not CATEGORY_CODE.match(code):
            read.fail(where, _("%(value)s is not a valid code") % {"value": code})
        entry = read.table(sub, where)
        read.unknown(entry, {"detector", "alpha"}, where)
        out["categories"][code] = read.choice(entry, where, out)
    return out


def _severe(read: _Reader, value: Any, indicator_codes: set[str]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        read.fail("warnings.severe", _("must be a list of indicator codes"))
        return []
    for i, code in enumerate(value):
        if code not in indicator_codes:
            read.fail("warnings.severe[%d]" % i, _("unknown indicator %(code)s") % {"code": code})
    return sorted(set(value))


def _index_drop(read: _Reader, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        read.fail("warnings.index_drop", _("must be a number"))
        return float(DEFAULTS["index_drop"])
    if not 0 < value <= 100:
        read.fail("warnings.index_drop", _("must be more than 0 and at most 100 points"))
    return float(value)


def _event(read: _Reader, table: dict[str, Any]) -> str:
    read.unknown(table, {"event"}, "warnings.backtest")
    text = table.get("event", DEFAULT_EVENT)
    try:
        return parse_event_rule(str(text)).text
    except ValueError:
        read.fail(
            "warnings.backtest.event",
            _(
                "unknown event rule %(rule)s: expected <severe|any>_p<percentile>[:<months>], e.g. %(example)s"
            )
            % {"rule": text, "example": DEFAULT_EVENT},
        )
        return DEFAULT_EVENT
