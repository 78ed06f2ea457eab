"""ancestors() agrees at depth 6 for every app that scopes by unit.

A viewer of the top unit of a chain of seven units sees the deepest unit wherever units are
scoped (the units list and API, the scores pages, selectors and API), and a handler of the top
unit sees the matters of the deepest; a viewer or handler of the deepest unit is refused the top
one. Bulletins are office-wide documents and reporting is scoped by
reporting body, so neither scopes by unit.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.utils import timezone

from pingan.core.access.actor import actor_for_user
from pingan.matters.actions.catalogue import ensure_defaults
from pingan.matters.models import Category, Channel, Grade, Matter
from pingan.matters.selectors import handlers_of, matter_for, visible_matters
from pingan.scores.selectors import unit_in_scope, visible_unit_ids
from pingan.units.models import OrgUnit
from pingan.units.selectors import require_unit_in_scope, visible_units
from pingan.units.tree import ancestors
from tests.units.test_tree import DEPTH, make_chain


@pytest.fixture
def chain(binzhou):
    """Seven units, T0 at the top, T6 at depth 6."""
    return make_chain()


@pytest.fixture
def top_viewer(chain, make_user):
    """A unit viewer of the top unit."""
    return make_user("unit_viewer", unit="T0")


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_deepest_unit_has_six_ancestors(chain):
    assert ancestors(chain[DEPTH].pk) == tuple(u.pk for u in reversed(chain[:DEPTH]))


def test_units_shows_the_deepest_unit_to_a_viewer_of_the_top(chain, top_viewer):
    actor = actor_for_user(top_viewer, channel="web")
    assert sorted(visible_units(actor=actor).values_list("code", flat=True)) == [
        "T%d" % i for i in range(DEPTH + 1)
    ]
    require_unit_in_scope(actor=actor, action="units.view", unit_id=chain[DEPTH].pk)
    listed = _client(top_viewer).get("/api/units/").json()
    assert [u["code"] for u in listed] == ["T%d" % i for i in range(DEPTH + 1)]


def test_scores_shows_the_deepest_unit_to_a_viewer_of_the_top(chain, top_viewer):
    actor = actor_for_user(top_viewer, channel="web")
    assert visible_unit_ids(actor) == {u.pk for u in chain}
    assert unit_in_scope(actor=actor, unit_code="T6") == chain[DEPTH]
    assert _client(top_viewer).get("/scores/unit/T6/").status_code == 200


def test_a_viewer_of_the_deepest_unit_is_refused_the_top(chain, make_user):
    viewer = make_user("unit_viewer", unit="T6")
    actor = actor_for_user(viewer, channel="web")
    assert visible_unit_ids(actor) == {chain[DEPTH].pk}
    assert list(visible_units(actor=actor).values_list("code", flat=True)) == ["T6"]
    with pytest.raises(PermissionDenied):
        unit_in_scope(actor=actor, unit_code="T0")
    with pytest.raises(PermissionDenied):
        require_unit_in_scope(actor=actor, action="units.view", unit_id=chain[0].pk)
    assert _client(viewer).get("/scores/unit/T0/").status_code == 403


def _matter_at(unit: OrgUnit) -> Matter:
    """A matter received at the unit and with it."""
    return Matter.objects.create(
        number="M-" + unit.code,
        category=Category.objects.order_by("pk").first(),
        grade=Grade.objects.order_by("pk").first(),
        description="楼上装修噪音",
        place_unit=unit,
        responsible_unit=unit,
        channel=Channel.PHONE,
        public_token="token-" + unit.code,
        received_at=timezone.now(),
    )


def test_matters_shows_the_deepest_unit_to_a_handler_of_the_top(chain, make_user):
    ensure_defaults()
    deep_matter, top_matter = _matter_at(chain[DEPTH]), _matter_at(chain[0])
    top = make_user("handler", unit="T0", username="top")
    deep = make_user("handler", unit="T6", username="deep")
    top_actor = actor_for_user(top, channel="web")
    deep_actor = actor_for_user(deep, channel="web")
    assert sorted(m.number for m in visible_matters(actor=top_actor)) == ["M-T0", "M-T6"]
    assert matter_for(actor=top_actor, matter_id=deep_matter.pk) == deep_matter
    assert handlers_of(chain[DEPTH].pk) == [deep, top]
    assert [m.number for m in visible_matters(actor=deep_actor)] == ["M-T6"]
    with pytest.raises(Http404):
        matter_for(actor=deep_actor, matter_id=top_matter.pk)
    assert handlers_of(chain[0].pk) == [top]


def _township_pair(chain: list[OrgUnit]) -> list[OrgUnit]:
    """A second township beside chain[3] under the county chain[2], with a village of its own."""
    township = OrgUnit.objects.create(code="S2", name_zh="乡镇二", parent=chain[2], level=3)
    village = OrgUnit.objects.create(code="V2", name_zh="村二", parent=township, level=4)
    return [township, village]


def test_a_township_viewer_is_refused_a_sibling_township_and_the_county_sees_both(chain, make_user):
    sibling = _township_pair(chain)
    own = make_user("unit_viewer", unit="T3")
    county = make_user("unit_viewer", unit="T2")
    own_actor = actor_for_user(own, channel="web")
    county_actor = actor_for_user(county, channel="web")
    assert sorted(visible_units(actor=own_actor).values_list("code", flat=True)) == [
        "T3",
        "T4",
        "T5",
        "T6",
    ]
    for unit in sibling:
        with pytest.raises(PermissionDenied):
            require_unit_in_scope(actor=own_actor, action="units.view", unit_id=unit.pk)
        require_unit_in_scope(actor=county_actor, action="units.view", unit_id=unit.pk)
    assert visible_unit_ids(county_actor) == {u.pk for u in chain[2:] + sibling}
    assert _client(own).get("/scores/unit/V2/").status_code == 403
    assert _client(county).get("/scores/unit/V2/").status_code == 200
    assert _client(county).get("/scores/unit/T6/").status_code == 200
