"""What a unit page shows of the scheme's extras: kinds, domains, special assessments, the pair."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from pingan.schemes.models import SchemeVersion
from pingan.schemes.selectors import DOMAIN_NAMES
from pingan.scores.charts import tier_label
from pingan.scores.formats import score_text
from pingan.scores.models import QuarterResult
from pingan.scores.selectors import unit_by_code
from pingan.units.models import OrgUnit


def _name(item: dict[str, Any], english: bool) -> str:
    return str((item.get("name_en") or item["name_zh"]) if english else item["name_zh"])


def _number(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else "%.*f" % (digits, value)


def kind_rows(result: QuarterResult, version: SchemeVersion, english: bool) -> list[dict[str, str]]:
    """One row per survey rate, per-population or change indicator: the figure and the deduction."""
    names = {i["code"]: _name(i, english) for i in version.content["indicators"]}
    rows = []
    for item in result.detail.get("kinds", []):
        if item["kind"] == "rate":
            figure = _("%(rate)s%% (95%% interval %(low)s–%(high)s, n = %(n)s)") % {
                "rate": _number(item["rate"]),
                "low": _number(item["low"]),
                "high": _number(item["high"]),
                "n": _number(item["sample"], 0),
            }
        elif item["kind"] == "per_population":
            figure = _("%(count)s incidents, %(rate)s per 10,000 against %(reference)s") % {
                "count": _number(item["count"], 0),
                "rate": _number(item["rate"]),
                "reference": _number(item["reference"]),
            }
        elif item["scored"]:
            figure = _("%(count)s against %(previous)s earlier: %(change)s%%") % {
                "count": _number(item["count"], 0),
                "previous": _number(item["previous"], 0),
                "change": _number(item["change"], 1),
            }
        else:
            figure = _(
                "%(count)s against %(previous)s earlier: not scored (below the minimum count)"
            ) % {
                "count": _number(item["count"], 0),
                "previous": _number(item["previous"], 0),
            }
        rows.append(
            {
                "indicator": names.get(item["code"], item["code"]),
                "figure": figure,
                "deduction": score_text(float(item["deduction"] or 0.0)),
            }
        )
    return rows


def special_rows(
    result: QuarterResult, version: SchemeVersion, english: bool
) -> list[dict[str, str]]:
    """Each special assessment: its rule, the unit's score and what it led to."""
    rows = []
    for item in version.content.get("special", []):
        got = result.detail.get("special", {}).get(item["code"])
        if got is None:
            continue
        lines = []
        if item.get("key_management_below") is not None:
            lines.append(
                _("key management below %(line)s") % {"line": item["key_management_below"]}
            )
        if item.get("veto_below") is not None:
            lines.append(_("veto below %(line)s") % {"line": item["veto_below"]})
        outcome = (
            _("one-vote veto")
            if got["veto"]
            else _("key management")
            if got["key_management"]
            else _("none")
        )
        rows.append(
            {
                "name": _name(item, english),
                "rule": _("%(base)s minus the deductions of %(indicators)s; %(lines)s")
                % {
                    "base": item["base"],
                    "indicators": ", ".join(item["indicators"]),
                    "lines": "; ".join(lines),
                },
                "score": score_text(float(got["score"])),
                "outcome": outcome,
            }
        )
    return rows


def domain_rows(result: QuarterResult) -> list[dict[str, str]]:
    """Each domain's sub-index: score, rank with its interval, tier."""
    return [
        {
            "domain": str(DOMAIN_NAMES.get(code, code)),
            "score": score_text(float(d["score"])),
            "rank": "%s (%s–%s)" % (d["rank"], d["rank_low"], d["rank_high"]),
            "tier": str(tier_label(d["tier"])),
        }
        for code, d in result.detail.get("domains", {}).items()
    ]


def pair_of(unit: OrgUnit, version: SchemeVersion | None, language: str) -> dict[str, str]:
    """The unit's linked partner by its scheme's pairs (同奖同罚), shown whatever befell either."""
    pairs = (version.content.get("links") or {}).get("pairs", []) if version else []
    code = next((b if a == unit.code else a for a, b in pairs if unit.code in (a, b)), None)
    partner = unit_by_code(code) if code else None
    if partner is None:
        return {"linked": "", "linked_code": ""}
    return {"linked": partner.display_name(language), "linked_code": partner.code}


def extras(result: QuarterResult, version: SchemeVersion, language: str) -> dict[str, Any]:
    """The unit page's context of kinds, domains, special assessments and the linked unit."""
    english = language.startswith("en")
    partner = result.linked_unit if result.linked_unit_id else None
    return {
        "kind_rows": kind_rows(result, version, english),
        "special_rows": special_rows(result, version, english),
        "domain_rows": domain_rows(result),
        "linked": partner.display_name(language) if partner is not None else "",
        "linked_code": partner.code if partner is not None else "",
    }
