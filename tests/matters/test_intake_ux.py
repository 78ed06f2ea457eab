"""Matters without silent defaults: required grade, channel from the route, ticket numbers,
similar open matters offered for merging, actions by state, deadline labels, the to-do view."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pingan.audit.events import Event, stored_names
from pingan.audit.models import AuditRecord
from pingan.core.problems import InputRefused
from pingan.matters import selectors
from pingan.matters.actions import workflow
from pingan.matters.due import due_label, due_label_for_date
from pingan.matters.forms import FollowUpForm
from pingan.matters.models import Matter
from tests.matters.conftest import at

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
FIELDS = {"category": "neighbour_noise", "grade": "2", "description": "楼道堆放杂物引发争执",
          "place": "BZ0101"}  # fmt: skip
TODAY = dt.date(2026, 11, 28)


def _new(route: str = "phone") -> str:
    return reverse("matters:new", kwargs={"route": route})


@pytest.mark.parametrize(
    ("days", "kind", "text"),
    [
        (-90, "overdue", "overdue by 90 days"),
        (-1, "overdue", "overdue by 1 day"),
        (0, "today", "due today"),
        (1, "soon", "due soon (in 1 day)"),
        (2, "soon", "due soon (in 2 days)"),
        (3, "later", "due in 3 days"),
    ],
)
def test_one_function_labels_a_deadline_at_its_boundaries(days, kind, text):
    label = due_label_for_date(TODAY + dt.timedelta(days=days), TODAY)
    assert label is not None
    assert (label.kind, label.text, label.due) == (kind, text, TODAY + dt.timedelta(days=days))


def test_no_deadline_no_label():
    assert due_label_for_date(None, TODAY) is None


@pytest.mark.django_db
def test_a_closed_matter_has_no_deadline_label_and_a_dispatched_one_counts_its_sign_for_date(
    new_matter, people, units
):
    matter = new_matter(now=at("2025-09-01", 9))
    workflow.dispatch(actor=people["dispatcher"][1], matter_id=matter.pk,
                      unit_id=units["BZ01"].pk, handler_id=None, now=at("2025-09-01", 10))  # fmt: skip
    matter.refresh_from_db()
    assert matter.sign_due < matter.handle_due
    label = due_label(matter, matter.handle_due + dt.timedelta(days=100))
    assert label is not None and (label.kind, label.due) == ("overdue", matter.sign_due)
    Matter.objects.filter(pk=matter.pk).update(status="closed")
    matter.refresh_from_db()
    assert due_label(matter, matter.handle_due + dt.timedelta(days=100)) is None


@pytest.mark.django_db
def test_a_post_without_grade_is_refused_with_a_clear_message(client, people):
    client.force_login(people["dispatcher"][0])
    response = client.post(_new(), {**FIELDS, "grade": ""}, **EN)
    assert response.status_code == 200
    assert "Choose a grade: nothing is preselected." in response.content.decode()
    assert Matter.objects.count() == 0


@pytest.mark.django_db
def test_the_service_refuses_a_matter_without_grade(people):
    with pytest.raises(InputRefused) as refused:
        from pingan.matters.actions import intake

        intake.intake_matter(actor=people["dispatcher"][1], category_code="neighbour_noise",
                             grade_level=None, description="x", place_unit_code="BZ0101",
                             channel="phone")  # fmt: skip
    assert [(p.column, p.reason) for p in refused.value.problems] == [
        ("grade", "choose a grade: nothing is preselected")
    ]


@pytest.mark.django_db
def test_the_intake_form_preselects_nothing(client, people):
    client.force_login(people["dispatcher"][0])
    form = client.get(_new()).context["form"]
    assert [form["category"].value(), form["grade"].value(), form["place"].value()] == [
        None,
        None,
        None,
    ]
    assert "channel" not in form.fields
    assert "ticket_number" in form.fields
    assert "ticket_number" not in client.get(_new("visit")).context["form"].fields


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "channel"), [("phone", "phone"), ("visit", "visit"), ("web", "web")]
)
def test_the_channel_comes_from_the_intake_route(client, people, route, channel):
    client.force_login(people["dispatcher"][0])
    response = client.post(_new(route), {**FIELDS, "channel": "api"})  # a posted channel is ignored
    assert response.status_code == 302
    assert Matter.objects.get().channel == channel


@pytest.mark.django_db
def test_an_unknown_route_is_not_found(client, people):
    client.force_login(people["dispatcher"][0])
    assert client.get(_new("fax")).status_code == 404


@pytest.mark.django_db
def test_a_hotline_ticket_number_is_unique_per_channel(client, people, new_matter):
    first = new_matter(channel="phone", ticket_number="12345-0007")
    client.force_login(people["dispatcher"][0])
    response = client.post(_new(), {**FIELDS, "ticket_number": "12345-0007"}, **EN)
    assert response.status_code == 200
    assert response.context["form"].errors["ticket_number"] == [
        "ticket 12345-0007 is already recorded as matter %s" % first.number
    ]
    assert Matter.objects.count() == 1
    new_matter(channel="visit", ticket_number="12345-0007")  # another channel: allowed
    new_matter(channel="phone", ticket_number="")
    new_matter(channel="phone", ticket_number="")  # no number: never a duplicate
    assert Matter.objects.count() == 4


@pytest.mark.django_db
def test_similar_open_matters_are_same_place_same_category_last_30_days(people, new_matter):
    now = at("2025-10-10", 12)
    match = new_matter(now=at("2025-10-01", 9))
    new_matter(now=at("2025-09-09", 9))  # 31 days before: too old
    new_matter(now=at("2025-10-02", 9), place="BZ0102")  # another place
    new_matter(now=at("2025-10-02", 9), category_code="labour_wages")  # another category
    rejected = new_matter(now=at("2025-10-03", 9))
    workflow.reject(actor=people["dispatcher"][1], matter_id=rejected.pk, reason="不属于受理范围",
                    now=at("2025-10-03", 10))  # fmt: skip
    dispatcher = people["dispatcher"][1]
    found = selectors.similar_open_matters(
        actor=dispatcher, category_code="neighbour_noise", place_unit_code="BZ0101", now=now
    )
    assert [m.number for m in found] == [match.number]


@pytest.mark.django_db
def test_the_similar_lookup_answers_json(client, people, new_matter):
    match = new_matter(now=timezone.now() - dt.timedelta(days=2))
    client.force_login(people["dispatcher"][0])
    url = reverse("matters:similar")
    data = client.get(url, {"category": "neighbour_noise", "place": "BZ0101"}).json()
    assert [m["number"] for m in data["matters"]] == [match.number]
    assert data["matters"][0]["url"] == reverse("matters:detail", args=[match.pk])
    assert client.get(url, {"category": "labour_wages", "place": "BZ0101"}).json() == {
        "matters": []
    }


@pytest.mark.django_db
def test_the_new_matter_page_offers_the_merge_and_the_merge_is_audited(client, people, new_matter):
    original = new_matter(now=timezone.now() - dt.timedelta(days=3))
    duplicate = new_matter(now=timezone.now() - dt.timedelta(hours=1))
    client.force_login(people["dispatcher"][0])
    page = client.get(reverse("matters:detail", args=[duplicate.pk]))
    assert [m.number for m in page.context["similar"]] == [original.number]
    merge_url = reverse("matters:centre_action", args=[duplicate.pk, "merge"])
    assert merge_url in page.content.decode()
    client.post(merge_url, {"original": original.number, "reason": "同一事项"})
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == ("merged", original.pk)
    merged = AuditRecord.objects.filter(event__in=stored_names(Event.MATTERS_MATTER_MERGE))
    assert list(merged.values_list("object_id", flat=True)) == [str(duplicate.pk)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "offered"),
    [("dispatched", True), ("closed", False), ("archived", False), ("visited", False)],
)
def test_raise_a_level_is_offered_only_while_the_matter_is_open(
    client, people, new_matter, units, status, offered
):
    matter = new_matter()
    workflow.dispatch(actor=people["dispatcher"][1], matter_id=matter.pk,
                      unit_id=units["BZ01"].pk, handler_id=None)  # fmt: skip
    Matter.objects.filter(pk=matter.pk).update(status=status)
    client.force_login(people["dispatcher"][0])
    page = client.get(reverse("matters:detail", args=[matter.pk])).content.decode()
    raise_url = reverse("matters:centre_action", args=[matter.pk, "raise"])
    assert (raise_url in page) is offered


@pytest.mark.django_db
def test_reject_and_archive_ask_for_confirmation(client, people, new_matter):
    matter = new_matter()
    client.force_login(people["dispatcher"][0])
    page = client.get(reverse("matters:detail", args=[matter.pk])).content.decode()
    reject = reverse("matters:centre_action", args=[matter.pk, "reject"])
    assert '<form method="post" action="%s" data-confirm="' % reject in page
    workflow.reject(actor=people["dispatcher"][1], matter_id=matter.pk, reason="转法院")
    page = client.get(reverse("matters:detail", args=[matter.pk])).content.decode()
    archive = reverse("matters:review_action", args=[matter.pk, "archive"])
    assert '<form method="post" action="%s" data-confirm="' % archive in page


@pytest.mark.parametrize(("outcome", "resolved"), [("resolved", "yes"), ("unresolved", "no"),
                                                   ("partly", ""), ("", "")])  # fmt: skip
def test_follow_up_prefills_resolved_from_the_handler_report_and_nothing_else(outcome, resolved):
    form = FollowUpForm.for_outcome(outcome)
    assert (form["resolved"].value(), form["satisfaction"].value()) == (resolved, None)


@pytest.mark.django_db
def test_a_follow_up_without_choices_is_refused(people, new_matter):
    matter = new_matter()
    with pytest.raises(InputRefused) as refused:
        workflow.follow_up(actor=people["dispatcher"][1], matter_id=matter.pk,
                           satisfaction=None, resolved=None)  # fmt: skip
    assert [p.column for p in refused.value.problems] == ["satisfaction", "resolved"]


@pytest.mark.django_db
def test_the_to_do_view_lists_my_open_matters_by_deadline(client, people, new_matter, units):
    dispatcher = people["dispatcher"][1]
    handler_user = people["handler"][0]
    late = new_matter(grade=3, now=at("2025-09-01", 9))
    soon = new_matter(grade=1, now=at("2025-09-02", 9))
    other = new_matter(grade=1, now=at("2025-09-02", 9))
    for matter, when in ((late, "2025-09-01"), (soon, "2025-09-02")):
        workflow.dispatch(actor=dispatcher, matter_id=matter.pk, unit_id=units["BZ01"].pk,
                          handler_id=handler_user.pk, now=at(when, 10))  # fmt: skip
    workflow.dispatch(actor=dispatcher, matter_id=other.pk, unit_id=units["BZ02"].pk,
                      handler_id=None, now=at("2025-09-02", 10))  # fmt: skip
    late.refresh_from_db()
    soon.refresh_from_db()
    client.force_login(handler_user)
    listed = client.get(reverse("matters:todo")).context["matters"]
    expected = sorted([late, soon], key=lambda m: min(m.sign_due, m.handle_due))
    assert [m.number for m in listed] == [m.number for m in expected]


@pytest.mark.django_db
def test_english_mode_shows_stored_english_names(client, people, new_matter):
    new_matter()
    client.force_login(people["dispatcher"][0])
    page = client.get(reverse("matters:list"), **EN).content.decode()
    assert "Noise" in page and "噪音扰民" not in page


@pytest.mark.django_db
def test_the_list_page_query_count_does_not_grow_with_matters(
    client, people, new_matter, django_assert_num_queries
):
    client.force_login(people["dispatcher"][0])
    new_matter()
    client.get(reverse("matters:list"))  # warm caches (session, permissions)
    with django_assert_num_queries(8):  # the page's ids, then its rows
        client.get(reverse("matters:list"))
    for _i in range(5):
        new_matter()
    with django_assert_num_queries(8):  # the page's ids, then its rows
        client.get(reverse("matters:list"))
    with django_assert_num_queries(6):  # the counts, then the page's ids and rows (test_todo_rule)
        client.get(reverse("matters:todo"))
