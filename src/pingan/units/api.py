"""API: units visible to the caller."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from pingan.core.access.actor import actor_from_request
from pingan.units.selectors import visible_units

router = Router(tags=["units"])


class UnitOut(Schema):
    """A unit as the API returns it."""

    code: str
    name_zh: str
    name_en: str
    eval_class: str
    level: int
    parent_code: str | None
    opened_on: dt.date | None
    closed_on: dt.date | None


@router.get("/", response=list[UnitOut], summary="Units you may see")
def unit_list(request: HttpRequest, eval_class: str = "") -> list[UnitOut]:
    """Units, optionally of one class."""
    units = visible_units(actor=actor_from_request(request, channel="api"), eval_class=eval_class)
    return [
        UnitOut(
            code=u.code,
            name_zh=u.name_zh,
            name_en=u.name_en,
            eval_class=u.eval_class,
            level=u.level,
            parent_code=u.parent.code if u.parent else None,
            opened_on=u.opened_on,
            closed_on=u.closed_on,
        )
        for u in units
    ]
