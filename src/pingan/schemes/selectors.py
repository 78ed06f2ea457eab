"""Reads of schemes: the current version, its classes and indicators, and its JSON form."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.problems import InputRefused, Problem
from pingan.schemes.models import ClassIndicator, Scheme, SchemeClass, SchemeVersion

DOMAIN_NAMES = {
    "social": _("social conditions"),
    "police": _("police incidents"),
    "cases": _("cases"),
    "opinion": _("public opinion"),
    "safety": _("safety"),
    "petition": _("petitions"),
    "governance": _("governance"),
    "other": _("other"),
}
"""Names of the domains an indicator may belong to (社情, 警情, 案情, 舆情 …)."""


def known_class_codes() -> set[str]:
    """Class codes of the latest version of every loaded scheme."""
    codes: set[str] = set()
    for scheme in Scheme.objects.all():
        latest = scheme.latest_version()
        if latest is not None:
            codes.update(latest.classes.values_list("code", flat=True))
    return codes


def dropped_class_codes(scheme_code: str) -> set[str]:
    """Class codes the scheme's latest version no longer has that its previous version had."""
    versions = list(SchemeVersion.objects.filter(scheme__code=scheme_code).order_by("-number")[:2])
    if len(versions) < 2:
        return set()
    latest, previous = versions
    return set(previous.classes.values_list("code", flat=True)) - set(
        latest.classes.values_list("code", flat=True)
    )


def current_version(code: str | None = None) -> SchemeVersion | None:
    """The latest version of the named scheme, or when no code is given of the top office's
    scheme: the first scheme loaded whose latest version is bound to no office (the first
    scheme loaded when every one is bound to an office).
    """
    latest = _latest_versions(code)
    if code or not latest:
        return latest[0] if latest else None
    unbound = [v for v in latest if v.office_unit_id is None]
    return (unbound or latest)[0]


def _latest_versions(code: str | None = None) -> list[SchemeVersion]:
    """The latest version of every scheme (of the named one), in loading order, in one query.

    Every page asks for the scheme in force, some several times: the query is written out, as
    building the ORM's correlated subquery took longer than the database took to answer it.
    """
    sql = _LATEST_VERSIONS
    params: list[str] = []
    if code:
        sql += _OF_SCHEME
        params.append(code)
    return list(SchemeVersion.objects.raw(sql + ' ORDER BY v."scheme_id"', params))


_LATEST_VERSIONS = (
    'SELECT v.* FROM "schemes_schemeversion" v WHERE v."number" = (SELECT MAX(u."number") '
    'FROM "schemes_schemeversion" u WHERE u."scheme_id" = v."scheme_id")'
)
_OF_SCHEME = ' AND v."scheme_id" IN (SELECT s."id" FROM "schemes_scheme" s WHERE s."code" = %s)'


def versions_in_force() -> list[SchemeVersion]:
    """The latest version of every scheme, one per office or several, in loading order."""
    return _latest_versions()


def office_versions(office_unit_ids: set[int]) -> list[SchemeVersion]:
    """The schemes in force bound to one of the given office units, in loading order."""
    return [v for v in versions_in_force() if v.office_unit_id in office_unit_ids]


def get_version(code: str, number: int | None = None) -> SchemeVersion | None:
    """A given version of a scheme, or its latest when no number is given."""
    if number is None:
        return current_version(code)
    return SchemeVersion.objects.filter(scheme__code=code, number=number).first()


def schemes_with_latest(*, actor: Actor) -> list[tuple[Scheme, SchemeVersion | None]]:
    """Every scheme by code, with its latest version."""
    require(actor, "schemes.view")
    return [(s, s.latest_version()) for s in Scheme.objects.order_by("code")]


def versions_of(*, actor: Actor, scheme: Scheme) -> list[SchemeVersion]:
    """Every version of the scheme, newest first."""
    require(actor, "schemes.view")
    return list(scheme.versions.order_by("-number"))


def version_classes(version: SchemeVersion) -> list[SchemeClass]:
    """The version's classes in scheme order."""
    return list(version.classes.order_by("position"))


def class_rules(scheme_class: SchemeClass) -> list[ClassIndicator]:
    """The class's indicator rules in scheme order, with indicator and body loaded."""
    return list(
        scheme_class.rules.select_related("indicator", "indicator__body").order_by("position")
    )


