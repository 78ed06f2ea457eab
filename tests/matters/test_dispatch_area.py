"""A centre granted at a unit works its own area: it sees the matters reported there, dispatches
within the area or up to the levels above it, and never sideways into a neighbour's area; the
dispatch form offers exactly those units, and an empty choice is refused by name."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from pingan.core.problems import InputRefused
from pingan.matters import selectors
from pingan.matters.actions import workflow
from pingan.matters.dispatch_area import dispatch_units, may_dispatch_to
from pingan.matters.forms import units_by_parent
from pingan.matters.models import Matter, MatterEvent, Status
from pingan.units.models import OrgUnit


@pytest.fixture
def county_centre(units, make_user, actor_of):
    """A dispatcher of the Bincheng District (BZ01) office, as user and actor."""
    user = make_user("dispatcher", unit="BZ01", username="bincheng-centre")
    return user, actor_of(user)


def _codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


@pytest.mark.django_db
def test_the_county_centre_dispatches_within_its_area_and_upwards_only(units, county_centre):
    _user, actor = county_centre
    offered = _codes(dispatch_units(actor))
    assert offered == {"BZ", *(c for c in units if c.startswith("BZ01"))}
    assert "BZ02" not in offered and "BZ0201" not in offered
    assert may_dispatch_to(actor, units["BZ0101"].pk) is True
    assert may_dispatch_to(actor, units["BZ"].pk) is True
    assert may_dispatch_to(actor, units["BZ0201"].pk) is False


@pytest.mark.django_db
def test_the_office_wide_centre_is_offered_every_unit(units, people):
    actor = people["dispatcher"][1]
    assert dispatch_units(actor).count() == OrgUnit.objects.count() == len(units)
    assert may_dispatch_to(actor, units["BZ0201"].pk) is True


@pytest.mark.django_db
def test_the_county_centre_sees_new_matters_of_its_area_not_a_neighbours(new_matter, county_centre):
    ours = new_matter(place="BZ0101")
    theirs = new_matter(place="BZ0201")
    visible = set(selectors.visible_matters(actor=county_centre[1]).values_list("pk", flat=True))
    assert visible == {ours.pk}
    assert theirs.responsible_unit_id is None


@pytest.mark.django_db
def test_dispatching_sideways_is_refused_and_changes_nothing(units, new_matter, county_centre):
    matter = new_matter(place="BZ0101")
    events = MatterEvent.objects.count()
    with pytest.raises(InputRefused) as refused:
        workflow.dispatch(
            actor=county_centre[1], matter_id=matter.pk, unit_id=units["BZ0201"].pk, handler_id=None
        )
    assert [(p.column, p.reason) for p in refused.value.problems] == [
        ("unit", "this unit is outside your office's area and the levels above it")
    ]
    matter.refresh_from_db()
    assert (matter.status, matter.responsible_unit_id) == (Status.RECEIVED, None)
    assert MatterEvent.objects.count() == events
    done = workflow.dispatch(
        actor=county_centre[1], matter_id=matter.pk, unit_id=units["BZ0102"].pk, handler_id=None
    )
    assert (done.status, done.responsible_unit_id) == (Status.DISPATCHED, units["BZ0102"].pk)


@pytest.mark.django_db
def test_the_matter_page_offers_the_area_and_nothing_chosen_outside_it(
    units, new_matter, county_centre
):
    user, _actor = county_centre
    matter = new_matter(place="BZ0101")
    browser = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    browser.force_login(user)
    page = browser.get("/matters/%d/" % matter.pk, secure=True).content.decode()
    assert page.count('<option value="%d"' % units["BZ0101"].pk) == 1
    assert '<option value="%d"' % units["BZ0201"].pk not in page
    assert '<option value="%d" selected>' % units["BZ0101"].pk in page  # the place itself
    city, district = units["BZ"].name_zh, units["BZ01"].name_zh
    assert page.index('<option value="%d">' % units["BZ"].pk) < page.index("<optgroup")
    group = page.index('<optgroup label="%s · %s">' % (city, district))
    assert group < page.index('<option value="%d" selected>' % units["BZ0101"].pk)
    assert '<optgroup label="%s">' % city in page  # the district itself, under the city


@pytest.mark.django_db
def test_units_are_offered_under_their_parent_and_the_unit_above_it(units):
    with translation.override("en"):
        choices = units_by_parent(OrgUnit.objects.order_by("code"), "en")
    assert choices[0] == (str(units["BZ"].pk), "Binzhou (demo)")
    labels = [label for label, inner in choices[1:]]
    assert labels[:2] == ["Binzhou (demo)", "Binzhou (demo) · Bincheng District"]
    parents = {u.parent_id for u in units.values() if u.parent_id is not None}
    assert len(labels) == len(set(labels)) == len(parents) == 8
    districts = dict(choices[1:])["Binzhou (demo)"]
    assert [name for _pk, name in districts][:2] == ["Bincheng District", "Zhanhua District"]
    assert sum(len(inner) for _label, inner in choices[1:]) == len(units) - 1


@pytest.mark.django_db
def test_an_empty_unit_is_refused_by_name(units, new_matter, people):
    user = people["dispatcher"][0]
    matter = new_matter(place="BZ0101")
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(user)
    answer = browser.post(
        "/matters/%d/centre/dispatch/" % matter.pk,
        {"unit": "", "reason": ""},
        secure=True,
        follow=True,
    )
    assert "choose the responsible unit" in answer.content.decode()
    assert Matter.objects.get(pk=matter.pk).status == Status.RECEIVED


@pytest.mark.django_db
def test_a_handler_is_offered_no_unit_and_may_dispatch_nowhere(
    units, people, django_assert_num_queries
):
    actor = people["handler"][1]
    with django_assert_num_queries(0):
        assert list(dispatch_units(actor)) == []
        assert may_dispatch_to(actor, units["BZ0101"].pk) is False
