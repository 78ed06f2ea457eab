"""Parsing and checking a scheme TOML file into its normalised content.

Every problem names the place in the file (e.g. `classes[1].indicators[3].deduction`) and why.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
import tomllib
from typing import Any

from django.utils.translation import gettext as _

from pingan.core.limits import length_reason
from pingan.core.problems import InputRefused, Problem
from pingan.schemes.warning_rules import parse_warning_rules

CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
CLASS_CODE = re.compile(r"^[A-Za-z0-9_]{1,16}$")
DOMAINS = ("social", "police", "cases", "opinion", "safety", "petition", "governance", "other")
TIER_NAMES = ("yellow", "orange", "red")
POLICIES = ("withhold", "impute")


class _Checker:
    """Collects problems while reading typed values out of the parsed TOML."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, where: str, reason: str) -> None:
        self.problems.append(Problem(None, where, reason))

    def entries(self, items: Any, where: str, missing: str) -> list[tuple[str, Any]]:
        """(place, entry) of each entry of a non-empty list; a problem at `where` when there is none."""
        if not isinstance(items, list) or not items:
            self.fail(where, missing)
            return []
        return [("%s[%d]." % (where, i), item) for i, item in enumerate(items)]

    def once(self, code: str, where: str, seen: set[str]) -> None:
        """A problem when `code` was seen before in the same list; remember it."""
        if code in seen:
            self.fail(where + "code", _("duplicate code %(code)s") % {"code": code})
        seen.add(code)

    def text(
        self,
        table: dict[str, Any],
        key: str,
        where: str,
        *,
        required: bool = True,
        pattern: re.Pattern[str] | None = None,
        limit: int = 100,
    ) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.fail(where + key, _("required"))
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(where + key, _("must be non-empty text"))
            return ""
        if pattern is not None and not pattern.match(value):
            self.fail(where + key, _("%(value)s is not a valid code") % {"value": value})
        too_long = length_reason(value.strip(), limit)
        if too_long:
            self.fail(where + key, too_long)
        return value.strip()

    def number(
        self,
        table: dict[str, Any],
        key: str,
        where: str,
        *,
        default: float | None = None,
        minimum: float = 0,
    ) -> float | None:
        value = table.get(key, default)
        if value is None:
            if default is None and key in table:
                self.fail(where + key, _("required"))
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.fail(where + key, _("must be a number"))
            return None
        if value < minimum:
            self.fail(where + key, _("must be ≥ %(min)s") % {"min": minimum})
        return float(value)

    def flag(self, table: dict[str, Any], key: str, where: str, default: bool = False) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.fail(where + key, _("must be true or false"))
            return default
        return value


