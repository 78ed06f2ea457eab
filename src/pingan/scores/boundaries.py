"""Unit boundaries for the tier map: uploading the office's GeoJSON, validated as a whole."""

from __future__ import annotations

import json
import math
from typing import Any

from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.limits import check_size
from pingan.core.problems import InputRefused, Problem
from pingan.scores.models import UnitBoundary
from pingan.units.models import OrgUnit

GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def boundaries_stamp() -> tuple[int, str]:
    """How many unit boundaries are stored and when the last was uploaded: an upload changes it,
    so a tier map remembered for a run is drawn again with the new outlines."""
    stamp = UnitBoundary.objects.aggregate(count=Count("pk"), last=Max("uploaded_at"))
    return stamp["count"], stamp["last"].isoformat() if stamp["last"] else ""


def upload_boundaries(*, actor: Actor, data: bytes) -> int:
    """Store the outlines of a GeoJSON FeatureCollection, one per unit named by `properties.code`.

    Every problem is listed with the feature's index (0-based, as in the file); nothing is
    written unless every feature is valid. Returns the number of boundaries stored.
    """
    require(actor, "scores.boundaries")
    check_size(len(data))
    collection = _parse(data)
    features = collection["features"]
    codes = dict(OrgUnit.objects.values_list("code", "pk"))
    problems: list[Problem] = []
    valid: dict[str, Any] = {}
    for index, feature in enumerate(features):
        found = _feature_problems(index, feature, codes, valid)
        problems.extend(found)
        if not found:
            valid[feature["properties"]["code"]] = feature["geometry"]
    if problems:
        raise InputRefused(problems)
    with transaction.atomic():
        for code, geometry in valid.items():
            UnitBoundary.objects.update_or_create(
                unit_id=codes[code], defaults={"geometry": geometry, "uploaded_by": actor.user}
            )
        record_event(
            actor=actor,
            event=Event.SCORES_BOUNDARIES_UPLOAD,
            object_type="scores.UnitBoundary",
            detail={"features": len(valid)},
        )
    return len(valid)


def _parse(data: bytes) -> dict[str, Any]:
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputRefused([Problem(None, None, _("the file is larger than 20 MB"))])
    try:
        collection = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputRefused(
            [Problem(None, None, _("the file is not valid JSON: %(error)s") % {"error": exc})]
        ) from exc
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise InputRefused(
            [Problem(None, "type", _("the file is not a GeoJSON FeatureCollection"))]
        )
    if not isinstance(collection.get("features"), list) or not collection["features"]:
        raise InputRefused([Problem(None, "features", _("the FeatureCollection has no features"))])
    return collection


def _feature_problems(
    index: int, feature: Any, codes: dict[str, int], seen: dict[str, Any]
) -> list[Problem]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return [Problem(index, "type", _("not a GeoJSON Feature"))]
    problems = []
    properties = feature.get("properties")
    code = properties.get("code") if isinstance(properties, dict) else None
    if not isinstance(code, str) or not code:
        problems.append(Problem(index, "properties.code", _("missing unit code")))
    elif code not in codes:
        problems.append(
            Problem(index, "properties.code", _("no unit has the code %(code)s") % {"code": code})
        )
    elif code in seen:
        problems.append(
            Problem(index, "properties.code", _("the code %(code)s appears twice") % {"code": code})
        )
    reason = _geometry_problem(feature.get("geometry"))
    if reason:
        problems.append(Problem(index, "geometry", reason))
    return problems


def _geometry_problem(geometry: Any) -> str:
    """Why the geometry cannot be drawn ("" when it is a valid Polygon or MultiPolygon)."""
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
        return _("the geometry must be a Polygon or MultiPolygon")
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        return _("the geometry has no coordinates")
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon or not all(_valid_ring(r) for r in polygon):
            return _(
                "every ring needs at least four [longitude, latitude] positions and must be closed"
            )
    return ""


def _valid_ring(ring: Any) -> bool:
    if not isinstance(ring, list) or len(ring) < 4:
        return False
    for position in ring:
        if not isinstance(position, list) or len(position) < 2:
            return False
        if not all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in position[:2]
        ):
            return False
        if not (-180 <= position[0] <= 180 and -90 <= position[1] <= 90):
            return False
    return bool(ring[0][:2] == ring[-1][:2])
