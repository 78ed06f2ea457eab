"""One to-do rule: the home page's queue panel counts and lists exactly the to-do page's matters."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pingan.core.access.actor import Actor
from pingan.matters import home, selectors
from pingan.matters.actions import workflow
from pingan.matters.waiting import WaitingMatters
from tests.matters.conftest import at


@pytest.fixture
def spread(people, new_matter, units):
    """One matter at the centre, and three at BZ01: named to h1, to h1b, and to nobody."""
    dispatcher = people["dispatcher"][1]
    received = new_matter(now=at("2025-09-01", 9))
    named = {}
    for handler, day in (
        ("handler", "2025-09-02"),
        ("colleague", "2025-09-03"),
        (None, "2025-09-04"),
    ):
        matter = new_matter(now=at(day, 9))
        handler_id = people[handler][0].pk if handler else None
        workflow.dispatch(actor=dispatcher, matter_id=matter.pk, unit_id=units["BZ01"].pk,
                          handler_id=handler_id, now=at(day, 10))  # fmt: skip
        named[handler] = matter
    return received, named


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("person", "expected"),
    [("handler", ["handler", None]), ("colleague", ["colleague", None]), ("other", [])],
)
def test_a_handlers_panel_and_to_do_page_list_the_same_matters(
    client, people, spread, person, expected
):
    _received, named = spread
    user, actor = people[person]
    client.force_login(user)
    page = [m.number for m in client.get(reverse("matters:todo")).context["matters"]]
    panel = home.queue(actor)
    assert page == [named[key].number for key in expected]
    assert [m.number for m in panel["matters"]] == page
    assert panel["total"] == len(page)


@pytest.mark.django_db
def test_the_centres_panel_and_to_do_page_list_the_same_matters(client, people, spread):
    received, _named = spread
    user, actor = people["dispatcher"]
    client.force_login(user)
    page = [m.number for m in client.get(reverse("matters:todo")).context["matters"]]
    assert page == [received.number]
    assert [m.number for m in home.queue(actor)["matters"]] == page
    assert home.queue(actor)["total"] == 1


@pytest.mark.django_db
def test_the_panel_counts_every_matter_of_the_list_beyond_the_first_ten(people, new_matter):
    actor = people["dispatcher"][1]
    for day in range(1, 13):
        new_matter(now=at("2025-09-%02d" % day, 9))
    panel = home.queue(actor)
    assert len(panel["matters"]) == home.QUEUE_LENGTH == 10
    assert panel["total"] == selectors.todo_matters(actor=actor).count() == 12


# The session's user, its roles (with the session check); how many matters wait, how many of them have a deadline; the
# page's ids, then its rows.
QUERIES = 6


@pytest.mark.django_db
def test_every_slice_of_the_waiting_matters_follows_the_to_do_rule(people, spread, units):
    """Matters with a deadline (dispatched to BZ01), then those without (received), as one list."""
    received, named = spread
    dispatcher, handler = people["dispatcher"][1], people["handler"][1]
    both = Actor(user=handler.user, grants=dispatcher.grants + handler.grants, channel="web")
    rule = [m.number for m in selectors.todo_matters(actor=both)]
    assert rule == [named[k].number for k in ("handler", None)] + [received.number]
    waiting = WaitingMatters(both)
    assert waiting.count() == 3
    for start in range(4):
        for stop in range(start, 5):
            assert [m.number for m in waiting[start:stop]] == rule[start:stop]


@pytest.mark.django_db
def test_the_to_do_page_shows_a_page_with_the_total_and_links_to_the_rest(
    client, people, new_matter, monkeypatch, django_assert_num_queries
):
    from pingan.matters.views import matters as views

    monkeypatch.setattr(views, "TODO_PAGE_SIZE", 2)
    made = [new_matter(now=at("2025-09-%02d" % day, 9)) for day in range(1, 6)]
    client.force_login(people["dispatcher"][0])
    client.get(reverse("matters:todo"))  # warm caches (session, permissions)
    with django_assert_num_queries(QUERIES):
        first = client.get(reverse("matters:todo"), HTTP_ACCEPT_LANGUAGE="en")
    assert [m.number for m in first.context["matters"]] == [made[0].number, made[1].number]
    assert (first.context["total"], first.context["after"]) == (5, 3)
    text = first.content.decode()
    assert "Matters 1–2 of 5 waiting for you." in text
    assert '<a href="?page=2" data-testid="todo-more">3 more matters on the next pages</a>' in text
    with django_assert_num_queries(QUERIES):
        last = client.get(reverse("matters:todo") + "?page=3", HTTP_ACCEPT_LANGUAGE="en")
    assert [m.number for m in last.context["matters"]] == [made[4].number]
    assert last.context["after"] == 0
    assert "Matters 5–5 of 5 waiting for you." in last.content.decode()
    assert "todo-more" not in last.content.decode()
    chinese = client.get(reverse("matters:todo"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "等待您处理的事项共 5 件，此页为第 1–2 件。" in chinese
    assert "后面各页还有 3 件事项" in chinese