def parse_scheme(source: str) -> dict[str, Any]:
    """Parse and check a scheme file; return its normalised content or raise InputRefused."""
    try:
        raw = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise InputRefused(
            [Problem(None, None, _("not valid TOML: %(error)s") % {"error": exc})]
        ) from exc
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise InputRefused([Problem(None, None, _("the file holds a number too large"))]) from exc
    check = _Checker()
    content: dict[str, Any] = {
        "scheme": _scheme_header(check, raw.get("scheme", {})),
        "tiers": _tiers(check, raw.get("tiers", {})),
        "stars": _stars(check, raw.get("stars", {})),
        "relative": _relative(check, raw.get("relative", {})),
        "completeness": _completeness(check, raw.get("completeness", {})),
        "bodies": _bodies(check, raw.get("bodies", [])),
    }
    content["indicators"] = _indicators(
        check, raw.get("indicators", []), {b["code"] for b in content["bodies"]}
    )
    content["classes"] = _classes(
        check, raw.get("classes", []), {i["code"]: i for i in content["indicators"]}
    )
    if "warnings" in raw:
        content["warnings"] = parse_warning_rules(
            raw["warnings"], {i["code"] for i in content["indicators"]}, check.problems
        )
    unknown = sorted(
        set(raw)
        - {
            "scheme",
            "tiers",
            "stars",
            "relative",
            "completeness",
            "bodies",
            "indicators",
            "classes",
            "warnings",
        }
    )
    for key in unknown:
        check.fail(key, _("unknown section"))
    if check.problems:
        raise InputRefused(check.problems)
    return content


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of normalised content: equal content, equal hash."""
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()


def _scheme_header(check: _Checker, table: dict[str, Any]) -> dict[str, Any]:
    where = "scheme."
    period = table.get("period", "quarter")
    if period != "quarter":
        check.fail(where + "period", _("only quarterly scoring periods are supported"))
    deadline = check.number(table, "deadline_day", where, default=5, minimum=1) or 5
    if deadline > 28 or not float(deadline).is_integer():
        check.fail(where + "deadline_day", _("must be a whole day of the month from 1 to 28"))
    return {
        "code": check.text(table, "code", where, pattern=CODE, limit=32),
        "name_zh": check.text(table, "name_zh", where, limit=200),
        "name_en": check.text(table, "name_en", where, required=False, limit=200),
        "period": period,
        "base_score": check.number(table, "base_score", where, default=100, minimum=1),
        "deadline_day": int(deadline),
        "illustrative": check.flag(table, "illustrative", where),
        "note_zh": str(table.get("note_zh", "")),
        "note_en": str(table.get("note_en", "")),
    }


def _choice(
    check: _Checker,
    table: dict[str, Any],
    key: str,
    where: str,
    options: tuple[str, ...],
    default: str,
) -> str:
    value = table.get(key, default)
    if value not in options:
        check.fail(where + key, _("must be one of %(options)s") % {"options": ", ".join(options)})
        return default
    return str(value)


def _tiers(check: _Checker, table: dict[str, Any]) -> dict[str, float]:
    lines = {name: check.number(table, name, "tiers.") for name in TIER_NAMES}
    for name in TIER_NAMES:
        if name not in table:
            check.fail("tiers." + name, _("required"))
    values = [lines[n] for n in TIER_NAMES]
    if all(v is not None for v in values) and not (values[0] > values[1] > values[2]):  # type: ignore[operator]
        check.fail("tiers", _("lines must fall: yellow > orange > red"))
    return {n: v for n, v in lines.items() if v is not None}


def _stars(check: _Checker, table: dict[str, Any]) -> list[float]:
    bands = table.get("bands")
    if (
        not isinstance(bands, list)
        or len(bands) != 5
        or not all(isinstance(b, int | float) and not isinstance(b, bool) for b in bands)
    ):
        check.fail("stars.bands", _("must list five numbers: the lowest score for 1 to 5 stars"))
        return []
    if any(b >= c for b, c in itertools.pairwise(bands)):
        check.fail("stars.bands", _("must rise strictly"))
    return [float(b) for b in bands]


def _relative(check: _Checker, table: dict[str, Any]) -> dict[str, Any]:
    window = check.number(table, "window", "relative.", default=8, minimum=1) or 8
    draws = check.number(table, "rank_draws", "relative.", default=1000, minimum=10) or 1000
    seed = check.number(table, "seed", "relative.", default=20240101, minimum=0) or 0
    return {
        "window": int(window),
        "smoothing": check.flag(table, "smoothing", "relative.", default=True),
        "rank_draws": int(draws),
        "seed": int(seed),
    }


def _completeness(check: _Checker, table: dict[str, Any]) -> dict[str, str]:
    """What happens to a unit with a missing month: "withhold" (default) or "impute"."""
    if not isinstance(table, dict):
        check.fail("completeness", _("must be a table"))
        return {"policy": "withhold"}
    for key in sorted(set(table) - {"policy"}):
        check.fail("completeness." + key, _("unknown key"))
    return {
        "policy": _choice(check, table, "policy", "completeness.", POLICIES, "withhold"),
    }


def _bodies(check: _Checker, items: Any) -> list[dict[str, str]]:
    bodies: list[dict[str, str]] = []
    seen: set[str] = set()
    for where, item in check.entries(items, "bodies", _("at least one reporting body is required")):
        code = check.text(item, "code", where, pattern=CODE, limit=32)
        check.once(code, where, seen)
        bodies.append(
            {
                "code": code,
                "name_zh": check.text(item, "name_zh", where),
                "name_en": check.text(item, "name_en", where, required=False, limit=150),
            }
        )
    return bodies


def _indicators(check: _Checker, items: Any, bodies: set[str]) -> list[dict[str, Any]]:
    indicators: list[dict[str, Any]] = []
    seen: set[str] = set()
    for where, item in check.entries(items, "indicators", _("at least one indicator is required")):
        code = check.text(item, "code", where, pattern=CODE, limit=40)
        check.once(code, where, seen)
        body = check.text(item, "body", where)
        if body and body not in bodies:
            check.fail(where + "body", _("unknown reporting body %(code)s") % {"code": body})
        domain = _choice(check, item, "domain", where, DOMAINS, "other")
        indicators.append(
            {
                "code": code,
                "name_zh": check.text(item, "name_zh", where),
                "name_en": check.text(item, "name_en", where, limit=150),
                "domain": domain,
                "body": body,
                "veto": check.flag(item, "veto", where),
            }
        )
    return indicators


def _classes(
    check: _Checker, items: Any, indicators: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    classes: list[dict[str, Any]] = []
    seen: set[str] = set()
    for where, item in check.entries(items, "classes", _("at least one class is required")):
        code = check.text(item, "code", where, pattern=CLASS_CODE)
        check.once(code, where, seen)
        covariates = item.get("covariates", [])
        if not isinstance(covariates, list) or not all(isinstance(c, str) for c in covariates):
            check.fail(where + "covariates", _("must be a list of covariate names"))
            covariates = []
        classes.append(
            {
                "code": code,
                "name_zh": check.text(item, "name_zh", where),
                "name_en": check.text(item, "name_en", where, limit=150),
                "exposure": check.text(item, "exposure", where, limit=32),
                "covariates": covariates,
                "indicators": _rules(check, item.get("indicators", []), where, indicators),
            }
        )
    return classes


def _rules(
    check: _Checker, items: Any, where: str, indicators: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    seen: set[str] = set()
    missing = _("a class needs at least one indicator")
    for place, item in check.entries(items, where + "indicators", missing):
        code = check.text(item, "code", place)
        if code and code not in indicators:
            check.fail(place + "code", _("unknown indicator %(code)s") % {"code": code})
        check.once(code, place, seen)
        if "deduction" not in item:
            check.fail(place + "deduction", _("required"))
        default_veto = bool(indicators.get(code, {}).get("veto", False))
        rules.append(
            {
                "code": code,
                "deduction": check.number(item, "deduction", place, default=0),
                "cap": check.number(item, "cap", place),
                "veto": check.flag(item, "veto", place, default=default_veto),
            }
        )
    return rules