def scheme_as_dict(version: SchemeVersion, language: str = "zh-hans") -> dict[str, Any]:
    """The version as `pingan scheme show --format json` prints it."""
    classes = version.classes.prefetch_related("rules__indicator__body").order_by("position")
    return {
        "code": version.scheme.code,
        "version": version.number,
        "name": version.display_name(language),
        "base_score": version.base_score,
        "deadline_day": version.deadline_day,
        "illustrative": version.content["scheme"]["illustrative"],
        "classes": [
            {
                "code": c.code,
                "name": c.display_name(language),
                "exposure": c.exposure,
                "covariates": c.covariates,
                "indicators": [rule.as_dict(language) for rule in c.rules.all()],
            }
            for c in classes
        ],
        "tiers": version.tiers,
        "stars": version.star_bands,
        "relative": version.content["relative"],
        "completeness": {"policy": completeness_policy(version)},
        "period": scheme_period(version),
        "indicators": [
            {
                "code": i["code"],
                "name": (i["name_en"] if language.startswith("en") else i["name_zh"]),
                "kind": i.get("kind", "count"),
                "domain": i["domain"],
                "category": i.get("category", ""),
            }
            for i in version.content["indicators"]
        ],
        "domains": domains_of(version, language),
        "special": version.content.get("special", []),
        "links": version.content.get("links"),
        "bodies": [
            {"code": b["code"], "name": b["name_en"] if language.startswith("en") else b["name_zh"]}
            for b in version.content["bodies"]
        ],
    }


def scheme_links(scheme_code: str) -> tuple[list[str], list[list[str]]]:
    """The linked classes and pairs of unit codes of the scheme's latest version (none: [], [])."""
    version = current_version(scheme_code)
    if version is None:
        return [], []
    links = version.content.get("links") or {}
    return list(links.get("classes", [])), [list(p) for p in links.get("pairs", [])]


def scheme_period(version: SchemeVersion) -> str:
    """The version's scoring period: "month", "quarter" or "year"."""
    return str(version.content["scheme"].get("period", "quarter"))


def domains_of(version: SchemeVersion, language: str = "zh-hans") -> list[dict[str, Any]]:
    """Domains with their categories and indicator codes, in the order the scheme first uses them."""
    categories = version.content.get("categories", [])
    english = language.startswith("en")
    out: dict[str, dict[str, Any]] = {}
    for item in version.content["indicators"]:
        domain = out.setdefault(
            item["domain"],
            {
                "code": item["domain"],
                "name": str(DOMAIN_NAMES.get(item["domain"], item["domain"])),
                "categories": [],
                "indicators": [],
            },
        )
        domain["indicators"].append(item["code"])
    for category in categories:
        holder = out.get(category["domain"])
        if holder is None:
            continue
        holder["categories"].append(
            {
                "code": category["code"],
                "name": (category["name_en"] or category["name_zh"])
                if english
                else category["name_zh"],
                "indicators": [
                    i["code"]
                    for i in version.content["indicators"]
                    if i.get("category") == category["code"]
                ],
            }
        )
    return list(out.values())


def completeness_policy(version: SchemeVersion) -> str:
    """What the version does with a unit that misses a month: "withhold" or "impute".

    Versions loaded before the setting existed withhold.
    """
    return str(version.content.get("completeness", {}).get("policy", "withhold"))


def office_unit_id(code: str) -> int:
    """The id of the unit of this code, to bind a scheme to its office; refused when unknown.

    Units sit beside schemes (they read schemes), so the unit model is reached through the
    binding's foreign key rather than imported.
    """
    units = SchemeVersion._meta.get_field("office_unit").related_model
    found = units._default_manager.filter(code=code).values_list("pk", flat=True).first()  # type: ignore[union-attr]
    if found is None:
        raise InputRefused([Problem(None, "--office", _("unknown unit %(code)s") % {"code": code})])
    return int(found)


def scheme_office(scheme_code: str) -> tuple[int | None, list[str]]:
    """The office unit id the scheme's latest version is bound to (None: the top office) and
    its class codes in scheme order."""
    version = current_version(scheme_code)
    if version is None:
        return None, []
    return version.office_unit_id, [c["code"] for c in version.content["classes"]]


def office_code(version: SchemeVersion) -> str:
    """The code of the unit whose office the version is bound to ("" for the top office)."""
    office = version.office_unit
    return str(office.code) if office is not None else ""  # type: ignore[attr-defined]
