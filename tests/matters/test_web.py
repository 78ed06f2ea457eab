"""The web pages: a full walk through the loop, and who sees what."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from pingan.audit.models import AuditRecord
from pingan.matters.models import Matter
from tests.matters.conftest import PHONE


def _post(client, name, matter, data=None, **kwargs):
    return client.post(reverse(name, kwargs={"matter_id": matter.pk, **kwargs}), data or {})


@pytest.mark.django_db
def test_walk_through_the_loop_then_statistics_count_it_closed_on_time(client, people, units):
    dispatcher, handler = people["dispatcher"][0], people["handler"][0]
    client.force_login(dispatcher)
    response = client.post(
        reverse("matters:new", kwargs={"route": "phone"}),
        {
            "category": "labour_wages", "grade": "2", "description": "工地拖欠三名工人工资",
            "place": "BZ0101", "channel": "phone", "reporter_name": "赵六", "reporter_phone": PHONE,
        },
    )  # fmt: skip
    matter = Matter.objects.get(description="工地拖欠三名工人工资")
    assert response.status_code == 302
    assert response["Location"] == reverse("matters:detail", kwargs={"matter_id": matter.pk})
    page = client.get(response["Location"]).content.decode()
    assert PHONE not in page and "139******78" in page
    _post(
        client,
        "matters:centre_action",
        matter,
        {"unit": units["BZ01"].pk, "handler": handler.pk},
        action="dispatch",
    )
    assert Matter.objects.get(pk=matter.pk).status == "dispatched"

    client.force_login(handler)
    _post(client, "matters:unit_action", matter, action="sign")
    _post(
        client,
        "matters:unit_action",
        matter,
        {"account": "协调企业当场支付工资", "outcome": "resolved"},
        action="feedback",
    )
    assert Matter.objects.get(pk=matter.pk).status == "feedback"

    client.force_login(dispatcher)
    _post(client, "matters:review_action", matter, action="accept")
    _post(
        client,
        "matters:review_action",
        matter,
        {"satisfaction": "5", "resolved": "yes"},
        action="follow_up",
    )
    matter.refresh_from_db()
    assert (matter.status, matter.satisfaction, matter.resolved) == ("visited", 5, True)

    response = client.get(reverse("matters:stats"))
    total = response.context["stats"].total
    assert (total.received, total.closed, total.closed_on_time, total.open_overdue) == (1, 1, 1, 0)
    assert total.rates["on_time_completion_rate"] == 1.0
    chart = response.context["chart"]
    assert (chart["units"], chart["dispatch"], chart["on_time"], chart["feedback"]) == (
        ["滨城区"],
        [1.0],
        [1.0],
        [1.0],
    )
    html = response.content.decode()
    assert re.search(r'data-testid="closed-on-time">1<', html)


@pytest.mark.django_db
def test_handler_cannot_read_another_units_matter(client, people, units, new_matter):
    from pingan.matters.actions import workflow

    matter = new_matter()
    workflow.dispatch(
        actor=people["dispatcher"][1],
        matter_id=matter.pk,
        unit_id=units["BZ01"].pk,
        handler_id=people["handler"][0].pk,
    )
    client.force_login(people["other"][0])
    assert client.get(reverse("matters:detail", kwargs={"matter_id": matter.pk})).status_code == 404
    assert _post(client, "matters:unit_action", matter, action="sign").status_code == 404
    assert matter.number not in client.get(reverse("matters:list")).content.decode()
    client.force_login(people["handler"][0])
    assert matter.number in client.get(reverse("matters:list")).content.decode()


@pytest.mark.django_db
def test_full_personal_data_only_for_dispatcher_and_assigned_handler_and_audited(
    client, people, units, new_matter
):
    from pingan.matters.actions import workflow

    matter = new_matter()
    workflow.dispatch(
        actor=people["dispatcher"][1],
        matter_id=matter.pk,
        unit_id=units["BZ01"].pk,
        handler_id=people["handler"][0].pk,
    )
    url = reverse("matters:reveal", kwargs={"matter_id": matter.pk})
    before = AuditRecord.objects.filter(event="matters.personal_data.view").count()
    client.force_login(people["handler"][0])
    assert PHONE in client.post(url).content.decode()
    client.force_login(people["colleague"][0])
    assert client.post(url).status_code == 403
    assert (
        PHONE
        not in client.get(
            reverse("matters:detail", kwargs={"matter_id": matter.pk})
        ).content.decode()
    )
    client.force_login(people["analyst"][0])
    assert client.post(url).status_code == 403
    client.force_login(people["dispatcher"][0])
    assert PHONE in client.post(url).content.decode()
    assert AuditRecord.objects.filter(event="matters.personal_data.view").count() == before + 2
    assert not AuditRecord.objects.filter(detail__icontains=PHONE).exists()


@pytest.mark.django_db
def test_confidential_reporter_never_shown_to_the_handling_unit(client, people, units, new_matter):
    from pingan.matters.actions import personal_data, workflow

    matter = new_matter(reporter_confidential=True)
    workflow.dispatch(
        actor=people["dispatcher"][1],
        matter_id=matter.pk,
        unit_id=units["BZ01"].pk,
        handler_id=people["handler"][0].pk,
    )
    shown = personal_data.reveal_personal(actor=people["handler"][1], matter_id=matter.pk)
    assert sorted(shown) == ["parties", "party_contact"]
    client.force_login(people["handler"][0])
    page = client.get(reverse("matters:detail", kwargs={"matter_id": matter.pk})).content.decode()
    assert "张" not in page.split('data-testid="masked"')[1].split("</dl>")[0]
    assert (
        personal_data.reveal_personal(actor=people["dispatcher"][1], matter_id=matter.pk)[
            "reporter_phone"
        ]
        == PHONE
    )


@pytest.mark.django_db
def test_list_has_no_search_by_person(client, people, new_matter):
    new_matter()
    client.force_login(people["dispatcher"][0])
    html = client.get(
        reverse("matters:list"), {"q": PHONE, "phone": PHONE, "name": "张三"}
    ).content.decode()
    assert 'name="q"' not in html and 'name="phone"' not in html and "张三" not in html


@pytest.mark.django_db
def test_settings_page_edits_grade_and_issues_a_key(client, make_user, units):
    from pingan.accounts.models import ApiCredential
    from pingan.matters.models import Grade

    admin = make_user("system_admin", username="sys")
    client.force_login(admin)
    response = client.post(
        reverse("matters:settings"),
        {
            "kind": "grade",
            "level": "1",
            "g1-level": "1",
            "g1-name_zh": "重大",
            "g1-name_en": "Major",
            "g1-sign_days": "1",
            "g1-handle_days": "4",
        },
    )
    assert response.status_code == 302
    assert Grade.objects.get(level=1).handle_days == 4
    client.post(reverse("matters:apikey_create"), {"name": "12345 hotline"})
    page = client.get(reverse("matters:settings")).content.decode()
    raw = re.search(r'data-testid="new-key">([^<]+)<', page).group(1)
    assert ApiCredential.objects.get(kind="open311").prefix == raw[:8]
    assert raw not in client.get(reverse("matters:settings")).content.decode()


@pytest.mark.django_db
def test_summary_button_and_docx_download(client, people, new_matter):
    new_matter()
    client.force_login(people["dispatcher"][0])
    client.post(reverse("matters:summary_generate"), {"day": "2025-09-26"})
    response = client.get(reverse("matters:summary_download", kwargs={"day": "2025-09-26"}))
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    assert (
        client.get(reverse("matters:summary_download", kwargs={"day": "2025-13-01"})).status_code
        == 404
    )


@pytest.mark.django_db
def test_public_report_form_is_csrf_protected_and_rate_limited(units):
    from django.test import Client

    from pingan.matters.actions.intake import PUBLIC_LIMIT_PER_HOUR

    data = {
        "category": "neighbour_noise",
        "place": "BZ0101",
        "description": "夜间广场舞音响过大",
        "reporter_phone": PHONE,
    }
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("matters:report"), data).status_code == 403
    client = Client()
    assert client.get(reverse("matters:report")).status_code == 200
    for _ in range(PUBLIC_LIMIT_PER_HOUR):
        response = client.post(reverse("matters:report"), data)
        assert response.status_code == 200 and "M" in response.context["number"]
    assert client.post(reverse("matters:report"), data).status_code == 429
    assert Matter.objects.filter(channel="web", grade__level=3).count() == PUBLIC_LIMIT_PER_HOUR


@pytest.mark.django_db
def test_attachment_only_for_those_who_see_the_matter(client, people, units, new_matter):
    from pingan.matters.actions import intake

    png = b"\x89PNG\r\n\x1a\n" + b"2" * 20
    matter = new_matter(uploads=[intake.Upload("p.png", "image/png", png)])
    url = reverse(
        "matters:attachment",
        kwargs={"matter_id": matter.pk, "attachment_id": matter.attachments.get().pk},
    )
    client.force_login(people["dispatcher"][0])
    response = client.get(url)
    assert (response.status_code, response.content, response["Content-Type"]) == (
        200,
        png,
        "image/png",
    )
    client.force_login(people["other"][0])
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_settings_page_adds_and_removes_a_dispatch_rule(client, make_user, people, units):
    from pingan.matters.models import DispatchRule

    client.force_login(make_user("system_admin", username="sys"))
    url = reverse("matters:settings")
    data = {
        "kind": "rule",
        "category_code": "labour_wages",
        "unit_code": "BZ02",
        "handler_username": "h2",
    }
    assert client.post(url, data).status_code == 302
    rule = DispatchRule.objects.get()
    assert (rule.category.code, rule.place_unit, rule.unit.code, rule.handler.username) == (
        "labour_wages",
        None,
        "BZ02",
        "h2",
    )
    client.post(url, {**data, "handler_username": "h1"})  # h1 handles BZ01, not BZ02
    client.post(url, {"kind": "rule", "unit_code": "BZ02"})  # names neither category nor place
    assert DispatchRule.objects.count() == 1
    client.post(reverse("matters:rule_delete", kwargs={"rule_id": rule.pk}))
    assert DispatchRule.objects.count() == 0


@pytest.mark.django_db
def test_the_centre_raises_a_dispatched_matter_one_level_from_its_page(client, people, units):
    dispatcher, handler = people["dispatcher"][0], people["handler"][0]
    client.force_login(dispatcher)
    client.post(
        reverse("matters:new", kwargs={"route": "phone"}),
        {
            "category": "labour_wages", "grade": "2", "description": "提级测试",
            "place": "BZ0101", "channel": "phone",
        },
    )  # fmt: skip
    matter = Matter.objects.get(description="提级测试")
    assignee = {"unit": units["BZ01"].pk, "handler": handler.pk}
    _post(client, "matters:centre_action", matter, assignee, action="dispatch")
    step = Matter.objects.get(pk=matter.pk).ladder_step
    _post(
        client, "matters:centre_action", matter, {**assignee, "reason": "调解未果"}, action="raise"
    )
    matter.refresh_from_db()
    assert (matter.status, matter.ladder_step) == ("dispatched", step + 1)
    assert AuditRecord.objects.filter(event="matters.matter.raise_level").count() == 1
