"""Indicator kinds in a scheme file: what each kind's class rule needs, checked with its place.

An indicator declares its ``kind`` (``count`` by default, ``rate``, ``per_population`` or
``change``); a class rule of that indicator carries the kind's parameters. Normalised content
keeps a count rule exactly as before (code, deduction, cap, veto) and adds ``kind`` and its
parameters for the other kinds, so an unchanged count scheme keeps its content hash.
"""

from __future__ import annotations

import itertools
from typing import Any

from django.utils.translation import gettext as _

from pingan.schemes.checker import Checker, choice

KINDS = ("count", "rate", "per_population", "change")
RATE_RULES = ("linear", "bands")
SURVEY_PERIODS = ("month", "quarter", "year")
COMPARE = ("year", "previous")
RULE_KEYS = {
    "count": {"code", "deduction", "cap", "veto"},
    "rate": {"code", "rule", "floor", "target", "cap", "bands"},
    "per_population": {"code", "deduction", "cap", "veto", "per", "target", "covariate"},
    "change": {"code", "per_point", "min_count", "cap", "veto", "compare"},
}


def indicator_kind(check: Checker, item: dict[str, Any], where: str) -> dict[str, Any]:
    """The kind of an indicator and, for a rate, its survey period; {} for a count."""
    if "kind" not in item:
        return {}
    kind = item["kind"]
    if kind not in KINDS:
        check.fail(
            where + "kind",
            _("unknown kind %(kind)s: must be one of %(options)s")
            % {"kind": kind, "options": ", ".join(KINDS)},
        )
        return {}
    if kind == "count":
        return {}
    extra: dict[str, Any] = {"kind": kind}
    if kind == "rate":
        extra["survey"] = choice(check, item, "survey", where, SURVEY_PERIODS, "quarter")
        if item.get("veto"):
            check.fail(where + "veto", _("a survey rate cannot veto"))
    return extra


def class_rule(
    check: Checker, item: dict[str, Any], place: str, indicator: dict[str, Any]
) -> dict[str, Any]:
    """The normalised class rule of one indicator under its kind."""
    kind = indicator.get("kind", "count")
    for key in sorted(set(item) - RULE_KEYS[kind]) if kind != "count" else ():
        check.fail(place + key, _("not a setting of a %(kind)s indicator") % {"kind": kind})
    default_veto = bool(indicator.get("veto", False))
    if kind == "rate":
        return _rate_rule(check, item, place)
    if kind == "change":
        return _change_rule(check, item, place, default_veto)
    if "deduction" not in item:
        check.fail(place + "deduction", _("required"))
    rule: dict[str, Any] = {
        "code": item.get("code", ""),
        "deduction": check.number(item, "deduction", place, default=0),
        "cap": check.number(item, "cap", place),
        "veto": check.flag(item, "veto", place, default=default_veto),
    }
    if kind == "per_population":
        rule["kind"] = kind
        rule["per"] = check.number(item, "per", place, default=10_000, minimum=1)
        rule["target"] = check.number(item, "target", place)
        rule["covariate"] = check.text(item, "covariate", place, required=False, limit=32)
    return rule


def _percent(check: Checker, table: dict[str, Any], key: str, where: str, default: float) -> float:
    value = check.number(table, key, where, default=default, minimum=-1e308)
    if value is not None and not 0 <= value <= 100:
        check.fail(where + key, _("a rate must lie between 0 and 100"))
    return default if value is None else value


def _rate_rule(check: Checker, item: dict[str, Any], place: str) -> dict[str, Any]:
    mode = choice(check, item, "rule", place, RATE_RULES, "linear")
    rule: dict[str, Any] = {"code": item.get("code", ""), "kind": "rate", "rule": mode}
    rule.update(deduction=0.0, cap=check.number(item, "cap", place, default=0), veto=False)
    if mode == "linear":
        rule["floor"] = _percent(check, item, "floor", place, 0.0)
        rule["target"] = _percent(check, item, "target", place, 100.0)
        if "cap" not in item:
            check.fail(place + "cap", _("required: the deduction at or below the floor"))
        if rule["target"] <= rule["floor"]:
            check.fail(place + "target", _("must be above the floor"))
        return rule
    rule["bands"] = _bands(check, item.get("bands"), place + "bands")
    return rule


def _bands(check: Checker, bands: Any, where: str) -> list[list[float]]:
    """[[lowest rate, deduction], ...] with lowest rates falling strictly."""
    if not isinstance(bands, list) or not bands:
        check.fail(where, _("must list [lowest rate, deduction] pairs"))
        return []
    out: list[list[float]] = []
    for i, band in enumerate(bands):
        place = "%s[%d]" % (where, i)
        if (
            not isinstance(band, list)
            or len(band) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in band)
        ):
            check.fail(place, _("must be [lowest rate, deduction]"))
            continue
        if not 0 <= band[0] <= 100:
            check.fail(place, _("a rate must lie between 0 and 100"))
        if band[1] < 0:
            check.fail(place, _("the deduction must be ≥ 0"))
        out.append([float(band[0]), float(band[1])])
    if any(a[0] <= b[0] for a, b in itertools.pairwise(out)):
        check.fail(where, _("lowest rates must fall from band to band"))
    return out


def _change_rule(
    check: Checker, item: dict[str, Any], place: str, default_veto: bool
) -> dict[str, Any]:
    if "per_point" not in item:
        check.fail(place + "per_point", _("required: the deduction per percentage point of rise"))
    if "min_count" not in item:
        check.fail(
            place + "min_count",
            _("required: the count below which a change is not scored"),
        )
    minimum = check.number(item, "min_count", place, default=1, minimum=1)
    return {
        "code": item.get("code", ""),
        "kind": "change",
        "deduction": 0.0,
        "cap": check.number(item, "cap", place),
        "veto": check.flag(item, "veto", place, default=default_veto),
        "per_point": check.number(item, "per_point", place, default=0),
        "min_count": minimum,
        "compare": choice(check, item, "compare", place, COMPARE, "year"),
    }
