"""Categories, special assessments and linked units in a scheme file, checked with their place.

- ``[[categories]]``: ``code``, names and the ``domain`` the category belongs to; an indicator
  names its ``category`` and takes the category's domain.
- ``[[special]]``: a named set of ``indicators`` with its own ``base`` score and the lines
  ``key_management_below`` and ``veto_below`` that put a unit under key management (重点管理)
  or veto (一票否决) for the period.
- ``[links]``: ``classes = [first, second]`` and ``pairs = [[unit, unit], ...]``: a veto or key
  management of one unit of a pair applies to both. That each unit is in its class is checked
  against the units when the scheme is loaded (units' subscriber of the scheme change).

Each section appears in the normalised content only when the file has it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from pingan.schemes.checker import Checker, choice

DOMAINS = ("social", "police", "cases", "opinion", "safety", "petition", "governance", "other")
CODE_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
UNIT_CODE_LIMIT = 64


def categories(check: Checker, items: Any) -> list[dict[str, str]]:
    """The categories of indicators, each in a domain."""
    if items in (None, []):
        return []
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for where, item in check.entries(items, "categories", _("must list categories")):
        code = check.text(item, "code", where, limit=40)
        check.once(code, where, seen)
        out.append(
            {
                "code": code,
                "name_zh": check.text(item, "name_zh", where),
                "name_en": check.text(item, "name_en", where, required=False, limit=150),
                "domain": choice(check, item, "domain", where, DOMAINS, "other"),
            }
        )
    return out


def indicator_domain(
    check: Checker, item: dict[str, Any], where: str, known: dict[str, dict[str, str]]
) -> dict[str, str]:
    """The indicator's domain, and its category when it names one."""
    if "category" not in item:
        return {"domain": choice(check, item, "domain", where, DOMAINS, "other")}
    code = item["category"]
    category = known.get(code) if isinstance(code, str) else None
    if category is None:
        check.fail(where + "category", _("unknown category %(code)s") % {"code": code})
        return {"domain": choice(check, item, "domain", where, DOMAINS, "other")}
    domain = choice(check, item, "domain", where, DOMAINS, category["domain"])
    if domain != category["domain"]:
        check.fail(
            where + "domain",
            _("category %(code)s is in domain %(domain)s")
            % {"code": code, "domain": category["domain"]},
        )
    return {"domain": category["domain"], "category": code}


def specials(check: Checker, items: Any, indicators: set[str]) -> list[dict[str, Any]]:
    """The special assessments: a set of indicators, a base and the two lines."""
    if items in (None, []):
        return []
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for where, item in check.entries(items, "special", _("must list special assessments")):
        code = check.text(item, "code", where, limit=40)
        check.once(code, where, seen)
        members = item.get("indicators")
        if not isinstance(members, list) or not members:
            check.fail(where + "indicators", _("must list indicator codes"))
            members = []
        for i, member in enumerate(members):
            if member not in indicators:
                check.fail(
                    "%sindicators[%d]" % (where, i),
                    _("unknown indicator %(code)s") % {"code": member},
                )
        base = check.number(item, "base", where, default=100, minimum=1) or 100.0
        key = check.number(item, "key_management_below", where)
        veto = check.number(item, "veto_below", where)
        if key is None and veto is None:
            check.fail(where + "veto_below", _("a special assessment needs at least one line"))
        if key is not None and veto is not None and veto > key:
            check.fail(where + "veto_below", _("must not lie above key_management_below"))
        out.append(
            {
                "code": code,
                "name_zh": check.text(item, "name_zh", where),
                "name_en": check.text(item, "name_en", where, required=False, limit=150),
                "indicators": [str(m) for m in members],
                "base": base,
                "key_management_below": key,
                "veto_below": veto,
            }
        )
    return out


def links(check: Checker, table: Any, classes: set[str]) -> dict[str, Any] | None:
    """The linked classes and pairs of unit codes; None when the file has no links."""
    if table is None:
        return None
    if not isinstance(table, dict):
        check.fail("links", _("must be a table"))
        return None
    pair_classes = table.get("classes")
    if (
        not isinstance(pair_classes, list)
        or len(pair_classes) != 2
        or pair_classes[0] == pair_classes[1]
    ):
        check.fail("links.classes", _("must name two different classes"))
        pair_classes = ["", ""]
    for i, code in enumerate(pair_classes):
        if code and code not in classes:
            check.fail("links.classes[%d]" % i, _("unknown class %(code)s") % {"code": code})
    pairs = table.get("pairs", [])
    if not isinstance(pairs, list):
        check.fail("links.pairs", _("must list pairs of unit codes"))
        pairs = []
    out: list[list[str]] = []
    seen: set[str] = set()
    for i, pair in enumerate(pairs):
        where = "links.pairs[%d]" % i
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(c, str) and 0 < len(c) <= UNIT_CODE_LIMIT for c in pair)
        ):
            check.fail(where, _("must be [unit code, unit code]"))
            continue
        for j, code in enumerate(pair):
            if code in seen:
                check.fail(
                    "%s[%d]" % (where, j), _("unit %(code)s is in two pairs") % {"code": code}
                )
            seen.add(code)
        out.append([pair[0], pair[1]])
    for key in sorted(set(table) - {"classes", "pairs"}):
        check.fail("links." + key, _("unknown key"))
    return {"classes": [str(c) for c in pair_classes], "pairs": out}
