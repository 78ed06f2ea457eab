"""Parsing and checking a scheme TOML file into its normalised content.

Every problem names the place in the file (e.g. `classes[1].indicators[3].deduction`) and why.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import tomllib
from typing import Any

from django.utils.translation import gettext as _

from pingan.core.problems import InputRefused, Problem
from pingan.schemes import groups
from pingan.schemes.checker import Checker, choice
from pingan.schemes.rules import class_rule, indicator_kind
from pingan.schemes.warning_rules import parse_warning_rules

CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
CLASS_CODE = re.compile(r"^[A-Za-z0-9_]{1,16}$")
DOMAINS = groups.DOMAINS
PERIODS = ("month", "quarter", "year")
SECTIONS = {
    "scheme",
    "tiers",
    "stars",
    "relative",
    "completeness",
    "bodies",
    "categories",
    "indicators",
    "classes",
    "special",
    "links",
    "warnings",
    "bulletin",
}
BULLETIN_KEYS = ("issuer", "number_prefix", "main_to", "copy_to")
TIER_NAMES = ("yellow", "orange", "red")
POLICIES = ("withhold", "impute")


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
    check = Checker()
    content: dict[str, Any] = {
        "scheme": _scheme_header(check, raw.get("scheme", {})),
        "tiers": _tiers(check, raw.get("tiers", {})),
        "stars": _stars(check, raw.get("stars", {})),
        "relative": _relative(check, raw.get("relative", {})),
        "completeness": _completeness(check, raw.get("completeness", {})),
        "bodies": _bodies(check, raw.get("bodies", [])),
    }
    categories = groups.categories(check, raw.get("categories"))
    content["indicators"] = _indicators(
        check,
        raw.get("indicators", []),
        {b["code"] for b in content["bodies"]},
        {c["code"]: c for c in categories},
    )
    content["classes"] = _classes(
        check, raw.get("classes", []), {i["code"]: i for i in content["indicators"]}
    )
    if "warnings" in raw:
        content["warnings"] = parse_warning_rules(
            raw["warnings"], {i["code"] for i in content["indicators"]}, check.problems
        )
    _optional_sections(check, raw, content, categories)
    for key in sorted(set(raw) - SECTIONS):
        check.fail(key, _("unknown section"))
    if check.problems:
        raise InputRefused(check.problems)
    return content


def _optional_sections(
    check: Checker, raw: dict[str, Any], content: dict[str, Any], categories: list[Any]
) -> None:
    """Categories, special assessments and links: in the content only when the file has them."""
    if categories:
        content["categories"] = categories
    special = groups.specials(check, raw.get("special"), {i["code"] for i in content["indicators"]})
    if special:
        content["special"] = special
    links = groups.links(check, raw.get("links"), {c["code"] for c in content["classes"]})
    if links is not None:
        content["links"] = links
    if "bulletin" in raw:
        content["bulletin"] = _bulletin(check, raw["bulletin"])


def _bulletin(check: Checker, table: Any) -> dict[str, str]:
    """The issuing office printed on the scheme's bulletins: issuer, number prefix, lists."""
    if not isinstance(table, dict):
        check.fail("bulletin", _("must be a table"))
        return {}
    for key in sorted(set(table) - set(BULLETIN_KEYS)):
        check.fail("bulletin." + key, _("unknown key"))
    values = {
        key: check.text(table, key, "bulletin.", required=False, limit=200) for key in BULLETIN_KEYS
    }
    return {key: value for key, value in values.items() if value}


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of normalised content: equal content, equal hash."""
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()


def _scheme_header(check: Checker, table: dict[str, Any]) -> dict[str, Any]:
    where = "scheme."
    period = choice(check, table, "period", where, PERIODS, "quarter")
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


def _tiers(check: Checker, table: dict[str, Any]) -> dict[str, float]:
    lines = {name: check.number(table, name, "tiers.") for name in TIER_NAMES}
    for name in TIER_NAMES:
        if name not in table:
            check.fail("tiers." + name, _("required"))
    values = [lines[n] for n in TIER_NAMES]
    if all(v is not None for v in values) and not (values[0] > values[1] > values[2]):  # type: ignore[operator]
        check.fail("tiers", _("lines must fall: yellow > orange > red"))
    return {n: v for n, v in lines.items() if v is not None}


def _stars(check: Checker, table: dict[str, Any]) -> list[float]:
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


def _relative(check: Checker, table: dict[str, Any]) -> dict[str, Any]:
    window = check.number(table, "window", "relative.", default=8, minimum=1) or 8
    draws = check.number(table, "rank_draws", "relative.", default=1000, minimum=10) or 1000
    seed = check.number(table, "seed", "relative.", default=20240101, minimum=0) or 0
    return {
        "window": int(window),
        "smoothing": check.flag(table, "smoothing", "relative.", default=True),
        "rank_draws": int(draws),
        "seed": int(seed),
    }


def _completeness(check: Checker, table: dict[str, Any]) -> dict[str, str]:
    """What happens to a unit with a missing month: "withhold" (default) or "impute"."""
    if not isinstance(table, dict):
        check.fail("completeness", _("must be a table"))
        return {"policy": "withhold"}
    for key in sorted(set(table) - {"policy"}):
        check.fail("completeness." + key, _("unknown key"))
    return {
        "policy": choice(check, table, "policy", "completeness.", POLICIES, "withhold"),
    }


def _bodies(check: Checker, items: Any) -> list[dict[str, str]]:
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


def _indicators(
    check: Checker, items: Any, bodies: set[str], categories: dict[str, dict[str, str]]
) -> list[dict[str, Any]]:
    indicators: list[dict[str, Any]] = []
    seen: set[str] = set()
    for where, item in check.entries(items, "indicators", _("at least one indicator is required")):
        code = check.text(item, "code", where, pattern=CODE, limit=40)
        check.once(code, where, seen)
        body = check.text(item, "body", where)
        if body and body not in bodies:
            check.fail(where + "body", _("unknown reporting body %(code)s") % {"code": body})
        indicators.append(
            {
                "code": code,
                "name_zh": check.text(item, "name_zh", where),
                "name_en": check.text(item, "name_en", where, limit=150),
                "body": body,
                "veto": check.flag(item, "veto", where),
                **groups.indicator_domain(check, item, where, categories),
                **indicator_kind(check, item, where),
            }
        )
    return indicators


def _classes(
    check: Checker, items: Any, indicators: dict[str, dict[str, Any]]
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
    check: Checker, items: Any, where: str, indicators: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    seen: set[str] = set()
    missing = _("a class needs at least one indicator")
    for place, item in check.entries(items, where + "indicators", missing):
        code = check.text(item, "code", place)
        if code and code not in indicators:
            check.fail(place + "code", _("unknown indicator %(code)s") % {"code": code})
        check.once(code, place, seen)
        rules.append({**class_rule(check, item, place, indicators.get(code, {})), "code": code})
    return rules
