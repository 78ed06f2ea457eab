"""Loading a scheme: an unchanged file is a no-op, a changed one becomes a new version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core import events
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.schemes.loader import content_hash, parse_scheme
from pingan.schemes.models import (
    ClassIndicator,
    Indicator,
    ReportingBody,
    Scheme,
    SchemeCategory,
    SchemeClass,
    SchemeVersion,
    SpecialAssessment,
    UnitLink,
)

RULE_COLUMNS = ("code", "deduction", "cap", "veto")


@dataclass(frozen=True)
class LoadResult:
    """The version a load produced or found, and whether it is new."""

    version: SchemeVersion
    created: bool


def load_scheme(*, actor: Actor, source: str, office_unit_id: int | None = None) -> LoadResult:
    """Load a scheme file, making a new version only when its content or its office changed.

    `office_unit_id` binds the version to the office of that unit: the scheme then evaluates
    only the units below it (None: the top office, over every unit). The units app refuses a
    binding whose classes or linked units lie outside the office (its scheme subscriber).
    """
    require(actor, "schemes.load")
    content = parse_scheme(source)
    digest = content_hash(content)
    with transaction.atomic():
        scheme, _created = Scheme.objects.get_or_create(code=content["scheme"]["code"])
        latest = scheme.latest_version()
        if (
            latest is not None
            and latest.content_hash == digest
            and latest.office_unit_id == office_unit_id
        ):
            return LoadResult(latest, False)
        number = (latest.number + 1) if latest else 1
        version = _create_version(scheme, number, content, digest, source, office_unit_id)
        record_event(
            actor=actor,
            event=Event.SCHEMES_SCHEME_LOAD,
            obj=version,
            detail=_load_detail(scheme.code, version),
        )
        events.publish(
            events.SCHEME_CHANGED,
            scheme_code=scheme.code,
            reason="scheme.load:%s v%d" % (scheme.code, version.number),
        )
    return LoadResult(version, True)


def _load_detail(code: str, version: SchemeVersion) -> dict[str, Any]:
    """The audit detail of a load: scheme and version, and the office unit when bound."""
    detail: dict[str, Any] = {"scheme": code, "version": version.number}
    if version.office_unit_id is not None:
        detail["office_unit"] = version.office_unit_id
    return detail


def _create_version(
    scheme: Scheme,
    number: int,
    content: dict[str, Any],
    digest: str,
    source: str,
    office_unit_id: int | None = None,
) -> SchemeVersion:
    header = content["scheme"]
    version = SchemeVersion.objects.create(
        scheme=scheme,
        office_unit_id=office_unit_id,
        number=number,
        name_zh=header["name_zh"],
        name_en=header["name_en"],
        content=content,
        content_hash=digest,
        source=source,
        base_score=header["base_score"],
        deadline_day=header["deadline_day"],
        period=header["period"],
        tiers=content["tiers"],
        star_bands=content["stars"],
    )
    bodies = {b["code"]: _upsert_body(b) for b in content["bodies"]}
    indicators = {}
    for position, item in enumerate(content["indicators"]):
        indicators[item["code"]] = Indicator.objects.create(
            version=version,
            code=item["code"],
            name_zh=item["name_zh"],
            name_en=item["name_en"],
            domain=item["domain"],
            category=item.get("category", ""),
            kind=item.get("kind", "count"),
            body=bodies[item["body"]],
            veto=item["veto"],
            position=position,
        )
    for position, item in enumerate(content["classes"]):
        scheme_class = SchemeClass.objects.create(
            version=version,
            code=item["code"],
            name_zh=item["name_zh"],
            name_en=item["name_en"],
            exposure=item["exposure"],
            covariates=item["covariates"],
            position=position,
        )
        ClassIndicator.objects.bulk_create(
            ClassIndicator(
                scheme_class=scheme_class,
                indicator=indicators[rule["code"]],
                deduction=rule["deduction"],
                cap=rule["cap"],
                veto=rule["veto"],
                params={k: v for k, v in rule.items() if k not in RULE_COLUMNS},
                position=p,
            )
            for p, rule in enumerate(item["indicators"])
        )
    _create_groups(version, content)
    return version


def _create_groups(version: SchemeVersion, content: dict[str, Any]) -> None:
    """Categories, special assessments and linked pairs of the version."""
    SchemeCategory.objects.bulk_create(
        SchemeCategory(version=version, position=p, **item)
        for p, item in enumerate(content.get("categories", []))
    )
    SpecialAssessment.objects.bulk_create(
        SpecialAssessment(version=version, position=p, **item)
        for p, item in enumerate(content.get("special", []))
    )
    UnitLink.objects.bulk_create(
        UnitLink(version=version, first_code=a, second_code=b, position=p)
        for p, (a, b) in enumerate(content.get("links", {}).get("pairs", []))
    )


def _upsert_body(item: dict[str, str]) -> ReportingBody:
    body, created = ReportingBody.objects.get_or_create(
        code=item["code"], defaults={"name_zh": item["name_zh"], "name_en": item["name_en"]}
    )
    if not created and (body.name_zh, body.name_en) != (item["name_zh"], item["name_en"]):
        ReportingBody.objects.filter(pk=body.pk).update(
            name_zh=item["name_zh"], name_en=item["name_en"]
        )
    return body
